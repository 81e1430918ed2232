#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317 # scenarios are called through run_test
#
# Patching vmlinux functions: apply, stack, disable, the sysfs tree, module
# references, and the samples.

# shellcheck source=selftests/functions.sh
. "$(dirname "$0")/functions.sh"

PATCHED="this has been live patched"

# transcript_enable(patch) - the log of a patch enabling and completing
transcript_enable() {
	echo "% insmod $1
livegraft: enabling patch '$1'
livegraft: '$1': initializing patching transition
livegraft: '$1': starting patching transition
livegraft: '$1': completing patching transition
livegraft: '$1': patching complete"
}

# transcript_disable(patch) - the log of a patch disabling, then its rmmod
transcript_disable() {
	echo "% echo 0 > $LG_SYSFS/$1/enabled
livegraft: '$1': initializing unpatching transition
livegraft: '$1': starting unpatching transition
livegraft: '$1': completing unpatching transition
livegraft: '$1': unpatching complete
% rmmod $1"
}

# Load a patch of cmdline_proc_show: /proc/cmdline shows the new code.
# Disable it and remove it: the old code is back.
test_basic() {
	load_livegraft
	orig=$(cat /proc/cmdline)
	load_patch test_lg_livepatch
	assert_eq /proc/cmdline "test_lg_livepatch: $PATCHED" "$(cat /proc/cmdline)"
	ns=$(sed -n 's/^last_duration_ns: //p' "$(patch_dir test_lg_livepatch)/stats")
	echo "# idle system: patching took $((ns / 1000)) us"
	disable_patch test_lg_livepatch
	unload_mod test_lg_livepatch
	assert_eq /proc/cmdline "$orig" "$(cat /proc/cmdline)"
	check_result "% insmod livegraft
$(livegraft_loaded_line)
$(transcript_enable test_lg_livepatch)
$(transcript_disable test_lg_livepatch)"
}

# Two patches of different functions apply and go independently.
test_multiple() {
	load_livegraft
	load_patch test_lg_livepatch
	load_patch test_lg_meminfo
	assert_eq /proc/cmdline "test_lg_livepatch: $PATCHED" "$(cat /proc/cmdline)"
	assert_eq /proc/meminfo "test_lg_meminfo: $PATCHED" "$(cat /proc/meminfo)"
	disable_patch test_lg_meminfo
	unload_mod test_lg_meminfo
	assert_eq /proc/cmdline "test_lg_livepatch: $PATCHED" "$(cat /proc/cmdline)"
	grep -q MemTotal /proc/meminfo || die "/proc/meminfo not restored"
	disable_patch test_lg_livepatch
	unload_mod test_lg_livepatch
	check_result "% insmod livegraft
$(livegraft_loaded_line)
$(transcript_enable test_lg_livepatch)
$(transcript_enable test_lg_meminfo)
$(transcript_disable test_lg_meminfo)
$(transcript_disable test_lg_livepatch)"
}

# Two patches of the same function stack up: the newest wins; disabling it
# uncovers the one below.
test_stack_top_first() {
	load_livegraft
	orig=$(cat /proc/cmdline)
	load_patch test_lg_livepatch
	load_patch test_lg_stack
	assert_eq "top patch" "test_lg_stack: $PATCHED" "$(cat /proc/cmdline)"
	disable_patch test_lg_stack
	assert_eq "uncovered patch" "test_lg_livepatch: $PATCHED" "$(cat /proc/cmdline)"
	disable_patch test_lg_livepatch
	assert_eq "no patch" "$orig" "$(cat /proc/cmdline)"
}

# Disabling the patch below the top one changes nothing for callers; the
# top one still wins until it goes too.
test_stack_bottom_first() {
	load_livegraft
	orig=$(cat /proc/cmdline)
	load_patch test_lg_livepatch
	load_patch test_lg_stack
	disable_patch test_lg_livepatch
	assert_eq "top patch" "test_lg_stack: $PATCHED" "$(cat /proc/cmdline)"
	disable_patch test_lg_stack
	assert_eq "no patch" "$orig" "$(cat /proc/cmdline)"
}

# The patch's sysfs tree, modes and values.
test_sysfs() {
	load_livegraft
	load_patch test_lg_livepatch
	d=$(patch_dir test_lg_livepatch)
	check_mode "$d" drwxr-xr-x
	check_mode "$d/enabled" -rw-r--r--
	check_value "$d/enabled" 1
	check_mode "$d/transition" -r--r--r--
	check_value "$d/transition" 0
	check_mode "$d/force" --w-------
	check_mode "$d/signal" --w-------
	check_mode "$d/replace" -r--r--r--
	check_value "$d/replace" 0
	check_mode "$d/pending" -r--------
	check_value "$d/pending" ""
	check_mode "$d/stats" -r--r--r--
	grep -qx "transitions: 1" "$d/stats" || die "stats: $(cat "$d/stats")"
	check_mode "$d/vmlinux" drwxr-xr-x
	check_mode "$d/vmlinux/patched" -r--r--r--
	check_value "$d/vmlinux/patched" 1
	check_mode "$d/vmlinux/cmdline_proc_show,1" drwxr-xr-x
}

