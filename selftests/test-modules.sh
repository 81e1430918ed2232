#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317 # scenarios are called through run_test
#
# Objects in modules and callbacks: target modules that load before the
# patch, after it, go away, or never come; callbacks in order; pre_patch
# refusals. After the kernel's test-callbacks.sh.

# shellcheck source=selftests/functions.sh
. "$(dirname "$0")/functions.sh"

LP=test_lg_callbacks
TARGET=test_lg_target
OBJ=$LG_SYSFS/$LP/$TARGET

# target_says(word) - /proc/test_lg_target reports patched or unpatched
target_says() {
	set -- "$1" "$(cut -d' ' -f1 /proc/$TARGET)"
	assert_eq "test_lg_target_message()" "$1" "$2"
}

# Target module loaded first, then the patch: callbacks run for vmlinux
# and the target in object order, around the transition.
test_target_before_patch() {
	load_livegraft
	load_mod $TARGET
	load_patch $LP
	target_says patched
	check_value "$OBJ/patched" 1
	disable_patch $LP
	target_says unpatched
	unload_mod $LP
	unload_mod $TARGET
	check_result "% insmod livegraft
$(livegraft_loaded_line)
% insmod $TARGET
$TARGET: loaded
% insmod $LP
livegraft: enabling patch '$LP'
livegraft: '$LP': initializing patching transition
$LP: pre_patch_callback: vmlinux
$LP: pre_patch_callback: $TARGET
livegraft: '$LP': starting patching transition
livegraft: '$LP': completing patching transition
$LP: post_patch_callback: vmlinux
$LP: post_patch_callback: $TARGET
livegraft: '$LP': patching complete
% echo 0 > $LG_SYSFS/$LP/enabled
livegraft: '$LP': initializing unpatching transition
$LP: pre_unpatch_callback: vmlinux
$LP: pre_unpatch_callback: $TARGET
livegraft: '$LP': starting unpatching transition
livegraft: '$LP': completing unpatching transition
$LP: post_unpatch_callback: vmlinux
$LP: post_unpatch_callback: $TARGET
livegraft: '$LP': unpatching complete
% rmmod $LP
% rmmod $TARGET
$TARGET: unloaded"
}

# The patch first, then the target: the target is patched as it loads,
# before its init runs, with its callbacks.
test_module_coming() {
	load_livegraft
	load_patch $LP
	check_value "$OBJ/patched" 0
	load_mod $TARGET
	target_says patched
	check_value "$OBJ/patched" 1
	disable_patch $LP
	target_says unpatched
	unload_mod $LP
	check_result "% insmod livegraft
$(livegraft_loaded_line)
% insmod $LP
livegraft: enabling patch '$LP'
livegraft: '$LP': initializing patching transition
$LP: pre_patch_callback: vmlinux
livegraft: '$LP': starting patching transition
livegraft: '$LP': completing patching transition
$LP: post_patch_callback: vmlinux
livegraft: '$LP': patching complete
% insmod $TARGET
livegraft: '$LP': applying patch to loading module '$TARGET'
$LP: pre_patch_callback: $TARGET
$LP: post_patch_callback: $TARGET
$TARGET: loaded
% echo 0 > $LG_SYSFS/$LP/enabled
livegraft: '$LP': initializing unpatching transition
$LP: pre_unpatch_callback: vmlinux
$LP: pre_unpatch_callback: $TARGET
livegraft: '$LP': starting unpatching transition
livegraft: '$LP': completing unpatching transition
$LP: post_unpatch_callback: vmlinux
$LP: post_unpatch_callback: $TARGET
livegraft: '$LP': unpatching complete
% rmmod $LP"
}

