#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317 # scenarios are called through run_test
#
# The livegraft command (tools/livegraft/livegraft, /usr/sbin/livegraft in
# the guest): every subcommand's output and exit code, every JSON
# document parsed, against real patches, a transition a kthread stalls,
# and a function that is really not redirected (its module is not loaded).
# force is in test-force.sh: a forced module stays for good.

# shellcheck source=selftests/functions.sh
. "$(dirname "$0")/functions.sh"
# shellcheck source=selftests/json.sh
. "$(dirname "$0")/json.sh"

BUSY=test_lg_busy
LP=test_lg_busy_patch
P=$LG_SYSFS/$LP
PARAM=/sys/module/$BUSY/parameters

# lg(args...) - run the command; its stdout and stderr in $LG_TMP/out,
# its exit status in $rc, both shown in the test's output
lg() {
	echo "# % livegraft $*"
	rc=0
	livegraft "$@" >"$LG_TMP/out" 2>&1 || rc=$?
	sed 's/^/#   /' "$LG_TMP/out"
	echo "#   (exit $rc)"
}

# lg_rc(code, args...) - run the command, which must exit with code
lg_rc() {
	want=$1
	shift
	lg "$@"
	[ "$rc" = "$want" ] || die "livegraft $*: exit $rc, expected $want"
}

# lg_json(code, args...) - run the command, which must exit with code and
# print a well-formed JSON document; flattened into $LG_TMP/json
lg_json() {
	want=$1
	shift
	rc=0
	livegraft "$@" >"$LG_TMP/doc" 2>"$LG_TMP/err" || rc=$?
	echo "# % livegraft $*: $(cat "$LG_TMP/doc") (exit $rc)"
	[ "$rc" = "$want" ] || die "livegraft $*: exit $rc, expected $want: $(cat "$LG_TMP/err")"
	json_flat <"$LG_TMP/doc" >"$LG_TMP/json" || die "livegraft $*: not JSON"
}

# has(text) - the last command's output has a line matching it (grep -E)
# How verify says "redirected" here: arm64 6.1's ftrace names no handler,
# and verify says that its proof is the I flag.
REDIR='redirected'
case "$(uname -m) $(uname -r)" in
"aarch64 6.1."*) REDIR='redirected \(ftrace shows the I flag; it names no handler here\)' ;;
esac

has() {
	grep -qE "$1" "$LG_TMP/out" || die "no line matches '$1'"
}

# js_is(path, value) - the last JSON document has value at path
js_is() {
	assert_eq "JSON $1" "$2" "$(json_get "$LG_TMP/json" "$1")"
}

# tracked(mod...) - modules the command loaded, for the cleanup
tracked() {
	for m in "$@"; do
		echo "$m" >>"$LG_TMP/loaded"
	done
}

setup_busy() {
	command -v livegraft >/dev/null || die "no livegraft command in this guest"
	load_livegraft
	echo 0 >/sys/module/livegraft/parameters/signal_delay_ms
	load_mod $BUSY "$@"
}

# Without livegraft.ko: check, status, verify and blocking say so with
# exit 2; usage errors are 1; version works.
test_not_loaded() {
	command -v livegraft >/dev/null || die "no livegraft command in this guest"
	is_loaded livegraft && die "livegraft is loaded"
	lg_rc 2 check
	has '^not-loaded:$'
	lg_json 2 check --json
	js_is .code 2
	js_is .status '"not-loaded"'
	js_is .livegraft_loaded false
	js_is .patches '[]'
	js_is '.problems[0]' '"livegraft.ko is not loaded"'
	lg_json 2 check --json --expect foo
	js_is '.problems[1]' '"foo: expected, not loaded"'
	lg_rc 2 status
	lg_json 2 status --json
	js_is .livegraft_loaded false
	lg_rc 2 verify
	lg_rc 2 blocking
	lg_rc 0 version
	has '^livegraft [0-9]'
	has '^livegraft.ko: not loaded$'
	lg_rc 1 no-such-command
	lg_rc 1 load
	lg_rc 1 load /nonexistent.ko
	lg_rc 1 check --bogus
}

