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

# --- the fix set of issue 10: inlining, new data, static locals, uaccess ---

# task_cpus_allowed() of fs/proc/array.c is static and GCC inlines it into
# its only caller: the fix changes it, the patch carries proc_pid_status
# (build-fixes.sh checks that the report names that caller).
test_inlined_callee() {
	m=livegraft-lgb_inlined
	have "$m"
	grep -q ' task_cpus_allowed$' /proc/kallsyms &&
		die "task_cpus_allowed has a symbol of its own: it is not inlined here"
	load_livegraft
	grep -q '^Livegraft_build:' /proc/self/status && die "the fix's line is there before the patch"
	load_patch "$m"
	grep -q "^Livegraft_build:	inlined$" /proc/self/status ||
		die "the fix is not live: $(grep -A1 Cpus_allowed_list /proc/self/status)"
	disable_patch "$m"
	grep -q '^Livegraft_build:' /proc/self/status && die "the fix's line is there after the disable"
	unload_mod "$m"
}

# loadavg_reads() - the read counter the new-data fix appends to /proc/loadavg
loadavg_reads() {
	sed -n 's/.* lgb-reads=\([0-9]*\)$/\1/p' /proc/loadavg
}

# The fix adds lgb_loadavg_reads (initial value 100), incremented on each
# read: it must start at its initial value in each new copy of the module,
# keep counting while the module is loaded, and be the module's symbol.
test_new_data() {
	m=livegraft-lgb_data
	have "$m"
	grep -q ' lgb_loadavg_reads' /proc/kallsyms && die "lgb_loadavg_reads exists before the patch"
	load_livegraft
	grep -q lgb-reads /proc/loadavg && die "/proc/loadavg has the counter before the patch"
	load_patch "$m"
	assert_eq "first read" 101 "$(loadavg_reads)"
	assert_eq "second read" 102 "$(loadavg_reads)"
	if kallsyms_has_data; then
		grep -q " [dD] lgb_loadavg_reads	\[$(mod_name "$m")\]$" /proc/kallsyms ||
			die "lgb_loadavg_reads is not the patch module's: $(grep lgb_loadavg_reads /proc/kallsyms)"
	fi
	disable_patch "$m"
	grep -q lgb-reads /proc/loadavg && die "the counter is there after the disable"
	unload_mod "$m"
	# A module loaded again has its own data again, from the initial value.
	load_patch "$m"
	assert_eq "first read after a reload" 101 "$(loadavg_reads)"
	disable_patch "$m"
	unload_mod "$m"
}

# have_uaccess_fix(mod) - have(mod), but x86_64 6.12 has access_ok() read
# USER_PTR_MAX as a runtime constant that lg-diff does not carry yet:
# build-fixes.sh checks that the fix is refused for it there
have_uaccess_fix() {
	case $(uname -m)-$(uname -r) in
	x86_64-6.12.*) skip "$1: refused on x86_64 6.12, access_ok()'s runtime_ptr_USER_PTR_MAX is not carried yet" ;;
	esac
	have "$1"
}

# console_level() - the console log level (first field of printk's sysctl)
console_level() {
	cut -f1 /proc/sys/kernel/printk
}

# syslog(type) - syslog(type, NULL, 0)'s result; the console back on
# before a failure, so that the rest of the run is heard
syslog() {
	lgb-probe syslog "$1" || {
		lgb-probe syslog 7 >/dev/null
		die "syslog($1) failed"
	}
}

# do_syslog() keeps the level that SYSLOG_ACTION_CONSOLE_OFF (6) silenced
# in a static local; SYSLOG_ACTION_CONSOLE_ON (7) restores it. The fix
# makes CONSOLE_ON return the level it restored. The level is saved before
# the patch and restored through it: a copy of the static in the patch
# module would hold nothing to restore (result 0, the console stays off).
test_static_local() {
	m=livegraft-lgb_static
	have_uaccess_fix "$m"
	load_livegraft
	old=$(console_level)
	echo 6 >/proc/sys/kernel/printk
	assert_eq "CONSOLE_OFF before the patch" 0 "$(syslog 6)"
	[ "$(console_level)" = 6 ] && { syslog 7; die "CONSOLE_OFF left the console level at 6"; }
	load_patch "$m"
	restored=$(syslog 7)
	level=$(console_level)
	assert_eq "CONSOLE_ON through the patch (the kernel's saved level)" 6 "$restored"
	assert_eq "console level after CONSOLE_ON" 6 "$level"
	# And the other way: saved by the patch, restored by the original.
	assert_eq "CONSOLE_OFF through the patch" 0 "$(syslog 6)"
	disable_patch "$m"
	assert_eq "CONSOLE_ON after the disable" 0 "$(syslog 7)"
	assert_eq "console level after the original's CONSOLE_ON" 6 "$(console_level)"
	echo "$old" >/proc/sys/kernel/printk
	unload_mod "$m"
}

# dir_list(dir) - the names getdents64 gives for dir, one line
dir_list() {
	# shellcheck disable=SC2012 # our own names; ls sorts them
	ls -1 "$1" | tr '\n' ' '
}

# filldir64() writes each entry with unsafe_put_user(): the fix (hide one
# name) is carried with its exception table entries, alternatives
# (stac/clac) and all. A directory read into a page that faults must give
# EFAULT through the patched code, not an oops (the guest panics on one).
test_user_access() {
	m=livegraft-lgb_uaccess
	have_uaccess_fix "$m"
	d=$LG_TMP/lgb-dir
	mkdir -p "$d" && touch "$d/lgb-hidden" "$d/lgb-shown"
	assert_eq "the directory before the patch" "lgb-hidden lgb-shown " "$(dir_list "$d")"
	out=$(lgb-probe getdents-efault "$d") || die "getdents64 before the patch: $out"
	load_livegraft
	load_patch "$m"
	assert_eq "the directory with the fix" "lgb-shown " "$(dir_list "$d")"
	out=$(lgb-probe getdents-efault "$d") || die "getdents64 through the patch: $out"
	assert_eq "the directory with the fix, after the fault" "lgb-shown " "$(dir_list "$d")"
	disable_patch "$m"
	assert_eq "the directory after the disable" "lgb-hidden lgb-shown " "$(dir_list "$d")"
	unload_mod "$m"
}

run_test "a static function inlined into its caller (task_cpus_allowed into proc_pid_status)" test_inlined_callee
run_test "new global data in the patch module (loadavg_proc_show's read counter)" test_new_data
run_test "a static local of the running kernel, not a copy (do_syslog's saved_console_loglevel)" test_static_local
run_test "uaccess and its exception table in patched code (filldir64, EFAULT)" test_user_access
finish
