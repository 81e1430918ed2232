#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The benchmark, in the guest, all in one boot: the cost of a call of a
# tiny function unpatched, patched by livegraft and patched by the
# kernel's livepatch (where the kernel has it); the same from user space,
# through the getpid system call; how long a transition takes, idle and
# under load, for both; then the scale benchmark (bench-scale.sh) when the
# guest has it. Prints "BENCH <key> <value>", and "BENCH done" at the end
# whatever happened: every wait is bounded (BOUND seconds), a wait that
# runs out makes its figure "timeout" and the bench goes on.

mods=/lib/modules/$(uname -r)/extra
CALLS=${CALLS:-1000000}
E2E_CALLS=${E2E_CALLS:-300000}
RUNS=${RUNS:-5}
BOUND=${BOUND:-30}
SCALE_THREADS=${SCALE_THREADS-100 1000 10000}
SCALE_BOUND=${SCALE_BOUND:-60}
SCALE_TIMEOUT=${SCALE_TIMEOUT:-1800}
KLP=/sys/kernel/livepatch
LG=/sys/kernel/livegraft
# Set once a patch could not be taken away in time: that framework is
# measured no more in this boot ("-"), its module stays.
lg_stuck=
klp_stuck=

# note(text) - on stderr, which the console shows too: never taken for a
# figure by the $(...) around the measurements
note() {
	echo "BENCH note $*" >&2
}

# median - of the numbers on stdin; "timeout" when any run timed out
median() {
	sort -n | awk '
		$1 == "timeout" { t = 1 }
		$1 ~ /^[0-9.]+$/ { v[++n] = $1 }
		END {
			if (t) print "timeout"
			else if (n) print v[int((n + 1) / 2)]
			else print "-"
		}'
}

now_s() {
	cut -d. -f1 /proc/uptime
}

# wait_for(seconds, command...) - until the command succeeds; 1 when the
# time runs out first
wait_for() {
	end=$(($(now_s) + $1))
	shift
	until "$@"; do
		[ "$(now_s)" -lt "$end" ] || return 1
		sleep 0.05
	done
}

is_done() {
	[ "$(cat "$1/transition" 2>/dev/null)" = 0 ]
}

is_gone() {
	[ ! -e "$1" ]
}

wait_done() {
	wait_for "$BOUND" is_done "$1"
}

wait_gone() {
	wait_for "$BOUND" is_gone "$1"
}

# unpatch(sysfs dir of the patch, module) - disable (which reverses a
# transition still running), unload; 1 when that does not end in time
unpatch() {
	echo 0 >"$1/enabled" 2>/dev/null
	if ! wait_gone "$1"; then
		note "$2 still there ${BOUND}s after its disable: left loaded"
		return 1
	fi
	rmmod "$2"
}

# lg_patch(module) - load a livegraft patch and wait for its transition:
# 0 done, 1 the load failed, 2 timeout (the patch then taken away)
lg_patch() {
	insmod "$mods/$1.ko" || return 1
	wait_done "$LG/$1" && return 0
	note "livegraft $1: no end of transition in ${BOUND}s"
	grep . "$LG/$1/pending" 2>/dev/null | head -n 5 | sed 's/^/BENCH note   /' >&2
	unpatch "$LG/$1" "$1" || lg_stuck=1
	return 2
}

no_insmod() {
	! pidof insmod >/dev/null
}

# klp_patch(module, args) - the same for the kernel's livepatch. Its
# insmod is bounded too: on x86_64 6.12, klp_enable_patch() itself can
# take minutes under load (Documentation/benchmark.md); it then goes on in
# the background, the patch counts as stuck, and settle() ends it later.
klp_patch() {
	mod=$1
	shift
	insmod "$mods/$mod.ko" "$@" >/dev/null 2>/tmp/insmod.err &
	ipid=$!
	if ! wait_for "$BOUND" no_insmod; then
		note "livepatch $mod: insmod still in the kernel after ${BOUND}s"
		klp_stuck=1
		return 2
	fi
	wait $ipid || { cat /tmp/insmod.err >&2; return 1; }
	wait_done "$KLP/$mod" && return 0
	note "livepatch $mod: no end of transition in ${BOUND}s"
	unpatch "$KLP/$mod" "$mod" || klp_stuck=1
	return 2
}

