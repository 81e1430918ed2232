#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The scale benchmark, in the guest: how long a patching transition takes
# with 100, 1,000 and 10,000 threads that sleep in the kernel (sleep),
# spin in user space (user), or a third of each and a third calling
# getppid() in a loop (mix); livegraft, then the kernel's livepatch where
# the kernel has it, on the same threads in the same boot; and the memory
# livegraft allocated for the transition (stats' memory_bytes). Each
# framework gets the threads anew, and patches with them; the threads go
# before the patch is disabled: ftrace's unregistering waits in
# synchronize_rcu_tasks() for every spinning thread to take a tick in user
# space, which 10,000 of them on two CPUs make minutes long (the same for
# both frameworks, and no part of a patching transition). One line per
# cell:
#
#   SCALE <framework> <workload> <threads> <transition_ms|timeout|-> <kib|->
#
# Every wait is bounded by SCALE_BOUND seconds: a transition that does
# not complete in time prints "timeout", is turned back, and the bench
# goes on; a framework that cannot be cleaned up afterwards prints "-" for
# the cells that follow.

mods=/lib/modules/$(uname -r)/extra
LG=/sys/kernel/livegraft
KLP=/sys/kernel/livepatch
SCALE_THREADS=${SCALE_THREADS-100 1000 10000}
SCALE_WORKLOADS=${SCALE_WORKLOADS:-sleep user mix}
SCALE_BOUND=${SCALE_BOUND:-60}
# 10,000 spinners of a nice 19 group are not all running within a minute
# on every boot (x86_64 6.12): starting them has its own bound.
SCALE_SPAWN_TIMEOUT=${SCALE_SPAWN_TIMEOUT:-180}

lg_broken=
klp_broken=
[ -e "$mods/test_lg_klp.ko" ] || klp_broken=absent

# bounded(seconds, command...) - retry the command every 50 ms until it
# succeeds; false once the seconds are over
bounded() {
	end=$(($(cut -d. -f1 /proc/uptime) + $1))
	shift
	until "$@"; do
		[ "$(cut -d. -f1 /proc/uptime)" -lt "$end" ] || return 1
		sleep 0.05
	done
}

done_in() {
	[ "$(cat "$1/transition" 2>/dev/null)" = 0 ]
}

gone() {
	[ ! -e "$1" ]
}

stat_of() {
	sed -n "s/^$2: //p" "$1/stats"
}

# settle(dir, name) - turn the patch off, or its transition back, and
# remove its module; false if that fails within the bound
settle() {
	echo 0 >"$1/enabled" 2>/dev/null
	if ! bounded "$SCALE_BOUND" gone "$1"; then
		echo 1 >"$1/force" 2>/dev/null
		bounded "$SCALE_BOUND" gone "$1" || return 1
	fi
	rmmod "$2" 2>/dev/null
}

# threads_up(sleep, user, syscall) - start them; false if they are not
# all running within the bound
threads_up() {
	rm -f /tmp/scale-threads.out
	scale-threads "$@" >/tmp/scale-threads.out 2>&1 &
	spawner=$!
	bounded "$SCALE_SPAWN_TIMEOUT" grep -q '^ready' /tmp/scale-threads.out && return
	echo "SCALE-NOTE cannot start $*: $(tail -n 1 /tmp/scale-threads.out)"
	threads_down
	return 1
}

zombie_or_gone() {
	! grep -q '^State:[[:space:]]*[^Z]' "/proc/$1/status" 2>/dev/null
}

# threads_down() - kill them all and wait (bounded) until they are gone
threads_down() {
	kill -KILL "$spawner" 2>/dev/null
	if bounded "$SCALE_BOUND" zombie_or_gone "$spawner"; then
		wait "$spawner" 2>/dev/null
	else
		echo "SCALE-NOTE threads of pid $spawner still exiting after ${SCALE_BOUND}s"
	fi
}