# What sysfs refuses: the current value, bad input, force and signal
# outside a transition, writing a read-only file.
test_sysfs_refusals() {
	load_livegraft
	load_patch test_lg_livepatch
	d=$(patch_dir test_lg_livepatch)
	write_fails "$d/enabled" 1 "Invalid argument"
	write_fails "$d/enabled" maybe "Invalid argument"
	write_fails "$d/force" 1 "Invalid argument"
	write_fails "$d/signal" 1 "Invalid argument"
	write_fails "$d/force" maybe "Invalid argument"
	echo 0 >"$d/force" || die "writing 0 to force failed"
	write_fails "$d/transition" 0 "Permission denied"
	write_fails "$d/vmlinux/patched" 0 "Permission denied"
	check_value "$d/enabled" 1
	check_result "% insmod livegraft
$(livegraft_loaded_line)
$(transcript_enable test_lg_livepatch)
livegraft: 'test_lg_livepatch': already enabled
livegraft: 'test_lg_livepatch': enabled: invalid value, write 1 or 0
livegraft: 'test_lg_livepatch': cannot force: the patch is not in transition
livegraft: 'test_lg_livepatch': cannot signal: the patch is not in transition
livegraft: 'test_lg_livepatch': force: invalid value, write 1 or 0"
}

# An enabled patch pins its module, and patch modules pin livegraft; once
# the patch is disabled and freed, both can go.
test_module_references() {
	load_livegraft
	load_patch test_lg_livepatch
	rmmod test_lg_livepatch 2>/dev/null && die "rmmod of an enabled patch module worked"
	rmmod livegraft 2>/dev/null && die "rmmod livegraft worked with a patch loaded"
	check_value /sys/module/test_lg_livepatch/refcnt 1
	disable_patch test_lg_livepatch
	check_value /sys/module/test_lg_livepatch/refcnt 0
	unload_mod test_lg_livepatch
	unload_mod livegraft
}

# A patch taints the kernel and its own module with K, as the kernel's
# livepatch does. Earlier scenarios tainted the kernel already: the
# module's own flags tell this patch's taint apart.
test_taint() {
	load_livegraft
	load_mod test_lg_livepatch
	case "$(cat /sys/module/test_lg_livepatch/taint)" in
	*K*) ;;
	*) die "patch module not tainted K: '$(cat /sys/module/test_lg_livepatch/taint)'" ;;
	esac
	[ $(($(cat /proc/sys/kernel/tainted) & 32768)) -ne 0 ] ||
		die "no TAINT_LIVEPATCH after a patch"
	wait_transition test_lg_livepatch
}

# A replace patch without a function takes every installed patch away:
# the way back to the original code in one transition.
test_replace_empty() {
	load_livegraft
	orig=$(cat /proc/cmdline)
	load_patch test_lg_livepatch
	load_patch test_lg_meminfo
	load_patch test_lg_bad mode=replace_empty
	assert_eq /proc/cmdline "$orig" "$(cat /proc/cmdline)"
	grep -q MemTotal /proc/meminfo || die "/proc/meminfo not restored"
	unload_replaced test_lg_livepatch
	unload_replaced test_lg_meminfo
	check_value "$(patch_dir test_lg_bad)/replace" 1
	disable_patch test_lg_bad
	unload_mod test_lg_bad
	assert_eq /proc/cmdline "$orig" "$(cat /proc/cmdline)"
}

# The samples work as their comments say.
test_samples() {
	load_livegraft
	load_patch livegraft-sample
	assert_eq /proc/cmdline "livegraft_sample: $PATCHED" "$(cat /proc/cmdline)"
	load_patch livegraft-sample-lookup
	n=$(sed -n 's/^livegraft_sample_lookup: \([0-9]*\) processes$/\1/p' /proc/cmdline)
	[ "${n:-0}" -gt 1 ] || die "lookup sample: $(cat /proc/cmdline)"
	disable_patch livegraft-sample-lookup
	disable_patch livegraft-sample
	load_patch livegraft-sample-mod
	load_mod livegraft-target
	assert_eq /proc/livegraft_target "the answer is 42" "$(cat /proc/livegraft_target)"
	disable_patch livegraft-sample-mod
	assert_eq /proc/livegraft_target "the answer is 41" "$(cat /proc/livegraft_target)"
	load_patch livegraft-sample-shadow
	assert_eq "first session" "the answer is 41 (session 1)" "$(cat /proc/livegraft_target)"
	assert_eq "second session" "the answer is 41 (session 2)" "$(cat /proc/livegraft_target)"
	load_patch livegraft-sample-cumulative
	assert_eq "after the cumulative patch" "the answer is 42 (session 3)" \
		"$(cat /proc/livegraft_target)"
	unload_replaced livegraft-sample-shadow
	assert_eq "the cumulative patch alone" "the answer is 42 (session 4)" \
		"$(cat /proc/livegraft_target)"
	disable_patch livegraft-sample-cumulative
	assert_eq /proc/livegraft_target "the answer is 41" "$(cat /proc/livegraft_target)"
}

run_test "basic function patching" test_basic
run_test "multiple patches" test_multiple
run_test "stacking: disable the top patch first" test_stack_top_first
run_test "stacking: disable the bottom patch first" test_stack_bottom_first
run_test "sysfs modes and values" test_sysfs
run_test "sysfs refusals" test_sysfs_refusals
run_test "module references" test_module_references
run_test "taint" test_taint
run_test "a replace patch without functions reverts every patch" test_replace_empty
run_test "samples" test_samples
finish