# A patched target module goes away: its object is reverted first, with
# its unpatch callbacks; the patch stays for the rest.
test_module_going() {
	load_livegraft
	load_mod $TARGET
	load_patch $LP
	unload_mod $TARGET
	check_value "$OBJ/patched" 0
	check_value "$LG_SYSFS/$LP/enabled" 1
	load_mod $TARGET
	target_says patched
	unload_mod $TARGET
	disable_patch $LP
	unload_mod $LP
	check_result "% insmod livegraft
$(livegraft_loaded_line)
% insmod $TARGET
$TARGET: loaded
% insmod $LP
livegraft: enabling patch '$LP'
livegraft: '$LP': initializing patching transition
$LP: pre_patch_callback: vmlinux
$LP: pre_patch_callback: $TARGET
livegraft: '$LP': starting patching transition
livegraft: '$LP': completing patching transition
$LP: post_patch_callback: vmlinux
$LP: post_patch_callback: $TARGET
livegraft: '$LP': patching complete
% rmmod $TARGET
$TARGET: unloaded
$LP: pre_unpatch_callback: $TARGET
livegraft: '$LP': reverting patch on unloading module '$TARGET'
$LP: post_unpatch_callback: $TARGET
% insmod $TARGET
livegraft: '$LP': applying patch to loading module '$TARGET'
$LP: pre_patch_callback: $TARGET
$LP: post_patch_callback: $TARGET
$TARGET: loaded
% rmmod $TARGET
$TARGET: unloaded
$LP: pre_unpatch_callback: $TARGET
livegraft: '$LP': reverting patch on unloading module '$TARGET'
$LP: post_unpatch_callback: $TARGET
% echo 0 > $LG_SYSFS/$LP/enabled
livegraft: '$LP': initializing unpatching transition
$LP: pre_unpatch_callback: vmlinux
livegraft: '$LP': starting unpatching transition
livegraft: '$LP': completing unpatching transition
$LP: post_unpatch_callback: vmlinux
livegraft: '$LP': unpatching complete
% rmmod $LP"
}

# The target never loads: its object stays unpatched, only vmlinux's
# callbacks run.
test_target_absent() {
	load_livegraft
	load_patch $LP
	check_value "$OBJ/patched" 0
	check_value "$LG_SYSFS/$LP/vmlinux/patched" 1
	[ -d "$OBJ/test_lg_target_message,1" ] || die "no function directory"
	disable_patch $LP
	unload_mod $LP
	check_result "% insmod livegraft
$(livegraft_loaded_line)
% insmod $LP
livegraft: enabling patch '$LP'
livegraft: '$LP': initializing patching transition
$LP: pre_patch_callback: vmlinux
livegraft: '$LP': starting patching transition
livegraft: '$LP': completing patching transition
$LP: post_patch_callback: vmlinux
livegraft: '$LP': patching complete
% echo 0 > $LG_SYSFS/$LP/enabled
livegraft: '$LP': initializing unpatching transition
$LP: pre_unpatch_callback: vmlinux
livegraft: '$LP': starting unpatching transition
livegraft: '$LP': completing unpatching transition
$LP: post_unpatch_callback: vmlinux
livegraft: '$LP': unpatching complete
% rmmod $LP"
}

# A pre_patch callback fails: the patch module does not load, with the
# callback's errno, and nothing stays patched. No post_unpatch runs for an
# object whose pre_patch failed.
test_pre_patch_fails() {
	load_livegraft
	load_mod $TARGET
	load_failing_mod $LP pre_patch_ret=-19
	[ ! -e "$LG_SYSFS/$LP" ] || die "patch left in sysfs"
	target_says unpatched
	check_result "% insmod livegraft
$(livegraft_loaded_line)
% insmod $TARGET
$TARGET: loaded
% insmod $LP pre_patch_ret=-19
livegraft: enabling patch '$LP'
livegraft: '$LP': initializing patching transition
$LP: pre_patch_callback: vmlinux
livegraft: '$LP': pre-patch callback failed for object 'vmlinux'
livegraft: failed to enable patch '$LP'
livegraft: '$LP': canceling patching transition, going to unpatch
livegraft: '$LP': completing unpatching transition
livegraft: '$LP': unpatching complete
insmod: ERROR: could not insert module $LG_MODDIR/$LP.ko: No such device"
}

# A pre_patch callback fails for a module that loads later: that module
# does not load, its init never runs; the patch stays for the rest.
test_module_coming_pre_patch_fails() {
	load_livegraft
	load_patch $LP
	log "% echo -19 > /sys/module/$LP/parameters/pre_patch_ret"
	echo -19 >/sys/module/$LP/parameters/pre_patch_ret
	load_failing_mod $TARGET
	is_loaded $TARGET && die "$TARGET loaded"
	check_value "$OBJ/patched" 0
	echo 0 >/sys/module/$LP/parameters/pre_patch_ret
	disable_patch $LP
	unload_mod $LP
	check_result "% insmod livegraft
$(livegraft_loaded_line)
% insmod $LP
livegraft: enabling patch '$LP'
livegraft: '$LP': initializing patching transition
$LP: pre_patch_callback: vmlinux
livegraft: '$LP': starting patching transition
livegraft: '$LP': completing patching transition
$LP: post_patch_callback: vmlinux
livegraft: '$LP': patching complete
% echo -19 > /sys/module/$LP/parameters/pre_patch_ret
% insmod $TARGET
livegraft: '$LP': applying patch to loading module '$TARGET'
$LP: pre_patch_callback: $TARGET
livegraft: '$LP': pre-patch callback failed for object '$TARGET'
livegraft: '$LP': patch failed for module '$TARGET', refusing to load module '$TARGET'
insmod: ERROR: could not insert module $LG_MODDIR/$TARGET.ko: No such device
% echo 0 > $LG_SYSFS/$LP/enabled
livegraft: '$LP': initializing unpatching transition
$LP: pre_unpatch_callback: vmlinux
livegraft: '$LP': starting unpatching transition
livegraft: '$LP': completing unpatching transition
$LP: post_unpatch_callback: vmlinux
livegraft: '$LP': unpatching complete
% rmmod $LP"
}