# lg_cell(workload, threads, sleep, user, syscall) - one livegraft
# transition on these threads
lg_cell() {
	p=test_lg_livepatch
	if [ -n "$lg_broken" ] || ! threads_up "$3" "$4" "$5"; then
		echo "SCALE livegraft $1 $2 - -"
		return
	fi
	if ! insmod "$mods/$p.ko"; then
		threads_down
		echo "SCALE livegraft $1 $2 - -"
		return
	fi
	if bounded "$SCALE_BOUND" done_in "$LG/$p"; then
		ms=$(stat_of "$LG/$p" last_duration_ns | awk '{ printf "%.3f", $1 / 1e6 }')
		kib=$(stat_of "$LG/$p" memory_bytes | awk '{ printf "%.1f", $1 / 1024 }')
		echo "SCALE livegraft $1 $2 $ms ${kib:--}"
		echo "SCALE-STATS livegraft $1 $2 $(tr '\n' ' ' <"$LG/$p/stats")"
	else
		echo "SCALE livegraft $1 $2 timeout -"
		head -n 5 "$LG/$p/pending" | sed 's/^/SCALE-PENDING /'
	fi
	threads_down
	settle "$LG/$p" "$p" || lg_broken=1
}

# klp_cell(workload, threads, sleep, user, syscall) - the same for the
# kernel's livepatch, timed from its own log lines
klp_cell() {
	p=test_lg_klp
	[ "$klp_broken" = absent ] && return
	if [ -n "$klp_broken" ] || ! threads_up "$3" "$4" "$5"; then
		echo "SCALE livepatch $1 $2 - -"
		return
	fi
	mark="bench-scale: klp $1 $2 $$"
	echo "<5>$mark" >/dev/kmsg
	if ! insmod "$mods/$p.ko" target=cmdline; then
		threads_down
		echo "SCALE livepatch $1 $2 - -"
		return
	fi
	if bounded "$SCALE_BOUND" done_in "$KLP/$p"; then
		ms=$(dmesg | awk -v mark="$mark" -v m="'$p': " '
			index($0, mark) { on = 1; s = 0; e = 0 }
			on && index($0, m "starting patching transition") { s = substr($0, 2) + 0 }
			on && index($0, m "patching complete") { e = substr($0, 2) + 0 }
			END { if (s && e) printf "%.3f", (e - s) * 1000; else print "-" }')
		echo "SCALE livepatch $1 $2 $ms -"
	else
		echo "SCALE livepatch $1 $2 timeout -"
	fi
	threads_down
	settle "$KLP/$p" "$p" || klp_broken=1
}

# cell(workload, threads)
cell() {
	n=$2
	case "$1" in
	sleep) set -- "$1" "$n" "$n" 0 0 ;;
	user) set -- "$1" "$n" 0 "$n" 0 ;;
	mix) set -- "$1" "$n" $((n - 2 * (n / 3))) $((n / 3)) $((n / 3)) ;;
	esac
	lg_cell "$@"
	klp_cell "$@"
}

[ -d /sys/module/livegraft ] || insmod "$mods/livegraft.ko" || exit 1
# The fake signals would only add noise: sleeping threads move by their
# stacks, running ones on their next return to user space.
echo 0 >/sys/module/livegraft/parameters/signal_delay_ms

# Room for the threads: the kernel's default limit is an eighth of the
# memory divided by the stack size, 8,192 threads for 1 GiB.
max=0
for n in $SCALE_THREADS; do
	[ "$n" -gt "$max" ] && max=$n
done
if [ "$(cat /proc/sys/kernel/threads-max)" -lt $((max + 1000)) ]; then
	echo $((max + 1000)) >/proc/sys/kernel/threads-max
fi

echo "SCALE-NOTE $(uname -r) $(uname -m), $(nproc) cpus, $(sed -n 's/^MemTotal: *//p' /proc/meminfo)"
for w in $SCALE_WORKLOADS; do
	for n in $SCALE_THREADS; do
		cell "$w" "$n"
	done
done
echo "SCALE-NOTE done, $(sed -n 's/^MemAvailable: *//p' /proc/meminfo) available"
