#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317 # scenarios are called through run_test
#
# The livegraft framework module itself: load, sysfs root, unload, and the
# refusal to load on a kernel that lacks an internal it depends on.

# shellcheck source=selftests/functions.sh
. "$(dirname "$0")/functions.sh"

# Load livegraft.ko: /sys/kernel/livegraft appears, empty, beside (not in
# place of) the kernel's own /sys/kernel/livepatch; rmmod removes it.
test_load_unload() {
	load_mod livegraft
	check_mode "$LG_SYSFS" drwxr-xr-x
	assert_eq "patches in $LG_SYSFS" "" "$(ls "$LG_SYSFS")"
	unload_mod livegraft
	[ ! -e "$LG_SYSFS" ] || die "$LG_SYSFS left behind after rmmod"
	case $(uname -m) in
	x86_64) checker=orc ;;
	*) checker=frame-records ;;
	esac
	check_result "% insmod livegraft
livegraft: loaded (stack check: $checker)
% rmmod livegraft
livegraft: unloaded"
}

# Load and unload several times: nothing is left over from one load that
# makes the next one fail.
test_reload() {
	for i in 1 2 3; do
		load_mod livegraft
		[ -d "$LG_SYSFS" ] || die "load $i: no $LG_SYSFS"
		unload_mod livegraft
	done
	[ ! -e "$LG_SYSFS" ] || die "$LG_SYSFS left behind"
}

# A kernel without one of the internals livegraft needs (simulated with
# the fail_symbol test hook): insmod fails with ENOENT, one log line names
# the symbol, and nothing is left behind.
refuse_without() {
	load_failing_mod livegraft fail_symbol="$1"
	is_loaded livegraft && die "livegraft loaded without $1"
	[ ! -e "$LG_SYSFS" ] || die "$LG_SYSFS left behind"
	check_result "% insmod livegraft fail_symbol=$1
livegraft: required kernel symbol '$1' not found, refusing to load
insmod: ERROR: could not insert module $LG_MODDIR/livegraft.ko: No such file or directory"
}

# The machine runs the code another CPU rewrote, as arm64's ftrace
# rewrites call sites while other CPUs run them (test_lg_smc_main.c): every
# scenario that patches trusts it. The emulator's multi-threaded TCG
# fails it (Documentation/testing.md).
test_machine_runs_rewritten_code() {
	[ "$(uname -m)" = aarch64 ] || skip "arm64's ftrace rewrites code without stop_machine; $(uname -m) has no test of its own"
	load_livegraft
	load_mod test_lg_smc
	p=/sys/module/test_lg_smc/parameters
	windows=$(cat "$p/windows")
	calls=$(cat "$p/calls")
	stale=$(cat "$p/stale")
	log "# $windows windows, $calls calls outside them"
	[ "$windows" -ge 100 ] || die "only $windows windows of rewrites"
	[ "$calls" -ge 100000 ] || die "only $calls calls outside them"
	assert_eq "calls that ran code older than the last rewrite" 0 "$stale"
}

run_test "the machine runs code another CPU rewrote" test_machine_runs_rewritten_code
run_test "load and unload" test_load_unload
run_test "reload" test_reload
# Every kernel internal livegraft resolves at load, on this architecture.
required="kallsyms_lookup_name kallsyms_on_each_match_symbol
kallsyms_lookup_size_offset find_module
task_call_func wake_up_state idle_task"
case $(uname -m) in
x86_64) required="$required stack_trace_save_tsk_reliable" ;;
aarch64) required="$required kernel_text_address put_task_stack
	__entry_text_start __entry_text_end" ;;
esac

for sym in $required; do
	eval "test_missing_$sym() { refuse_without $sym; }"
	run_test "refuse to load without $sym" "test_missing_$sym"
done
finish