# call_costs(name:index...) - RUNS rounds, each timing CALLS calls of each
# function in turn; the median ns per call of each as call_ns_<name>
call_costs() {
	for _ in $(seq "$RUNS"); do
		for f in "$@"; do
			echo "$CALLS ${f#*:}" >/proc/test_lg_bench
			echo "${f%:*} $(cat /proc/test_lg_bench)"
		done
	done >/tmp/costs
	for f in "$@"; do
		f=${f%:*}
		echo "BENCH raw_call_ns_$f $(awk -v f="$f" '$1 == f { printf "%s ", $2 }' /tmp/costs)"
		echo "BENCH call_ns_$f $(awk -v f="$f" '$1 == f { print $2 }' /tmp/costs | median)"
	done
}

# call_path(func) - how ftrace calls a patched function: fast (livegraft's
# direct trampoline to the replacement) or handler (its ftrace_ops)
call_path() {
	ef=/sys/kernel/tracing/enabled_functions
	[ -r $ef ] || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
	if grep -A1 "^$1 " $ef | grep -q "direct-->lg_fast_"; then
		echo fast
	else
		echo handler
	fi
}

# e2e_costs() - RUNS rounds of E2E_CALLS getpid calls from user space:
# unpatched, patched by livegraft, patched by the kernel's livepatch, one
# after the other in each round, and unpatched again at its end, so that
# a drift of the emulator's speed weighs on every column alike
e2e_costs() {
	for _ in $(seq "$RUNS"); do
		echo "unpatched $(bench-getpid "$E2E_CALLS")"
		if [ -z "$lg_stuck" ]; then
			lg_patch test_lg_bench_e2e_patch
			case $? in
			0)
				echo "livegraft $(bench-getpid "$E2E_CALLS")"
				unpatch "$LG/test_lg_bench_e2e_patch" test_lg_bench_e2e_patch ||
					lg_stuck=1
				;;
			2) echo "livegraft timeout" ;;
			esac
		fi
		if [ -e "$mods/test_lg_bench_e2e_klp.ko" ] && [ -z "$klp_stuck" ]; then
			klp_patch test_lg_bench_e2e_klp
			case $? in
			0)
				echo "livepatch $(bench-getpid "$E2E_CALLS")"
				unpatch "$KLP/test_lg_bench_e2e_klp" test_lg_bench_e2e_klp ||
					klp_stuck=1
				;;
			2) echo "livepatch timeout" ;;
			esac
		fi
		echo "unpatched $(bench-getpid "$E2E_CALLS")"
	done >/tmp/e2e
	for f in unpatched livegraft livepatch; do
		grep -q "^$f " /tmp/e2e || continue
		echo "BENCH raw_e2e_ns_$f $(awk -v f=$f '$1 == f { printf "%s ", $2 }' /tmp/e2e)"
		echo "BENCH e2e_ns_$f $(awk -v f=$f '$1 == f { print $2 }' /tmp/e2e | median)"
	done
}

# lg_transition_ms(patch module) - load it, report its transition time,
# disable and unload it
lg_transition_ms() {
	lg_patch "$1"
	case $? in
	1) return ;;
	2) echo timeout; return ;;
	esac
	ns=$(sed -n 's/^last_duration_ns: //p' "$LG/$1/stats")
	unpatch "$LG/$1" "$1" || lg_stuck=1
	echo "$ns" | awk '{ printf "%.3f\n", $1 / 1e6 }'
}

# klp_transition_ms(patch module, args) - the same for the kernel's
# livepatch, timed from its own log lines
klp_transition_ms() {
	echo "<5>bench: klp start" >/dev/kmsg
	klp_patch "$@"
	case $? in
	1) return ;;
	2) echo timeout; return ;;
	esac
	dmesg | awk -v m="'$1': " '
		/bench: klp start/ { s = 0; e = 0 }
		index($0, m "starting patching transition") { s = substr($0, 2) + 0 }
		index($0, m "patching complete") { e = substr($0, 2) + 0 }
		END { printf "%.3f\n", (e - s) * 1000 }'
	unpatch "$KLP/$1" "$1" || klp_stuck=1
}

# transitions(label) - RUNS transitions of each framework; after a
# timeout, no more runs of that framework in this label
transitions() {
	v=$(for _ in $(seq "$RUNS"); do
		[ -z "$lg_stuck" ] || break
		t=$(lg_transition_ms test_lg_livepatch)
		echo "$t"
		[ "$t" != timeout ] || break
	done | median)
	echo "BENCH transition_ms_${1}_livegraft $v"
	[ -e "$mods/test_lg_klp.ko" ] || return
	v=$(for _ in $(seq "$RUNS"); do
		[ -z "$klp_stuck" ] || break
		t=$(klp_transition_ms test_lg_klp target=cmdline)
		echo "$t"
		[ "$t" != timeout ] || break
	done | median)
	echo "BENCH transition_ms_${1}_livepatch $v"
}

