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

# A fix in a module: Debian's own binfmt_misc.ko (the target image's,
# copied into the guest by vm-run.sh from selftests/target-modules).
# module-binfmt-misc.patch changes bm_entry_write(): writing 0 to a
# handler's file fails with EPERM instead of disabling it. The patched
# function calls static functions of the module that are not exported:
# parse_command(), and remove_binfmt_handler() (6.1) or
# unlink_binfmt_dentry() (6.12) when '-1' removes the handler; the patch
# reaches them through relocations that livegraft writes when the module
# is patched (at enable, or when it loads).
BM=/tmp/lgb-binfmt
BM_PATCH=livegraft-lgb_binfmt

# have_binfmt() - the patch module, and the module it patches
have_binfmt() {
	have $BM_PATCH
	[ -f "$LG_MODDIR/binfmt_misc.ko" ] ||
		die "the target's binfmt_misc.ko is not in $LG_MODDIR (selftests/target-modules)"
}

# bm_release() - a failed scenario's mount goes (run_test's cleanup then
# unloads the module): every handler removed, unmounted
bm_release() {
	grep -q " $BM " /proc/mounts || return 0
	echo -1 >$BM/status
	umount $BM
}

# bm_mount() - binfmt_misc mounted, with the handler lgb registered
bm_mount() {
	mkdir -p $BM
	mount -t binfmt_misc none $BM || die "cannot mount binfmt_misc"
	trap bm_release EXIT
	echo ':lgb:E::lgb::/bin/sh:' >$BM/register || die "cannot register a handler"
	bm_state enabled
}

# bm_state(state) - the first line of the handler's file
bm_state() {
	[ "$(head -n 1 $BM/lgb)" = "$1" ] || die "handler lgb: expected $1, got $(cat $BM/lgb)"
}

# bm_remove() - '-1' removes the handler (bm_entry_write, patched or not)
bm_remove() {
	echo -1 >$BM/lgb || die "cannot remove the handler"
	[ ! -e $BM/lgb ] || die "handler lgb is still there after -1"
}

# bm_umount() - the handler removed, binfmt_misc unmounted
bm_umount() {
	bm_remove
	umount $BM || die "cannot unmount binfmt_misc"
}

# bm_fixed() - whether bm_entry_write() is the fixed one: '0' fails with
# EPERM and the handler stays enabled. The original disables it (and '1'
# enables it again).
bm_fixed() {
	out=$( (echo 0 >$BM/lgb) 2>&1) || {
		case "$out" in
		*"Operation not permitted"*) ;;
		*) die "writing 0 to handler lgb: $out" ;;
		esac
		bm_state enabled
		return 0
	}
	bm_state disabled
	echo 1 >$BM/lgb || die "cannot enable handler lgb again"
	bm_state enabled
	return 1
}

# bm_patched(value) - the patch's binfmt_misc object: 1 while patched
bm_patched() {
	check_value "$(patch_dir $BM_PATCH)/binfmt_misc/patched" "$1"
}

# The module is loaded first: the patch's relocations into it are
# written when the patch is enabled.
test_module_loaded_first() {
	have_binfmt
	load_livegraft
	load_mod binfmt_misc
	bm_mount
	bm_fixed && die "bm_entry_write is fixed before the patch"
	load_patch $BM_PATCH
	bm_patched 1
	bm_fixed || die "the fix is not live"
	disable_patch $BM_PATCH
	bm_fixed && die "the fix is still live after the disable"
	unload_mod $BM_PATCH
	bm_umount
	unload_mod binfmt_misc
}

bm_text() {
	cat /sys/module/binfmt_misc/sections/.text
}

# bm_load_elsewhere(text) - load binfmt_misc, not at text. The module
# allocator takes the lowest free place that fits: test_lg_target, loaded
# after binfmt_misc went away, takes its old place only when no lower one
# fits it (CI's run of 2026-12-02 found one). While binfmt_misc lands
# there again, one more module kept loaded fills the lowest place.
bm_load_elsewhere() {
	load_mod binfmt_misc
	for filler in test_lg_bench test_lg_args test_lg_reloc_target; do
		[ "$(bm_text)" = "$1" ] || return 0
		log "# binfmt_misc is at $1 again: $filler fills a place"
		unload_mod binfmt_misc
		load_mod $filler
		load_mod binfmt_misc
	done
	[ "$(bm_text)" != "$1" ] || die "binfmt_misc is at $1 again: the test needs another place"
}

