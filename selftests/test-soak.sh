#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317 # scenarios are called through run_test
#
# Soak: a patch of three functions in test_lg_cons and one in
# test_lg_target, enabled and disabled again and again under load:
# kthreads calling the consistency probe's chain back to back, each
# asleep inside it most of the time; user tasks in read() loops, each read a
# new process (a fork storm); test_lg_target loading and unloading all
# the time, so that the patch's second object comes and goes, during
# transitions too. Every chain is checked: 0 may mix the universes. At
# the end, livegraft's live allocations are back where they started.
#
# LG_SOAK_CYCLES (default 20, `make soak` 200) enable/disable cycles;
# with LG_SOAK_CHAINS set, the cycles go on until that many chains ran.

# shellcheck source=selftests/functions.sh
. "$(dirname "$0")/functions.sh"

CYCLES=${LG_SOAK_CYCLES:-20}
CHAINS=${LG_SOAK_CHAINS:-0}
THREADS=${LG_SOAK_THREADS:-4}
# A bound, so that a slow guest cannot soak for ever.
MAX_CYCLES=$((CYCLES * 10))
P=test_lg_cons_soak

# lg_allocations() - livegraft's live allocations, but for the kinds that
# follow the system's exits and sleepers (Documentation/sysfs-abi.md)
lg_allocations() {
	grep -v -e '^exit_records:' -e '^task_works:' \
		/sys/module/livegraft/parameters/live_objects | tr '\n' ' '
}

# cons_counter(name) - a counter of /proc/test_lg_cons ("old 1 new 2 ...")
cons_counter() {
	echo " $(cat /proc/test_lg_cons)" | sed -n "s/.* $1 \([0-9]*\).*/\1/p"
}

chains() {
	echo $(($(cons_counter old) + $(cons_counter new)))
}

test_soak() {
	load_livegraft
	echo 200 >/sys/module/livegraft/parameters/signal_delay_ms
	[ -r /sys/module/livegraft/parameters/live_objects ] ||
		die "livegraft does not count its live allocations"
	before=$(lg_allocations)
	load_mod test_lg_cons threads="$THREADS" task_safe=1
	pids=
	for _ in 1 2 3; do
		sh -c 'while :; do cat /proc/test_lg_cons >/dev/null; done' &
		pids="$pids $!"
	done
	# The target module comes and goes; its loads are counted in a
	# file, as a subshell cannot change our variables.
	: >/tmp/soak-target-loads
	sh -c 'while :; do
		insmod /lib/modules/$(uname -r)/extra/test_lg_target.ko &&
			echo >>/tmp/soak-target-loads
		sleep 0.05
		rmmod test_lg_target
		sleep 0.02
	done' >/dev/null 2>&1 &
	pids="$pids $!"

	cycle=0 slowest=0
	while [ $cycle -lt "$CYCLES" ] ||
	      { [ "$(chains)" -lt "$CHAINS" ] && [ $cycle -lt $MAX_CYCLES ]; }; do
		load_patch $P
		ns=$(sed -n 's/^last_duration_ns: //p' "$(patch_dir $P)/stats")
		[ "$ns" -le "$slowest" ] || slowest=$ns
		sleep 0.2
		disable_patch $P
		unload_mod $P
		cycle=$((cycle + 1))
		[ $((cycle % 50)) -ne 0 ] || echo "# cycle $cycle: $(chains) chains"
	done

	# shellcheck disable=SC2086 # a list of pids
	kill $pids
	wait 2>/dev/null
	! is_loaded test_lg_target || unload_mod test_lg_target
	echo "# $cycle cycles, $(chains) chains checked, $(cons_counter mixed) mixed," \
		"$(wc -l </tmp/soak-target-loads) target module loads," \
		"slowest transition $((slowest / 1000000)) ms"
	echo "# $(cat /proc/test_lg_cons)"
	assert_eq "calls that mixed old and new code" 0 "$(cons_counter mixed)"
	[ "$(cons_counter new)" -gt 0 ] || die "no call ran the new code"
	[ "$(chains)" -ge "$CHAINS" ] ||
		die "only $(chains) chains in $cycle cycles, $CHAINS wanted"
	[ "$(wc -l </tmp/soak-target-loads)" -gt 0 ] ||
		die "the target module never loaded"
	unload_mod test_lg_cons
	assert_eq "livegraft's live allocations" "$before" "$(lg_allocations)"
}

run_test "soak: enable and disable under load, nothing mixed, nothing leaked" test_soak
