#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317 # scenarios are called through run_test
#
# Consistency under stress: test_lg_cons_outer() calls
# test_lg_cons_inner(), sleeps, and calls it again; the patch replaces
# both, and its new outer expects the new inner. Kthreads and user tasks
# (through read(), each a new process: a fork storm too) call outer all
# the time while the patch is enabled and disabled again and again. A call
# that ever mixes the universes is counted; the count must stay 0.

# shellcheck source=selftests/functions.sh
. "$(dirname "$0")/functions.sh"

CYCLES=${LG_STRESS_CYCLES:-5}

# counter(name) - a counter of /proc/test_lg_cons
counter() {
	sed -n "s/.*$1 \([0-9]*\).*/\1/p" /proc/test_lg_cons
}

test_consistency() {
	load_livegraft
	echo 200 >/sys/module/livegraft/parameters/signal_delay_ms
	load_mod test_lg_cons threads=4
	pids=
	for _ in 1 2 3; do
		sh -c 'while :; do cat /proc/test_lg_cons >/dev/null; done' &
		pids="$pids $!"
	done

	cycle=0
	while [ $cycle -lt "$CYCLES" ]; do
		load_patch test_lg_cons_patch
		ns=$(sed -n 's/^last_duration_ns: //p' "$(patch_dir test_lg_cons_patch)/stats")
		echo "# cycle $cycle: patching took $((ns / 1000000)) ms"
		sleep 0.3
		disable_patch test_lg_cons_patch
		unload_mod test_lg_cons_patch
		sleep 0.3
		cycle=$((cycle + 1))
	done

	# shellcheck disable=SC2086 # a list of pids
	kill $pids
	wait 2>/dev/null
	echo "# $(cat /proc/test_lg_cons)"
	assert_eq "calls that mixed old and new code" 0 "$(counter mixed)"
	[ "$(counter old)" -gt 0 ] || die "no call ran the old code"
	[ "$(counter new)" -gt 0 ] || die "no call ran the new code"
}

run_test "no task mixes universes under stress" test_consistency
finish
