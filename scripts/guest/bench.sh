#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The benchmark, in the guest, all in one boot: the cost of a call of a
# tiny function unpatched, patched by livegraft and patched by the
# kernel's livepatch (where the kernel has it); and how long a transition
# takes, idle and under load, for both. Prints "BENCH <key> <value>".

mods=/lib/modules/$(uname -r)/extra
CALLS=${CALLS:-1000000}
RUNS=${RUNS:-5}
KLP=/sys/kernel/livepatch

# median - of the numbers on stdin
median() {
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# call_costs(n) - RUNS rounds, each timing CALLS calls of each of the n
# functions in turn; the median ns per call of each, on one line
call_costs() {
	for _ in $(seq "$RUNS"); do
		i=0
		while [ $i -lt "$1" ]; do
			echo "$CALLS $i" >/proc/test_lg_bench
			echo "$i $(cat /proc/test_lg_bench)"
			i=$((i + 1))
		done
	done >/tmp/costs
	i=0
	while [ $i -lt "$1" ]; do
		awk -v i=$i '$1 == i { print $2 }' /tmp/costs | median
		i=$((i + 1))
	done
}

wait_gone() {
	while [ -e "$1" ]; do sleep 0.05; done
}

wait_done() {
	while [ "$(cat "$1/transition" 2>/dev/null)" != 0 ]; do sleep 0.05; done
}

# lg_transition_ms(patch module) - load it, report its transition time,
# disable and unload it
lg_transition_ms() {
	insmod "$mods/$1.ko" || exit 1
	wait_done "/sys/kernel/livegraft/$1"
	ns=$(sed -n 's/^last_duration_ns: //p' "/sys/kernel/livegraft/$1/stats")
	echo 0 >"/sys/kernel/livegraft/$1/enabled"
	wait_gone "/sys/kernel/livegraft/$1"
	rmmod "$1"
	echo "$ns" | awk '{ printf "%.3f\n", $1 / 1e6 }'
}

# klp_transition_ms(patch module, args) - the same for the kernel's
# livepatch, timed from its own log lines
klp_transition_ms() {
	mod=$1
	shift
	echo "<5>bench: klp start" >/dev/kmsg
	insmod "$mods/$mod.ko" "$@" || exit 1
	wait_done "$KLP/$mod"
	dmesg | awk -v m="'$mod': " '
		/bench: klp start/ { s = 0; e = 0 }
		index($0, m "starting patching transition") { s = substr($0, 2) + 0 }
		index($0, m "patching complete") { e = substr($0, 2) + 0 }
		END { printf "%.3f\n", (e - s) * 1000 }'
	echo 0 >"$KLP/$mod/enabled"
	wait_gone "$KLP/$mod"
	rmmod "$mod"
}

# transitions(label) - RUNS transitions of each framework
transitions() {
	v=$(for _ in $(seq "$RUNS"); do lg_transition_ms test_lg_livepatch; done | median)
	echo "BENCH transition_ms_${1}_livegraft $v"
	if [ -e "$mods/test_lg_klp.ko" ]; then
		v=$(for _ in $(seq "$RUNS"); do klp_transition_ms test_lg_klp target=cmdline; done | median)
		echo "BENCH transition_ms_${1}_livepatch $v"
	fi
}

insmod "$mods/livegraft.ko" || exit 1
echo 0 >/sys/module/livegraft/parameters/signal_delay_ms
insmod "$mods/test_lg_bench.ko" || exit 1

echo "BENCH kernel $(uname -r) $(uname -m)"
echo "BENCH calls_per_run $CALLS"
echo "BENCH runs $RUNS"
# Both patches at once, on two of the three identical functions.
insmod "$mods/test_lg_bench_patch.ko" || exit 1
wait_done /sys/kernel/livegraft/test_lg_bench_patch
n=2
if [ -e "$mods/test_lg_bench_klp.ko" ]; then
	insmod "$mods/test_lg_bench_klp.ko" || exit 1
	wait_done $KLP/test_lg_bench_klp
	n=3
fi
call_costs $n >/tmp/medians
echo "BENCH call_ns_unpatched $(sed -n 1p /tmp/medians)"
echo "BENCH call_ns_livegraft $(sed -n 2p /tmp/medians)"
[ $n = 3 ] && echo "BENCH call_ns_livepatch $(sed -n 3p /tmp/medians)"
echo 0 >/sys/kernel/livegraft/test_lg_bench_patch/enabled
wait_gone /sys/kernel/livegraft/test_lg_bench_patch
rmmod test_lg_bench_patch
if [ $n = 3 ]; then
	echo 0 >$KLP/test_lg_bench_klp/enabled
	wait_gone $KLP/test_lg_bench_klp
	rmmod test_lg_bench_klp
fi

transitions idle

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
wait 2>/dev/null
echo "BENCH done"