# A patch names a function its target module does not have: the module is
# refused when it loads, with the lookup's errno.
test_module_coming_unknown_function() {
	load_livegraft
	load_patch test_lg_bad mode=unknown_in_module
	load_failing_mod $TARGET
	is_loaded $TARGET && die "$TARGET loaded"
	check_value "$LG_SYSFS/test_lg_bad/$TARGET/patched" 0
	check_result "% insmod livegraft
$(livegraft_loaded_line)
% insmod test_lg_bad mode=unknown_in_module
livegraft: enabling patch 'test_lg_bad'
livegraft: 'test_lg_bad': initializing patching transition
livegraft: 'test_lg_bad': starting patching transition
livegraft: 'test_lg_bad': completing patching transition
livegraft: 'test_lg_bad': patching complete
% insmod $TARGET
livegraft: 'test_lg_bad': applying patch to loading module '$TARGET'
livegraft: 'test_lg_bad': symbol 'test_lg_no_such_function' not found in $TARGET
livegraft: 'test_lg_bad': patch failed for module '$TARGET', refusing to load module '$TARGET'
insmod: ERROR: could not insert module $LG_MODDIR/$TARGET.ko: No such file or directory"
}

# A target module comes and goes while the patch is in transition (held up
# by test_lg_busy's kthread, asleep in a replaced function): it is patched
# as it loads, but gets no post_patch until the transition completes, and
# no pre_unpatch as it goes. Disabling then reverses the transition; the
# post_unpatch callbacks of the objects still loaded run at completion.
test_busy_target() {
	load_livegraft
	echo 0 >/sys/module/livegraft/parameters/signal_delay_ms
	load_mod test_lg_busy
	load_mod $LP
	loop_until "grep -q test_lg_busy_sleep $LG_SYSFS/$LP/pending" ||
		die "transition not held up"
	load_mod $TARGET
	target_says patched
	unload_mod $TARGET
	check_value "$LG_SYSFS/$LP/transition" 1
	log "% echo 0 > $LG_SYSFS/$LP/enabled"
	echo 0 >"$LG_SYSFS/$LP/enabled"
	loop_until "[ ! -e $LG_SYSFS/$LP ]" || die "patch not freed"
	unload_mod $LP
	check_result "% insmod livegraft
$(livegraft_loaded_line)
% insmod test_lg_busy
% insmod $LP
livegraft: enabling patch '$LP'
livegraft: '$LP': initializing patching transition
$LP: pre_patch_callback: vmlinux
$LP: pre_patch_callback: test_lg_busy
livegraft: '$LP': starting patching transition
% insmod $TARGET
livegraft: '$LP': applying patch to loading module '$TARGET'
$LP: pre_patch_callback: $TARGET
$TARGET: loaded
% rmmod $TARGET
$TARGET: unloaded
livegraft: '$LP': reverting patch on unloading module '$TARGET'
$LP: post_unpatch_callback: $TARGET
% echo 0 > $LG_SYSFS/$LP/enabled
livegraft: '$LP': reversing transition from patching to unpatching
livegraft: '$LP': starting unpatching transition
livegraft: '$LP': completing unpatching transition
$LP: post_unpatch_callback: vmlinux
$LP: post_unpatch_callback: test_lg_busy
livegraft: '$LP': unpatching complete
% rmmod $LP"
}

run_test "target module before the patch" test_target_before_patch
run_test "module coming" test_module_coming
run_test "module going" test_module_going
run_test "target module never loaded" test_target_absent
run_test "pre_patch callback fails" test_pre_patch_fails
run_test "module coming, pre_patch callback fails" test_module_coming_pre_patch_fails
run_test "module coming, function not found" test_module_coming_unknown_function
run_test "module coming and going during a transition" test_busy_target
finish
