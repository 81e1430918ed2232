#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317 # scenarios are called through run_test
#
# force: the way out of a transition that cannot complete, at a price: the
# patch module can never be removed. The collection runs this last, and
# tells the guest's leak check to expect what it leaves loaded.

# shellcheck source=selftests/functions.sh
. "$(dirname "$0")/functions.sh"
# shellcheck source=selftests/json.sh
. "$(dirname "$0")/json.sh"

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

# The command's force says what force gives up and asks first: no answer
# or "n" forces nothing; --yes forces. check then exits 7 (forced), and
# unload frees the patch but cannot remove its module. After test_force,
# livegraft is still loaded; alone, this scenario loads it.
test_command_force() {
	P2=$LG_SYSFS/test_lg_busy_patch2
	command -v livegraft >/dev/null || die "no livegraft command in this guest"
	is_loaded livegraft || load_livegraft
	echo 0 >/sys/module/livegraft/parameters/signal_delay_ms
	load_mod test_lg_busy
	load_mod test_lg_busy_patch2
	loop_until "grep -q test_lg_busy_sleep $P2/pending" || die "not blocked"
	out=$(echo n | livegraft force 2>&1) && die "force answered n forced: $out"
	echo "$out" | sed 's/^/# /'
	case "$out" in
	*"gives up"*"consistency model"*"can never be"*"removed"*"not forced") ;;
	*) die "force said: $out" ;;
	esac
	livegraft force test_lg_busy_patch2 </dev/null 2>/dev/null && die "force with no answer forced"
	check_value "$P2/transition" 1
	out=$(livegraft force test_lg_busy_patch2 --yes 2>&1) || die "force --yes: $out"
	expect_leftover livegraft test_lg_busy_patch2
	echo "$out" | sed 's/^/# /'
	echo "$out" | grep -qx "test_lg_busy_patch2: forced ([1-9][0-9]* tasks moved by force); its module stays loaded" ||
		die "force --yes said: $out"
	check_value "$P2/transition" 0
	rc=0
	out=$(livegraft check --json) || rc=$?
	echo "# livegraft check --json: $out (exit $rc)"
	assert_eq "check's exit" 7 "$rc"
	printf '%s\n' "$out" | json_flat >"$LG_TMP/json" || die "not JSON: $out"
	assert_eq .status '"forced"' "$(json_get "$LG_TMP/json" .status)"
	assert_eq .patches[0].forced true "$(json_get "$LG_TMP/json" '.patches[0].forced')"
	out=$(livegraft unload test_lg_busy_patch2 2>&1) && die "unload of a forced patch worked"
	echo "$out" | grep -q "a forced patch's module stays loaded until reboot" ||
		die "unload said: $out"
	[ ! -e "$P2" ] || die "the forced patch was not freed"
	is_loaded test_lg_busy_patch2 || die "the forced module went"
}

run_test "force completes, the module stays" test_force
run_test "command: force asks, --yes forces, check says forced" test_command_force
finish
