#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317 # scenarios are called through run_test
#
# Patches livegraft must refuse before anything changes: each refusal is a
# failed insmod with its own errno and one log line that says what and why,
# and leaves nothing registered or redirected.

# shellcheck source=selftests/functions.sh
. "$(dirname "$0")/functions.sh"

BAD=test_lg_bad

test_unknown() {
	setup_refused
	refused unknown "No such file or directory" \
		"livegraft: '$BAD': symbol 'test_lg_no_such_function' not found in vmlinux"
}

test_ambiguous() {
	setup_refused target
	refused ambiguous "Invalid argument" \
		"livegraft: '$BAD': symbol 'test_lg_target_dup' is ambiguous in test_lg_target: 2 matches, set old_sympos"
}

test_sympos_out_of_range() {
	setup_refused target
	refused sympos "No such file or directory" \
		"livegraft: '$BAD': symbol 'test_lg_target_dup' position 3 not found in test_lg_target: 2 matches"
}

test_notrace() {
	setup_refused target
	refused notrace "Invalid argument" \
		"livegraft: '$BAD': function 'test_lg_target_notrace' cannot be redirected: ftrace does not trace it (notrace or not a function entry)"
}

test_duplicate() {
	setup_refused
	refused duplicate "File exists" \
		"livegraft: '$BAD': function 'cmdline_proc_show' is listed twice"
}

test_no_new_func() {
	setup_refused
	refused no_new_func "Invalid argument" \
		"livegraft: '$BAD': function 0 of object 'vmlinux' needs an old_name and a new_func"
}

# Not a refusal: a patch of callbacks or states only has no function.
test_no_functions() {
	setup_refused
	load_patch $BAD mode=empty
	[ -d "$LG_SYSFS/$BAD/vmlinux" ] || die "no vmlinux directory"
	[ -z "$(ls -d "$LG_SYSFS/$BAD/vmlinux/"*,* 2>/dev/null)" ] ||
		die "function directories: $(ls "$LG_SYSFS/$BAD/vmlinux")"
	disable_patch $BAD
	unload_mod $BAD
}

test_no_objects() {
	setup_refused
	refused no_objs "Invalid argument" \
		"livegraft: '$BAD': the patch has no objects"
}

# old_sympos picks the Nth of several functions of one name: only the
# second test_lg_target_dup (of test_lg_target_dup.c) is redirected.
test_sympos() {
	load_livegraft
	load_mod test_lg_target
	load_patch $BAD mode=sympos2
	assert_eq /proc/test_lg_target "unpatched 1 99 0" "$(cat /proc/test_lg_target)"
	[ -d "$LG_SYSFS/$BAD/test_lg_target/test_lg_target_dup,2" ] ||
		die "no test_lg_target_dup,2 directory"
	disable_patch $BAD
	assert_eq /proc/test_lg_target "unpatched 1 2 0" "$(cat /proc/test_lg_target)"
}

# One module registers two patches: the second has the first's name, and
# is refused while the first goes on.
test_same_name() {
	load_livegraft
	load_patch $BAD mode=twice
	[ "$(ls $LG_SYSFS)" = $BAD ] || die "sysfs: $(ls $LG_SYSFS)"
	transcript | grep -qx "livegraft: '$BAD': a patch of this name is already registered" ||
		die "no refusal in the log"
	transcript | grep -qx "$BAD: second patch: -17" || die "second patch not -EEXIST"
	transcript | grep -qx "livegraft: '$BAD': patching complete" ||
		die "the first patch did not complete"
}

run_test "unknown function" test_unknown
run_test "ambiguous name without old_sympos" test_ambiguous
run_test "old_sympos out of range" test_sympos_out_of_range
run_test "function ftrace cannot trace" test_notrace
run_test "function listed twice" test_duplicate
run_test "function without replacement" test_no_new_func
run_test "a patch without functions is no refusal" test_no_functions
run_test "patch without objects" test_no_objects
run_test "old_sympos selects the Nth function" test_sympos
run_test "second patch of the same name" test_same_name
finish
