#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317 # scenarios are called through run_test
#
# livegraft among the other ftrace users: the ftrace_enabled sysctl, the
# kernel's own livepatch (x86_64), IPMODIFY kprobes (x86_64).

# shellcheck source=selftests/functions.sh
. "$(dirname "$0")/functions.sh"

LP=test_lg_livepatch
PATCHED="this has been live patched"
KLP_SYSFS=/sys/kernel/livepatch

# set_ftrace_enabled(value) - the sysctl, logged
set_ftrace_enabled() {
	log "% sysctl -w kernel.ftrace_enabled=$1"
	out=$(sysctl -w kernel.ftrace_enabled="$1" 2>&1) && return 0
	log "sysctl: ${out#*: }"
	return 1
}

# With ftrace_enabled=0 a patch cannot register; with a patch applied the
# sysctl cannot be turned off (both as with the kernel's livepatch).
test_ftrace_enabled() {
	load_livegraft
	start_test "$LG_TEST"
	set_ftrace_enabled 0 || die "cannot set ftrace_enabled=0"
	load_failing_mod $LP
	set_ftrace_enabled 1 || die "cannot set ftrace_enabled=1"
	load_patch $LP
	set_ftrace_enabled 0 && die "ftrace_enabled=0 accepted with a patch applied"
	sysctl_busy=$(transcript | sed -n 's/^sysctl: //p')
	case "$sysctl_busy" in
	*"Device or resource busy"*) ;;
	*) die "sysctl: expected EBUSY, got '$sysctl_busy'" ;;
	esac
	check_value /proc/sys/kernel/ftrace_enabled 1
	assert_eq /proc/cmdline "$LP: $PATCHED" "$(cat /proc/cmdline)"
	check_result "% sysctl -w kernel.ftrace_enabled=0
% insmod $LP
livegraft: enabling patch '$LP'
livegraft: '$LP': initializing patching transition
livegraft: '$LP': function 'cmdline_proc_show' is busy: another ftrace user redirects it (the kernel's livepatch, a kprobe) or ftrace_enabled is 0
livegraft: '$LP': failed to patch object 'vmlinux'
livegraft: failed to enable patch '$LP'
livegraft: '$LP': canceling patching transition, going to unpatch
livegraft: '$LP': completing unpatching transition
livegraft: '$LP': unpatching complete
insmod: ERROR: could not insert module $LG_MODDIR/$LP.ko: Device or resource busy
% sysctl -w kernel.ftrace_enabled=1
% insmod $LP
livegraft: enabling patch '$LP'
livegraft: '$LP': initializing patching transition
livegraft: '$LP': starting patching transition
livegraft: '$LP': completing patching transition
livegraft: '$LP': patching complete
% sysctl -w kernel.ftrace_enabled=0
sysctl: $sysctl_busy"
}

need_klp() {
	[ -d /sys/kernel/livepatch ] ||
		skip "the kernel has no livepatch (CONFIG_LIVEPATCH)"
	[ -e "$LG_MODDIR/test_lg_klp.ko" ] ||
		die "the kernel has livepatch, but test_lg_klp.ko was not built"
}

# klp_disable(mod) - disable a patch of the kernel's livepatch, wait for it
klp_disable() {
	echo 0 >"$KLP_SYSFS/$1/enabled"
	loop_until "[ ! -e $KLP_SYSFS/$1 ]" || die "kernel livepatch $1 not freed"
}

# livegraft and the kernel's livepatch patch different functions at once.
test_beside_kernel_livepatch() {
	need_klp
	load_livegraft
	load_mod test_lg_klp target=meminfo
	loop_until "[ \"\$(cat $KLP_SYSFS/test_lg_klp/transition)\" = 0 ]" ||
		die "kernel livepatch transition did not complete"
	load_patch $LP
	assert_eq /proc/cmdline "$LP: $PATCHED" "$(cat /proc/cmdline)"
	assert_eq /proc/meminfo "test_lg_klp: $PATCHED" "$(cat /proc/meminfo)"
	disable_patch $LP
	assert_eq /proc/meminfo "test_lg_klp: $PATCHED" "$(cat /proc/meminfo)"
	klp_disable test_lg_klp
	grep -q MemTotal /proc/meminfo || die "/proc/meminfo not restored"
}

# A function the kernel's livepatch redirects cannot be patched by
# livegraft: -EBUSY, naming the function. The other way round, the
# kernel's livepatch is refused.
test_same_function_as_kernel_livepatch() {
	need_klp
	load_livegraft
	load_mod test_lg_klp target=cmdline
	loop_until "[ \"\$(cat $KLP_SYSFS/test_lg_klp/transition)\" = 0 ]" ||
		die "kernel livepatch transition did not complete"
	start_test "$LG_TEST"
	load_failing_mod $LP
	assert_eq /proc/cmdline "test_lg_klp: $PATCHED" "$(cat /proc/cmdline)"
	transcript | grep -qx "livegraft: '$LP': function 'cmdline_proc_show' is busy: another ftrace user redirects it (the kernel's livepatch, a kprobe) or ftrace_enabled is 0" ||
		die "no busy message"
	transcript | grep -qx "insmod: ERROR: could not insert module $LG_MODDIR/$LP.ko: Device or resource busy" ||
		die "not EBUSY"
	klp_disable test_lg_klp
	unload_mod test_lg_klp

	load_patch $LP
	load_failing_mod test_lg_klp target=cmdline
	assert_eq /proc/cmdline "$LP: $PATCHED" "$(cat /proc/cmdline)"
}

# A kprobe with a post_handler on a function is an IPMODIFY ftrace user
# (KPROBES_ON_FTRACE): livegraft refuses that function with -EBUSY.
test_kprobe_conflict() {
	if [ ! -e "$LG_MODDIR/test_lg_kprobe.ko" ]; then
		# x86_64 kernels always have KPROBES_ON_FTRACE.
		[ "$(uname -m)" = x86_64 ] && die "test_lg_kprobe.ko was not built"
		skip "kprobes do not use ftrace here (no KPROBES_ON_FTRACE)"
	fi
	load_livegraft
	load_mod test_lg_kprobe
	start_test "$LG_TEST"
	load_failing_mod $LP
	transcript | grep -qx "insmod: ERROR: could not insert module $LG_MODDIR/$LP.ko: Device or resource busy" ||
		die "not EBUSY"
	unload_mod test_lg_kprobe
	load_patch $LP
	assert_eq /proc/cmdline "$LP: $PATCHED" "$(cat /proc/cmdline)"
}

run_test "ftrace_enabled sysctl" test_ftrace_enabled
run_test "beside the kernel's livepatch" test_beside_kernel_livepatch
run_test "same function as the kernel's livepatch" test_same_function_as_kernel_livepatch
run_test "IPMODIFY kprobe on the function" test_kprobe_conflict
finish
