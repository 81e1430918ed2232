#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317 # scenarios are called through run_test
#
# force: the way out of a transition that cannot complete, at a price: the
# patch module can never be removed. The collection runs this last, and
# tells the guest's leak check to expect what it leaves loaded.

# shellcheck source=selftests/functions.sh
. "$(dirname "$0")/functions.sh"

LP=test_lg_busy_patch
P=$LG_SYSFS/$LP

test_force() {
	load_livegraft
	echo 0 >/sys/module/livegraft/parameters/signal_delay_ms
	load_mod test_lg_busy
	load_mod $LP
	loop_until "grep -q test_lg_busy_sleep $P/pending" || die "not blocked"
	log "% echo 1 > $P/force"
	echo 1 >"$P/force"
	wait_transition $LP
	expect_leftover livegraft $LP
	grep -qx "moved_forced: [1-9][0-9]*" "$P/stats" || die "stats: $(cat $P/stats)"
	disable_patch $LP
	rmmod $LP 2>/dev/null && die "rmmod of a forced patch module worked"
	check_value /sys/module/$LP/refcnt 1
	transcript | grep -qx "livegraft: '$LP': forcing remaining tasks to the patched state, the patch module can no longer be removed" ||
		die "no warning"
}

run_test "force completes, the module stays" test_force
finish