# load waits for the transition; status shows which patch is on top of a
# function two patches replace; verify finds both redirected in ftrace's
# view; check and its --expect; unload brings the old code back.
test_load_unload() {
	command -v livegraft >/dev/null || die "no livegraft command in this guest"
	load_livegraft
	before=$(cat /proc/cmdline)
	tracked livegraft_sample test_lg_livepatch
	lg_rc 0 load "$LG_MODDIR/livegraft-sample.ko"
	has '^livegraft_sample: patching complete \([0-9.]* s\)$'
	grep -q "this has been live patched" /proc/cmdline || die "not live: $(cat /proc/cmdline)"
	lg_rc 1 load "$LG_MODDIR/livegraft-sample.ko"
	has 'livegraft_sample is already loaded'
	lg_rc 0 load "$LG_MODDIR/test_lg_livepatch.ko" --timeout 30 --quiet
	[ ! -s "$LG_TMP/out" ] || die "--quiet printed something"
	lg_rc 0 status
	has '^livegraft_sample: enabled$'
	has '^test_lg_livepatch: enabled$'
	has '^  vmlinux: patched$'
	has '^    cmdline_proc_show,1 \(under test_lg_livepatch\)$'
	has '^    cmdline_proc_show,1 \(on top\)$'
	# The stack order status reads: the later patch has the higher number.
	s1=$(sed -n 's/^enable_seq: //p' "$LG_SYSFS/livegraft_sample/stats")
	s2=$(sed -n 's/^enable_seq: //p' "$LG_SYSFS/test_lg_livepatch/stats")
	[ -n "$s1" ] && [ -n "$s2" ] && [ "$s2" -gt "$s1" ] ||
		die "stats' enable_seq: livegraft_sample '$s1', test_lg_livepatch '$s2'"
	lg_json 0 list --json
	js_is .livegraft_loaded true
	js_is '.patches[0].name' '"livegraft_sample"'
	js_is '.patches[0].enabled' true
	js_is '.patches[0].transition' false
	js_is '.patches[0].direction' null
	js_is '.patches[0].forced' false
	js_is '.patches[0].stats.transitions' 1
	js_is '.patches[0].objects[0].name' '"vmlinux"'
	js_is '.patches[0].objects[0].patched' true
	js_is '.patches[0].objects[0].functions[0].name' '"cmdline_proc_show"'
	js_is '.patches[0].objects[0].functions[0].sympos' 1
	js_is '.patches[0].objects[0].functions[0].top_patch' '"test_lg_livepatch"'
	js_is '.patches[1].name' '"test_lg_livepatch"'
	lg_rc 0 verify
	has "^livegraft_sample: vmlinux: cmdline_proc_show: $REDIR\$"
	has "^test_lg_livepatch: vmlinux: cmdline_proc_show: $REDIR\$"
	lg_json 0 verify --json
	js_is .code 0
	js_is '.functions[0].redirected' true
	js_is '.functions[0].why' null
	# Direct-called into livegraft's fast trampoline; on arm64 6.1, without
	# direct calls, the I flag of livegraft's handler.
	case "$(uname -m) $(uname -r)" in
	"aarch64 6.1."*) proof=' I' ;;
	*) proof=' D .*direct-->lg_fast_[0-9]*+.* \[livegraft\]' ;;
	esac
	json_get "$LG_TMP/json" '.functions[0].ftrace' | grep -q "$proof" ||
		die "ftrace's view lacks '$proof': $(cat "$LG_TMP/doc")"
	lg_rc 0 check
	has '^ok: 2 patches, every one enabled and settled$'
	lg_rc 0 check --expect livegraft_sample --expect test-lg-livepatch
	lg_rc 5 check --expect livegraft_sample --expect nosuch
	has '^missing:$'
	has '^  nosuch: expected, not loaded$'
	lg_json 0 check --json --expect livegraft_sample
	js_is .code 0
	js_is .status '"ok"'
	js_is .livegraft_loaded true
	js_is '.patches[1].name' '"test_lg_livepatch"'
	js_is '.patches[1].enabled' true
	js_is '.patches[1].transition' false
	js_is '.patches[1].forced' false
	js_is '.patches[1].replace' false
	js_is .problems '[]'
	lg_json 5 check --json --expect nosuch
	js_is .status '"missing"'
	js_is '.problems[0]' '"nosuch: expected, not loaded"'
	lg_rc 0 unload test_lg_livepatch
	has '^test_lg_livepatch: unpatching complete, patch freed'
	has '^test_lg_livepatch: module unloaded$'
	is_loaded test_lg_livepatch && die "test_lg_livepatch still loaded"
	lg_rc 0 unload livegraft-sample
	assert_eq /proc/cmdline "$before" "$(cat /proc/cmdline)"
	lg_rc 1 unload livegraft_sample
	lg_rc 0 check
	has '^ok: 0 patches'
}