# settle() - once the load is gone, end what a timeout left behind: an
# insmod still in the kernel, a patch still in transition (each bounded
# again). The subshells above cannot set lg_stuck and klp_stuck for the
# rest: whether a patch is left is read from sysfs again.
settle() {
	wait_for "$BOUND" no_insmod || note "an insmod still runs: its patch stays"
	lg_stuck='' klp_stuck=''
	for p in "$LG"/test_lg_* "$KLP"/test_lg_*; do
		[ -e "$p" ] || continue
		note "ending $p, left by a timeout"
		wait_done "$p"
		unpatch "$p" "${p##*/}"
	done
	for p in "$LG"/test_lg_*; do
		[ -e "$p" ] && lg_stuck=1
	done
	for p in "$KLP"/test_lg_*; do
		[ -e "$p" ] && klp_stuck=1
	done
	pidof insmod >/dev/null && klp_stuck=1
	return 0
}

insmod "$mods/livegraft.ko" || exit 1
echo 0 >/sys/module/livegraft/parameters/signal_delay_ms
insmod "$mods/test_lg_bench.ko" || exit 1

echo "BENCH kernel $(uname -r) $(uname -m)"
echo "BENCH calls_per_run $CALLS"
echo "BENCH e2e_calls_per_run $E2E_CALLS"
echo "BENCH runs $RUNS"
echo "BENCH bound_s $BOUND"
# The patches at once, each on one of the identical functions.
set -- unpatched:0
lg_patch test_lg_bench_patch && set -- "$@" livegraft:1
if [ -e "$mods/test_lg_bench_klp.ko" ]; then
	klp_patch test_lg_bench_klp && set -- "$@" livepatch:2
fi
# Where livegraft's patch is on its fast path, the same patch through its
# ftrace handler beside it (fast_slots=0 while it loads): what the fast
# path saves, in this boot.
slots=/sys/module/livegraft/parameters/fast_slots
lg_path=-
[ -e $LG/test_lg_bench_patch ] && lg_path=$(call_path test_lg_bench_fn1)
echo "BENCH livegraft_path $lg_path"
if [ "$lg_path" = fast ]; then
	was=$(cat $slots)
	echo 0 >$slots
	lg_patch test_lg_bench_handler_patch
	rc=$?
	echo "$was" >$slots
	if [ $rc = 0 ] && [ "$(call_path test_lg_bench_fn3)" = handler ]; then
		set -- "$@" livegraft_handler:3
	elif [ $rc = 0 ]; then
		note "test_lg_bench_handler_patch: not on the handler, not measured"
	fi
fi
call_costs "$@"
for p in test_lg_bench_patch test_lg_bench_handler_patch; do
	[ ! -e $LG/$p ] || unpatch $LG/$p $p || lg_stuck=1
done
[ ! -e $KLP/test_lg_bench_klp ] || unpatch $KLP/test_lg_bench_klp test_lg_bench_klp ||
	klp_stuck=1

e2e_costs

transitions idle
settle

# Load: CPU-bound loops, syscall loops, a fork storm.
pids=
for _ in 1 2; do
	sh -c 'while :; do :; done' &
	pids="$pids $!"
	sh -c 'while :; do cat /proc/version >/dev/null; done' &
	pids="$pids $!"
done
transitions load
# shellcheck disable=SC2086 # a list of pids
kill $pids
# shellcheck disable=SC2086 # a list of pids
wait $pids 2>/dev/null
settle

# The scale benchmark ("SCALE ..." lines), bounded as a whole too.
if [ -z "$SCALE_THREADS" ]; then
	note "scale benchmark: not run (SCALE_THREADS is empty)"
elif [ -f /root/bench-scale.sh ]; then
	SCALE_THREADS=$SCALE_THREADS SCALE_BOUND=$SCALE_BOUND \
		timeout "$SCALE_TIMEOUT" sh /root/bench-scale.sh
	rc=$?
	case $rc in
	0) ;;
	124 | 143) note "bench-scale.sh: stopped after ${SCALE_TIMEOUT}s" ;;
	*) note "bench-scale.sh: exit $rc" ;;
	esac
	settle
fi
echo "BENCH done"