# The patch is loaded first: the module is patched, its relocations
# written, when it loads; again when it loads a second time, elsewhere
# (test_lg_target takes its old place): relocations left from the first
# load would call into test_lg_target.
test_module_loaded_later() {
	have_binfmt
	load_livegraft
	load_patch $BM_PATCH
	bm_patched 0
	text=
	for round in first second; do
		bm_load_elsewhere "$text"
		text=$(bm_text)
		bm_patched 1
		bm_mount
		bm_fixed || die "the fix is not live when binfmt_misc loads ($round time)"
		bm_umount
		unload_mod binfmt_misc
		bm_patched 0
		[ $round = second ] || load_mod test_lg_target
	done
	unload_mod test_lg_target
	disable_patch $BM_PATCH
	load_mod binfmt_misc
	bm_mount
	bm_fixed && die "the fix is live after the disable"
	bm_umount
	unload_mod binfmt_misc
	unload_mod $BM_PATCH
}

# The fixed bm_entry_write() calls the module's static functions through
# the patch's relocations: parse_command() for every write, and for '-1'
# remove_binfmt_handler() (6.1) or unlink_binfmt_dentry() (6.12), which
# unlink the handler's file: the name can be registered again.
test_module_static_functions() {
	have_binfmt
	load_livegraft
	load_patch $BM_PATCH
	load_mod binfmt_misc
	bm_mount
	bm_fixed || die "the fix is not live"
	echo 1 >$BM/lgb || die "writing 1 to handler lgb failed under the patch"
	bm_state enabled
	bm_remove
	echo ':lgb:E::lgb::/bin/sh:' >$BM/register ||
		die "handler lgb cannot be registered again after its removal under the patch"
	bm_state enabled
	bm_umount
	unload_mod binfmt_misc
	disable_patch $BM_PATCH
	unload_mod $BM_PATCH
}

# A static variable of a module: 6.1-module-variable.patch changes the
# text of binfmt_misc's status file, whose bm_status_read() reads the
# module's static "enabled" through a relocation. Without
# CONFIG_KALLSYMS_ALL (Debian's arm64 6.1) a module's kallsyms has its
# variables only until its init has run: the patch is refused while the
# module is loaded, and live when the module loads after it.
test_module_variable() {
	case "$(uname -r)" in
	6.1.*) ;;
	*) skip "6.1 only: 6.12's binfmt_misc keeps its state per mount, in no static variable" ;;
	esac
	have livegraft-lgb_bmvar
	have_binfmt
	load_livegraft
	load_mod binfmt_misc
	if kallsyms_has_data; then
		bm_mount
		load_patch livegraft-lgb_bmvar
	else
		load_failing_mod livegraft-lgb_bmvar
		dmesg | grep -q "symbol 'enabled' not found in binfmt_misc" ||
			die "the refusal does not name binfmt_misc's variable 'enabled'"
		unload_mod binfmt_misc
		load_patch livegraft-lgb_bmvar
		load_mod binfmt_misc
		bm_mount
	fi
	check_value $BM/status "enabled (livegraft-build)"
	echo 0 >$BM/status || die "cannot disable binfmt_misc"
	check_value $BM/status disabled
	echo 1 >$BM/status || die "cannot enable binfmt_misc"
	check_value $BM/status "enabled (livegraft-build)"
	disable_patch livegraft-lgb_bmvar
	check_value $BM/status enabled
	bm_umount
	unload_mod binfmt_misc
	unload_mod livegraft-lgb_bmvar
}

run_test "a changed string (version_proc_show)" test_version_string
run_test "a changed string and an unexported variable (cmdline_proc_show)" test_cmdline_string
run_test "a new function and an unexported variable (version_proc_show)" test_new_function
run_test "a changed number (uptime_proc_show)" test_uptime_number
run_test "a static function whose name is not unique (kernel/power/main.c state_show)" test_duplicate_name
run_test "a function in a module loaded before the patch (binfmt_misc bm_entry_write)" test_module_loaded_first
run_test "a function in a module loaded after the patch, and loaded again (binfmt_misc)" test_module_loaded_later
run_test "static functions of the module through relocations (binfmt_misc parse_command)" test_module_static_functions
run_test "a static variable of a module (6.1 binfmt_misc enabled)" test_module_variable