# A kthread asleep in a replaced function and a user task blocked in
# another stall the patching transition: load shows its progress and
# times out (3) with the blockers and their stacks; blocking, check,
# status say the same; verify proves the functions already redirected;
# wait times out; signal moves the user task; the transition completes
# once the kthread leaves, and wait says so.
test_stalled() {
	setup_busy
	cat /proc/$BUSY >"$LG_TMP/read" 2>&1 &
	reader=$!
	loop_until "grep -q '^State:.*S' /proc/$reader/status" || die "reader never waits"
	tracked $LP
	lg_rc 3 load "$LG_MODDIR/$LP.ko" --timeout 3
	has "^$LP: patching, [0-9]+ tasks? left, [0-9]+\.[0-9] s$"
	has "^livegraft: $LP: the patching transition did not complete in 3 s$"
	has "^$LP: patching for [0-9]+ s, [0-9]+ tasks? pending:$"
	# One read of pending: the kthread wakes every 20 ms and may be on a CPU.
	has "^  [0-9]+ $BUSY: kthread, (test_lg_busy_sleep|running)$"
	has "^  $reader cat: test_lg_busy_wait$"
	has "^      (\[<0>\] [a-z_]|\(no stack shown: the task is running\))"
	has "^livegraft: $LP: it goes on; "
	check_value "$P/transition" 1

	# Each task wakes every 20 ms: a stack read while it runs shows
	# nothing, so ask again until both show their function.
	loop_until "livegraft blocking | grep -q '^      \[<0>\] test_lg_busy_sleep+0x'" ||
		die "the kthread's stack never showed test_lg_busy_sleep"
	loop_until "livegraft blocking | grep -q '^      \[<0>\] test_lg_busy_wait+0x'" ||
		die "the reader's stack never showed test_lg_busy_wait"
	loop_until "livegraft blocking | grep -qE '^  [0-9]+ $BUSY: kthread, test_lg_busy_sleep\$'" ||
		die "blocking never named the kthread's function"
	lg_rc 3 blocking
	loop_until "livegraft blocking --json | grep -q '\"stack\": \\[[^]]*\"test_lg_busy_sleep+0x'" ||
		die "the kthread's stack never showed test_lg_busy_sleep in JSON"
	lg_json 3 blocking --json
	js_is .code 3
	js_is '.patches[0].name' "\"$LP\""
	js_is '.patches[0].transition' true
	js_is '.patches[0].direction' '"patching"'
	grep -q '^\.patches\[0\]\.elapsed_s	[0-9]' "$LG_TMP/json" || die "no elapsed_s"
	# The kthread's and the reader's entries, wherever they are.
	k=$(sed -n 's/^\(\.patches\[0\]\.tasks\[[0-9]*\]\)\.comm	"test_lg_busy"$/\1/p' "$LG_TMP/json")
	[ -n "$k" ] || die "no test_lg_busy task"
	js_is "$k.kind" '"kthread"'
	case "$(json_get "$LG_TMP/json" "$k.why")" in
	'"test_lg_busy_sleep"' | '"running"') ;;
	*) die "the kthread's why: $(json_get "$LG_TMP/json" "$k.why")" ;;
	esac
	grep -q "^$(echo "$k" | sed 's/[].[]/\\&/g')\.stack" "$LG_TMP/json" ||
		die "no stack for the kthread"
	r=$(sed -n "s/^\(\.patches\[0\]\.tasks\[[0-9]*\]\)\.pid	$reader\$/\1/p" "$LG_TMP/json")
	[ -n "$r" ] || die "no reader task"
	js_is "$r.comm" '"cat"'
	js_is "$r.kind" '"user"'
	js_is "$r.why" '"test_lg_busy_wait"'

	lg_rc 3 check
	has '^transition:$'
	has "^  $LP: patching in progress \([0-9]+ tasks? pending\)$"
	lg_json 3 check --json --expect $LP
	js_is .status '"transition"'
	js_is '.patches[0].transition' true
	js_is '.patches[0].enabled' true
	lg_rc 0 status
	has "^$LP: patching \([0-9]+ tasks? pending, [0-9]+ s\)$"
	lg_json 0 status --json
	js_is '.patches[0].direction' '"patching"'
	grep -q '^\.patches\[0\]\.pending	[1-9]' "$LG_TMP/json" || die "no pending count"
	# Redirected at the start of the transition, before any task moved.
	lg_rc 0 verify
	has "^$LP: $BUSY: test_lg_busy_sleep: $REDIR\$"
	has "^$LP: $BUSY: test_lg_busy_wait: $REDIR\$"
	lg_rc 3 wait $LP --timeout 1
	has "still in transition after 1 s"

	lg_rc 0 signal
	has "^$LP: signalled the [0-9]+ tasks? blocking its patching$"
	loop_until "! grep -q '^$reader ' $P/pending" || die "the reader did not move"
	loop_until "! kill -0 $reader 2>/dev/null" || die "the reader never returned"
	wait "$reader" || die "the reader failed: $(cat "$LG_TMP/read")"
	assert_eq "what the reader read" patched "$(cat "$LG_TMP/read")"
	check_value "$P/transition" 1
	# Without a name, wait finds the patch in transition. Asked while
	# the kthread still blocks: once released, the transition may
	# complete before a wait could find it.
	lg_rc 3 wait --timeout 1
	has "$LP: still in transition after 1 s"
	echo 0 >$PARAM/block
	lg_rc 0 wait $LP --timeout 60
	has "^$LP: patching complete"
	lg_rc 0 check --expect $LP
	lg_rc 0 blocking
	has '^no transition in progress$'
	lg_rc 1 signal $LP
	has "$LP is not in transition"
}

