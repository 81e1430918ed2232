#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - host tests of the livegraft command's reading of sysfs and of
# ftrace's view, on made-up trees (LIVEGRAFT_SYSFS, LIVEGRAFT_TRACEFS,
# LIVEGRAFT_KLP_SYSFS) laid out as Documentation/sysfs-abi.md and the
# kernel's enabled_functions are: the cases a guest cannot easily stage
# (an ftrace line without a handler's name, the kernel's livepatch on the
# same function, a reversed unpatching under a newer patch, a replaced
# patch being freed). selftests/test-command.sh runs the command on real
# kernels. Needs root (verify does). Exit 1 on any failure.

here=$(cd "$(dirname "$0")" && pwd)
lg=$here/../livegraft
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0

[ "$(id -u)" -eq 0 ] || { echo "SKIP: verify needs root"; exit 4; }

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}

not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	sed 's/^/#   /' "$tmp/out"
}

# expect(description, status, pattern, command args...) - the command's
# exit status and a line of its output matching pattern
expect() {
	local what=$1 want=$2 pat=$3 rc=0

	shift 3
	"$lg" "$@" >"$tmp/out" 2>&1 || rc=$?
	if [ "$rc" = "$want" ] && grep -q -- "$pat" "$tmp/out"; then
		ok "$what"
	else
		echo "exit $rc, wanted $want and /$pat/" >>"$tmp/out"
		not_ok "$what"
	fi
}

# patch(name, enabled, transition, enable_seq, last_start_ns, function...)
# - a patch directory of vmlinux functions (sympos 1)
patch() {
	local p=$S/$1 f

	mkdir -p "$p/vmlinux"
	echo "$2" >"$p/enabled"
	echo "$3" >"$p/transition"
	echo 0 >"$p/replace"
	: >"$p/pending"
	printf 'transitions: 1\nreversals: 0\nin_transition: %s\nlast_start_ns: %s\nmoved_forced: 0\nenable_seq: %s\n' \
		"$3" "$5" "$4" >"$p/stats"
	echo 1 >"$p/vmlinux/patched"
	shift 5
	for f in "$@"; do
		mkdir -p "$p/vmlinux/$f,1"
	done
}

# ftrace(line...) - enabled_functions
ftrace() {
	printf '%s\n' "$@" >"$LIVEGRAFT_TRACEFS/enabled_functions"
}

fresh() {
	rm -rf "$tmp/t"
	S=$tmp/t/livegraft
	LIVEGRAFT_TRACEFS=$tmp/t/tracing
	LIVEGRAFT_KLP_SYSFS=$tmp/t/livepatch
	mkdir -p "$S" "$LIVEGRAFT_TRACEFS" "$LIVEGRAFT_KLP_SYSFS"
	export LIVEGRAFT_SYSFS=$S LIVEGRAFT_TRACEFS LIVEGRAFT_KLP_SYSFS
}

tab='	'
LG_HANDLER="tramp: 0xffffffffc0201000 (lg_ftrace_handler+0x0/0x150 [livegraft]) ->ftrace_ops_assist_func+0x0/0xf0"

# --- verify ---------------------------------------------------------------
fresh
patch fix 1 0 1 100 cmdline_proc_show
ftrace "cmdline_proc_show (1) R I  ${tab}$LG_HANDLER"
expect "verify: livegraft's handler, with the I flag" 0 \
	'^fix: vmlinux: cmdline_proc_show: redirected$' verify
ftrace "cmdline_proc_show (1) R    ${tab}$LG_HANDLER"
expect "verify: no I flag is no redirection" 6 \
	'NOT redirected: .*no I flag' verify
ftrace "cmdline_proc_show (1) R I  ${tab}tramp: 0xffffffffc0202000 (klp_ftrace_handler+0x0/0x180) ->ftrace_ops_assist_func+0x0/0xf0"
expect "verify: another handler is not livegraft's" 6 \
	"NOT redirected: its ftrace handler is not livegraft's" verify
ftrace "cmdline_proc_show (1) R   D " "${tab}direct-->lg_fast_3+0x0/0x20 [livegraft]"
expect "verify: direct-called into livegraft's fast trampoline" 0 \
	'^fix: vmlinux: cmdline_proc_show: redirected$' verify
ftrace "cmdline_proc_show (1) R   D ${tab}tramp: 0xffffffffc0201000 (call_direct_funcs+0x0/0x20)" "${tab}direct-->lg_slow_3+0x0/0x10 [livegraft]"
expect "verify: direct-called into livegraft's slow trampoline" 0 \
	'^fix: vmlinux: cmdline_proc_show: redirected$' verify
ftrace "cmdline_proc_show (1) R   D " "${tab}direct-->my_tramp1+0x0/0x20 [ftrace_direct]"
expect "verify: direct-called into another trampoline" 6 \
	"NOT redirected: ftrace calls it directly, not into livegraft's trampolines: my_tramp1" verify
ftrace "cmdline_proc_show (1) R   D " "version_proc_show (1) R   D " "${tab}direct-->lg_fast_3+0x0/0x20 [livegraft]"
expect "verify: the next function's direct call is not this one's" 6 \
	'NOT redirected: ftrace calls it directly, and does not say where' verify
ftrace "version_proc_show (1) R I  ${tab}$LG_HANDLER"
expect "verify: a function ftrace does not list" 6 \
	'cmdline_proc_show: NOT redirected: ftrace has no handler on it' verify
ftrace "cmdline_proc_show (2) R I  "
expect "verify: an unnamed handler, no other live patcher: redirected, said so" 0 \
	'cmdline_proc_show: redirected (ftrace shows the I flag; it names no handler here)$' verify
mkdir -p "$LIVEGRAFT_KLP_SYSFS/klp_fix/vmlinux/cmdline_proc_show,1"
expect "verify: an unnamed handler where the kernel's livepatch patches it too" 6 \
	"NOT redirected: ftrace does not name its handler, and the kernel's livepatch patches it too" verify

# --- status: the patch on top ----------------------------------------------
# b was enabled after a: b is on top, although a's last transition (an
# unpatching turned around) started later.
fresh
patch a 1 0 1 900 cmdline_proc_show
patch b 1 0 2 100 cmdline_proc_show
expect "status: the patch enabled last is on top" 0 \
	'^    cmdline_proc_show,1 (on top)$' status
sed -n '/^b: /,$p' "$tmp/out" | grep -q '^    cmdline_proc_show,1 (on top)$' &&
	sed -n '/^a: /,/^b: /p' "$tmp/out" | grep -q '^    cmdline_proc_show,1 (under b)$' &&
	ok "status: ... by enable_seq, not by the last start" ||
	not_ok "status: ... by enable_seq, not by the last start"

# --- check: a patch being freed ----------------------------------------------
# A cumulative patch's transition completed: the patches it replaced read
# enabled 0, transition 0 until livegraft frees them.
fresh
patch cumul 1 0 2 200 cmdline_proc_show
patch old 0 0 1 100 cmdline_proc_show
(sleep 0.6; rm -rf "$S/old") &
expect "check: a replaced patch that goes within 2 s is no problem" 0 \
	'^ok: 1 patch' check
wait
patch old 0 0 1 100 cmdline_proc_show
expect "check: one that stays is being unpatched (4)" 4 \
	'old: disabled, being unpatched' check

echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