# kpatch-style fixes (selftests/build/kpatch-*.patch): kpatch-macros.h and
# kpatch-syscall.h as livegraft-build provides them.

# kp_mark(name) - a mark in the kernel log for kp_since
kp_mark() {
	log "lgb-mark: $1"
}

# kp_since(name, prefix) - the kernel log's lines that start with prefix,
# since the last mark name
kp_since() {
	dmesg | sed 's/^\[[ 0-9.]*\] //' >"$LG_TMP/kp-dmesg"
	from=$(grep -n "^lgb-mark: $1\$" "$LG_TMP/kp-dmesg" | tail -n 1 | cut -d: -f1)
	tail -n +"${from:-1}" "$LG_TMP/kp-dmesg" | grep "^$2" || true
}

# Each callback runs once, in its order, for vmlinux; the post_patch one
# sets what the patched /proc/version shows. A pre_patch that fails
# (the host name asks it to) refuses the patch: insmod fails with its
# error, nothing is patched, no other callback runs.
test_kpatch_callbacks() {
	kpmod=livegraft-lgb_kpcb
	have $kpmod
	load_livegraft
	before=$(cat /proc/version)
	host=$(cat /proc/sys/kernel/hostname)
	kp_mark refuse
	echo lgb-refuse >/proc/sys/kernel/hostname
	if out=$("$LG_INSMOD" "$LG_MODDIR/$kpmod.ko" 2>&1); then
		echo $kpmod >>"$LG_TMP/loaded"
		echo "$host" >/proc/sys/kernel/hostname
		die "pre_patch did not refuse the patch"
	fi
	echo "$host" >/proc/sys/kernel/hostname
	log "$out"
	case "$out" in
	*"Name not unique on network"*) ;;
	*) die "insmod: expected pre_patch's ENOTUNIQ, got: $out" ;;
	esac
	is_loaded $kpmod && die "$kpmod is loaded after its pre_patch refused"
	assert_eq /proc/version "$before" "$(cat /proc/version)"
	assert_eq "callbacks of the refused patch" \
		"lgb-callbacks: pre_patch vmlinux refuses" "$(kp_since refuse lgb-callbacks:)"

	kp_mark patch
	load_patch $kpmod
	loop_until "grep -q '(callbacks: post_patch)\$' /proc/version" ||
		die "post_patch did not set what /proc/version shows: $(cat /proc/version)"
	assert_eq "callbacks when patching" "lgb-callbacks: pre_patch vmlinux
lgb-callbacks: post_patch vmlinux" "$(kp_since patch lgb-callbacks:)"
	kp_mark unpatch
	disable_patch $kpmod
	assert_eq "callbacks when unpatching" "lgb-callbacks: pre_unpatch vmlinux
lgb-callbacks: post_unpatch vmlinux" "$(kp_since unpatch lgb-callbacks:)"
	assert_eq /proc/version "$before" "$(cat /proc/version)"
	unload_mod $kpmod
}

# klp_shadow_get_or_alloc() attaches a read counter to the pid namespace;
# the post_unpatch callback frees it with klp_shadow_free_all(): the
# destructor says so, and the next patch counts from 1 again (shadow
# variables live in livegraft.ko, a leaked one would go on counting).
test_kpatch_shadow() {
	kpmod=livegraft-lgb_kpshadow
	have $kpmod
	load_livegraft
	grep -q 'reads:' /proc/uptime && die "/proc/uptime counts reads before the patch"
	load_patch $kpmod
	for n in 1 2 3; do
		grep -q " reads:$n\$" /proc/uptime ||
			die "read $n of /proc/uptime: $(cat /proc/uptime)"
	done
	kp_mark free
	disable_patch $kpmod
	assert_eq "shadow variables freed" "lgb-shadow: freed after 3 reads" \
		"$(kp_since free lgb-shadow:)"
	grep -q 'reads:' /proc/uptime && die "/proc/uptime counts reads after the disable"
	unload_mod $kpmod
	load_patch $kpmod
	grep -q ' reads:1$' /proc/uptime ||
		die "the counter outlived its patch: $(cat /proc/uptime)"
	disable_patch $kpmod
	unload_mod $kpmod
}