# --signal-after pokes a user task blocking the transition, which then
# completes within the timeout.
test_signal_after() {
	setup_busy block=0
	cat /proc/$BUSY >"$LG_TMP/read" 2>&1 &
	reader=$!
	loop_until "grep -q '^State:.*S' /proc/$reader/status" || die "reader never waits"
	tracked $LP
	lg_rc 0 load "$LG_MODDIR/$LP.ko" --signal-after 1 --timeout 60
	has "^$LP: signalled the [0-9]+ tasks? blocking the transition$"
	has "^$LP: patching complete"
	wait "$reader" || die "the reader failed: $(cat "$LG_TMP/read")"
	assert_eq "what the reader read" patched "$(cat "$LG_TMP/read")"
	grep -qx 'moved_signal: [1-9][0-9]*' "$P/stats" || die "stats: $(cat "$P/stats")"
}

# --on-timeout rollback: the stalled patching is reversed, the patch
# freed and its module unloaded; exit 4.
test_rollback() {
	setup_busy
	tracked $LP
	lg_rc 4 load "$LG_MODDIR/$LP.ko" --timeout 2 --on-timeout rollback
	has "^  [0-9]+ $BUSY: kthread, (test_lg_busy_sleep|running)$"
	has "^$LP: rolling back: echo 0 > $P/enabled$"
	has "^$LP: unpatching complete, patch freed"
	has "^livegraft: $LP: rolled back and unloaded$"
	[ ! -e "$P" ] || die "$P is still there"
	is_loaded $LP && die "$LP is still loaded"
	transcript | grep -qx "livegraft: '$LP': reversing transition from patching to unpatching" ||
		die "no reversal in the log"
	lg_rc 0 check
}

