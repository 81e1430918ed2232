#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317 # scenarios are called through run_test
#
# Patch modules that livegraft-build made from the source fixes of
# selftests/build (make check builds them with selftests/build/build-fixes.sh
# before the guest boots): each fix is live once its module is loaded, the
# original is back after a disable, and the module unloads.

# shellcheck source=selftests/functions.sh
. "$(dirname "$0")/functions.sh"

# have(mod) - skip when the patch module was not built for this target
have() {
	[ -f "$LG_MODDIR/$1.ko" ] || skip "$1.ko was not built for this target"
}

# live_cycle(mod, file, pattern) - file matches pattern only while mod's
# patch is enabled
live_cycle() {
	have "$1"
	load_livegraft
	before=$(cat "$2")
	echo "$before" | grep -q "$3" && die "$2 matches before the patch: $before"
	load_patch "$1"
	grep -q "$3" "$2" || die "the fix is not live: $(cat "$2")"
	disable_patch "$1"
	[ "$(cat "$2")" = "$before" ] || die "$2 after the disable: $(cat "$2")"
	unload_mod "$1"
}

test_version_string() {
	live_cycle livegraft-lgb_version /proc/version '(livegraft-build)$'
}

test_cmdline_string() {
	live_cycle livegraft-lgb_cmdline /proc/cmdline ' livegraft-build$'
}

test_new_function() {
	live_cycle livegraft-lgb_newfn /proc/version '^(livegraft-build: a new function)$'
}

# uptime_first() - the seconds of /proc/uptime, whole
uptime_first() {
	cut -d. -f1 /proc/uptime
}

# The only fix make check-debug's kernel builds (livegraft-build --kdir):
# a changed number, no string.
test_uptime_number() {
	have livegraft-lgb_uptime
	load_livegraft
	[ "$(uptime_first)" -lt 1000000 ] || die "uptime before the patch: $(cat /proc/uptime)"
	load_patch livegraft-lgb_uptime
	[ "$(uptime_first)" -ge 1000000 ] || die "the fix is not live: $(cat /proc/uptime)"
	disable_patch livegraft-lgb_uptime
	[ "$(uptime_first)" -lt 1000000 ] || die "uptime after the disable: $(cat /proc/uptime)"
	unload_mod livegraft-lgb_uptime
}

# state_show is the name of static functions of several files: the patch
# names kernel/power/main.c's by its position, which livegraft-build found.
test_duplicate_name() {
	live_cycle livegraft-lgb_dupname /sys/power/state ' livegraft-build$'
}

run_test "a changed string (version_proc_show)" test_version_string
run_test "a changed string and an unexported variable (cmdline_proc_show)" test_cmdline_string
run_test "a new function and an unexported variable (version_proc_show)" test_new_function
run_test "a changed number (uptime_proc_show)" test_uptime_number
run_test "a static function whose name is not unique (kernel/power/main.c state_show)" test_duplicate_name
finish