# KPATCH_SYSCALL_DEFINE1(newuname): uname(2) reports another version.
test_kpatch_syscall() {
	kpmod=livegraft-lgb_kpsyscall
	have $kpmod
	load_livegraft
	before=$(uname -v)
	[ "$before" != "livegraft kpatch-syscall" ] || die "uname -v: $before before the patch"
	load_patch $kpmod
	assert_eq "uname -v" "livegraft kpatch-syscall" "$(uname -v)"
	disable_patch $kpmod
	assert_eq "uname -v after the disable" "$before" "$(uname -v)"
	unload_mod $kpmod
}

run_test "kpatch callbacks: each at its moment, a failing pre_patch refuses (kpatch-macros.h)" test_kpatch_callbacks
run_test "kpatch shadow variables: klp_shadow_* attach a counter, freed at unpatch" test_kpatch_shadow
run_test "kpatch syscall: KPATCH_SYSCALL_DEFINE1(newuname) changes uname -v" test_kpatch_syscall


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
	have "$m"
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
	have "$m"
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

# kpatch callbacks in a module's file are that module's object's: they run
# for binfmt_misc when it is loaded, before the patch (at the patch) or
# after it (when it loads, on the module-coming path), never for vmlinux.
# Their messages carry binfmt_misc.c's pr_fmt.
test_kpatch_module_callbacks() {
	kpmod=livegraft-lgb_kpmodcb
	have $kpmod
	[ -f "$LG_MODDIR/binfmt_misc.ko" ] ||
		die "the target's binfmt_misc.ko is not in $LG_MODDIR (selftests/target-modules)"
	load_livegraft
	kp_mark modcb-first
	load_mod binfmt_misc
	load_patch $kpmod
	assert_eq "callbacks when patching a loaded binfmt_misc" "binfmt_misc: lgb-modcb: pre_patch binfmt_misc
binfmt_misc: lgb-modcb: post_patch binfmt_misc" "$(kp_since modcb-first 'binfmt_misc: lgb-modcb:')"
	kp_mark modcb-disable
	disable_patch $kpmod
	assert_eq "callbacks when unpatching it" "binfmt_misc: lgb-modcb: pre_unpatch binfmt_misc
binfmt_misc: lgb-modcb: post_unpatch binfmt_misc" "$(kp_since modcb-disable 'binfmt_misc: lgb-modcb:')"
	unload_mod $kpmod
	unload_mod binfmt_misc

	kp_mark modcb-later
	load_patch $kpmod
	assert_eq "no callback while binfmt_misc is not loaded" "" \
		"$(kp_since modcb-later 'binfmt_misc: lgb-modcb:')"
	kp_mark modcb-coming
	load_mod binfmt_misc
	assert_eq "callbacks when binfmt_misc loads after the patch" "binfmt_misc: lgb-modcb: pre_patch binfmt_misc
binfmt_misc: lgb-modcb: post_patch binfmt_misc" "$(kp_since modcb-coming 'binfmt_misc: lgb-modcb:')"
	kp_mark modcb-going
	unload_mod binfmt_misc
	assert_eq "callbacks when binfmt_misc unloads" "binfmt_misc: lgb-modcb: pre_unpatch binfmt_misc
binfmt_misc: lgb-modcb: post_unpatch binfmt_misc" "$(kp_since modcb-going 'binfmt_misc: lgb-modcb:')"
	disable_patch $kpmod
	unload_mod $kpmod
}

run_test "kpatch callbacks of a module's object, at the patch and when the module loads (binfmt_misc)" test_kpatch_module_callbacks
run_test "a static function inlined into its caller (task_cpus_allowed into proc_pid_status)" test_inlined_callee
run_test "new global data in the patch module (loadavg_proc_show's read counter)" test_new_data
run_test "a static local of the running kernel, not a copy (do_syslog's saved_console_loglevel)" test_static_local
run_test "uaccess and its exception table in patched code (filldir64, EFAULT)" test_user_access
finish