# disable starts an unpatching that a kthread asleep in the new code
# stalls: check says 4; enable turns it around; unload times out (3)
# while the kthread stays, and completes once it leaves.
test_disable_enable() {
	setup_busy block=0
	tracked $LP
	lg_rc 0 load "$LG_MODDIR/$LP.ko" block=1
	grep -qxF "$LP: insmod $LG_MODDIR/$LP.ko block=1" "$LG_TMP/out" || die "no insmod line"
	lg_rc 0 enable $LP
	has "^$LP: already enabled$"
	sleep 0.5
	lg_rc 0 disable $LP
	has "^$LP: unpatching$"
	loop_until "grep -q '$BUSY: kthread, test_lg_busy_sleep\$' $P/pending" ||
		die "the kthread does not block the unpatching: $(cat $P/pending)"
	lg_rc 4 check
	has '^disabled:$'
	has "^  $LP: disabled, being unpatched$"
	lg_json 4 check --json
	js_is .status '"disabled"'
	js_is '.patches[0].enabled' false
	js_is '.patches[0].transition' true
	lg_rc 3 blocking --json
	lg_rc 0 enable $LP --wait --timeout 30
	has "^$LP: unpatching reversed: patching again$"
	has "^$LP: patching complete"
	lg_rc 0 check
	lg_rc 3 unload $LP --timeout 2
	has "the unpatching did not complete in 2 s"
	is_loaded $LP || die "$LP went"
	echo 0 >/sys/module/$LP/parameters/block
	lg_rc 0 unload $LP --timeout 60
	has "^$LP: module unloaded$"
	lg_rc 1 enable $LP
	has "a disabled patch cannot come back"
	lg_rc 1 disable $LP
}

# verify proves redirection from ftrace's own view: a patch of a module
# that is not loaded has nothing redirected, and verify fails (6) naming
# the function; once the module loads (patched as it loads) it passes,
# and fails again when the module goes.
test_verify_module() {
	command -v livegraft >/dev/null || die "no livegraft command in this guest"
	load_livegraft
	tracked livegraft_sample_mod
	lg_rc 0 load "$LG_MODDIR/livegraft-sample-mod.ko"
	lg_rc 6 verify
	has "^livegraft_sample_mod: livegraft_target: livegraft_target_answer: NOT redirected: ftrace has no handler on it: module livegraft_target is not loaded$"
	lg_json 6 verify --json
	js_is .code 6
	js_is '.functions[0].patch' '"livegraft_sample_mod"'
	js_is '.functions[0].object' '"livegraft_target"'
	js_is '.functions[0].function' '"livegraft_target_answer"'
	js_is '.functions[0].redirected' false
	js_is '.functions[0].ftrace' null
	load_mod livegraft-target
	lg_rc 0 verify livegraft_sample_mod
	has "^livegraft_sample_mod: livegraft_target: livegraft_target_answer: $REDIR\$"
	# Direct-called into livegraft's fast trampoline (D flag); on arm64
	# 6.1 livegraft's handler changes where it returns (I flag).
	tab=$(printf '\t')
	case "$(uname -m) $(uname -r)" in
	"aarch64 6.1."*)
		grep -q "^livegraft_target_answer \[livegraft_target\] ([0-9]*) .* I" \
			/sys/kernel/tracing/enabled_functions ;;
	*)
		grep -A1 "^livegraft_target_answer \[livegraft_target\] ([0-9]*) .* D" \
			/sys/kernel/tracing/enabled_functions |
			grep -q "^${tab}direct-->lg_fast_[0-9]*+.* \[livegraft\]$" ;;
	esac || die "not in enabled_functions: $(cat /sys/kernel/tracing/enabled_functions)"
	unload_mod livegraft-target
	lg_rc 6 verify
	lg_rc 1 verify nosuch
}

# boot loads livegraft.ko itself, then the kept patches in C-locale
# order, cumulative/ last: the cumulative patch replaces the two others
# (loaded first, or they would stack on it). It then exits with check's
# code; a second boot loads nothing.
test_boot() {
	command -v livegraft >/dev/null || die "no livegraft command in this guest"
	is_loaded livegraft && die "livegraft is loaded"
	d=$LG_TMP/boot
	mkdir -p "$d/cumulative"
	cp "$LG_MODDIR/test_lg_livepatch.ko" "$LG_MODDIR/livegraft-sample.ko" "$d/"
	cp "$LG_MODDIR/livegraft-sample-cumulative.ko" "$d/cumulative/"
	tracked livegraft livegraft_sample test_lg_livepatch livegraft_sample_cumulative
	lg_rc 0 boot "$d"
	has "^loaded /lib/modules/.*/livegraft.ko$"
	grep ': loaded from ' "$LG_TMP/out" | cut -d: -f1 >"$LG_TMP/order"
	assert_eq "load order" "livegraft_sample test_lg_livepatch livegraft_sample_cumulative" \
		"$(tr '\n' ' ' <"$LG_TMP/order" | sed 's/ $//')"
	has '^boot: 3 patches loaded from '
	has '^ok: 1 patches, every one enabled and settled$'
	assert_eq "patches" livegraft_sample_cumulative "$(ls $LG_SYSFS)"
	lg_rc 0 boot "$d"
	has '^livegraft_sample: already loaded$'
	has '^boot: 0 patches loaded from '
	lg_rc 0 boot "$LG_TMP/nothing-here"
	has '^boot: 0 patches loaded from '
}

# new writes a skeleton patch module: one object per target, sympos kept,
# and a module that refuses to load until its functions are written
# (make check builds one on the host with make extmod).
test_new() {
	command -v livegraft >/dev/null || die "no livegraft command in this guest"
	cd "$LG_TMP"
	lg_rc 0 new my-fix cmdline_proc_show test_lg_target:test_lg_target_dup,2
	c=my-fix/my-fix.c
	[ -f "$c" ] || die "no $c"
	assert_eq Kbuild "obj-m := my-fix.o" "$(cat my-fix/Kbuild)"
	grep -q '^#define LG_SKELETON 1$' "$c" || die "no LG_SKELETON"
	grep -q '.old_name = "cmdline_proc_show",' "$c" || die "no cmdline_proc_show"
	grep -q '.old_sympos = 2,' "$c" || die "no old_sympos"
	grep -q '{ .name = "test_lg_target", .funcs = test_lg_target_funcs },' "$c" ||
		die "no test_lg_target object"
	grep -q '^static int __init my_fix_init(void)$' "$c" || die "no init"
	lg_rc 1 new my-fix foo
	has 'my-fix already exists'
	lg_rc 1 new 'bad name' foo
	lg_rc 1 new x 'a;b'
}

# Monitoring runs unprivileged: check and status work; what writes or
# reads pending needs root.
test_unprivileged() {
	command -v livegraft >/dev/null || die "no livegraft command in this guest"
	command -v runas >/dev/null || skip "no runas helper in this guest"
	load_livegraft
	tracked livegraft_sample
	lg_rc 0 load "$LG_MODDIR/livegraft-sample.ko"
	out=$(runas 1000 livegraft check --json) || die "check as uid 1000: $out"
	printf '%s\n' "$out" | json_flat >"$LG_TMP/json" || die "not JSON: $out"
	js_is .code 0
	runas 1000 livegraft status >/dev/null || die "status as uid 1000"
	out=$(runas 1000 livegraft unload livegraft_sample 2>&1) && die "unload as uid 1000 worked"
	case "$out" in
	*"unload needs root"*) ;;
	*) die "unload as uid 1000: $out" ;;
	esac
	if out=$(runas 1000 livegraft blocking 2>&1); then
		die "blocking as uid 1000 worked: $out"
	fi
	case "$out" in
	*"blocking needs root"*) ;;
	*) die "blocking as uid 1000: $out" ;;
	esac
}

run_test "command: without livegraft.ko, exit 2; usage errors, exit 1" test_not_loaded
run_test "command: load, status, verify, check, unload" test_load_unload
run_test "command: a stalled transition: load times out, blocking, check, signal, wait" test_stalled
run_test "command: load --signal-after pokes a blocking user task" test_signal_after
run_test "command: load --on-timeout rollback" test_rollback
run_test "command: disable, enable turns the unpatching around, unload" test_disable_enable
run_test "command: verify fails while the patched module is not loaded" test_verify_module
run_test "command: boot loads the kept patches, cumulative last" test_boot
run_test "command: new writes a patch module skeleton" test_new
run_test "command: check and status need no root" test_unprivileged
finish
