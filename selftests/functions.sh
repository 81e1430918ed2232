#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Shell library of the livegraft kselftest collection, shaped like the
# kernel's tools/testing/selftests/livepatch/functions.sh. Plain POSIX sh:
# the test guest has busybox and nothing else.
#
# A test script defines one function per scenario, then calls
# run_test "name" function for each. A scenario fails by calling die (or
# any helper that does); run_test then cleans up (disables every patch,
# unloads every module this collection loaded) so that the next scenario,
# or any one run alone, starts from a clean system.

MAX_RETRIES=600
LG_SCENARIO_TIMEOUT=${LG_SCENARIO_TIMEOUT:-240}
RETRY_INTERVAL=0.1	# seconds: loop_until waits at most a minute
LG_SYSFS=/sys/kernel/livegraft
LG_MODDIR=${LG_MODDIR:-/lib/modules/$(uname -r)/extra}

ksft_skip=4

# busybox sh runs its own applets in place of a PATH lookup, and busybox's
# insmod loads a module twice when the first attempt fails; the test guest
# has a plain one-attempt insmod at /sbin/insmod, reached by its path.
LG_INSMOD=insmod
[ -f /sbin/insmod ] && [ ! -L /sbin/insmod ] && LG_INSMOD=/sbin/insmod
lg_failed=0
lg_skipped=0

# log(msg) - write msg to the kernel log, so dmesg reads as a transcript
# (at notice level: the transcript is for dmesg, not the console)
log() {
	echo "<5>$1" >/dev/kmsg
}

# die(msg) - fail the current scenario
die() {
	log "ERROR: $1"
	echo "ERROR: $1" >&2
	exit 1
}

# skip(msg) - the current scenario cannot run here
skip() {
	log "SKIP: $1"
	echo "$1" >"$LG_TMP/skip"
	exit $ksft_skip
}

# loop_until(cmd) - poll until cmd succeeds, for at most a minute
loop_until() {
	lg_try=0
	while ! eval "$1"; do
		lg_try=$((lg_try + 1))
		[ $lg_try -ge $MAX_RETRIES ] && return 1
		sleep $RETRY_INTERVAL
	done
}

# mod_name(file) - the kernel's name of a module file (dashes become _)
mod_name() {
	basename "$1" .ko | tr - _
}

# is_loaded(mod) - whether the module is in the kernel
is_loaded() {
	grep -q "^$(mod_name "$1") " /proc/modules
}

# load_mod(mod, [args]) - insmod a module of this collection; any failure dies
load_mod() {
	mod=$1
	shift
	log "% insmod $mod${*:+ $*}"
	out=$("$LG_INSMOD" "$LG_MODDIR/$mod.ko" "$@" 2>&1) || die "insmod $mod failed: $out"
	[ -z "$out" ] || die "insmod $mod said: $out"
	echo "$mod" >>"$LG_TMP/loaded"
}

# load_failing_mod(mod, [args]) - insmod that must fail; logs insmod's error
load_failing_mod() {
	mod=$1
	shift
	log "% insmod $mod${*:+ $*}"
	if out=$("$LG_INSMOD" "$LG_MODDIR/$mod.ko" "$@" 2>&1); then
		echo "$mod" >>"$LG_TMP/loaded"
		die "insmod $mod unexpectedly succeeded"
	fi
	log "$out"
}

# unload_mod(mod) - rmmod a module and wait until it is gone
unload_mod() {
	log "% rmmod $1"
	out=$(rmmod "$(mod_name "$1")" 2>&1) || die "rmmod $1 failed: $out"
	loop_until "! is_loaded $1" || die "module $1 did not go away"
}

# load_livegraft() - load the framework, its debug messages on: the
# transcripts include the transition steps, as the kernel's livepatch
# selftests do
load_livegraft() {
	load_mod livegraft
	echo 'module livegraft +p' >/sys/kernel/debug/dynamic_debug/control
}

# livegraft_loaded_line() - what livegraft logs when it loads on this arch
livegraft_loaded_line() {
	case $(uname -m) in
	x86_64) echo "livegraft: loaded (stack check: orc)" ;;
	*) echo "livegraft: loaded (stack check: frame-records)" ;;
	esac
}

# patch_dir(mod) - the sysfs directory of a patch module's patch
patch_dir() {
	echo "$LG_SYSFS/$(mod_name "$1")"
}

# wait_transition(mod) - wait until the patch's transition is over
wait_transition() {
	loop_until "[ \"\$(cat $(patch_dir "$1")/transition 2>/dev/null)\" = 0 ]" ||
		die "patch $1: transition did not complete$(stuck "$1")"
}

# stuck(mod) - for a failure's message: what holds the patch's transition
# (its pending tasks and stats, as they are now)
stuck() {
	[ -d "$(patch_dir "$1")" ] || return 0
	printf '; pending:\n%s\nstats: %s' "$(cat "$(patch_dir "$1")/pending" 2>&1)" \
		"$(tr '\n' ' ' <"$(patch_dir "$1")/stats" 2>&1)"
}

# load_patch(mod, [args]) - load a patch module, wait for its transition
load_patch() {
	load_mod "$@"
	wait_transition "$1"
}

# disable_patch(mod) - disable a patch and wait until livegraft freed it
disable_patch() {
	log "% echo 0 > $(patch_dir "$1")/enabled"
	echo 0 >"$(patch_dir "$1")/enabled" || die "cannot disable $1"
	loop_until "[ ! -e $(patch_dir "$1") ]" || die "patch $1 was not freed$(stuck "$1")"
}

# unload_replaced(mod) - rmmod a patch module that a replace patch
# superseded: without writing enabled, once livegraft released it
unload_replaced() {
	loop_until "[ ! -e $(patch_dir "$1") ]" ||
		die "the replaced patch $1 is still in sysfs"
	loop_until "[ \"\$(cat /sys/module/$(mod_name "$1")/refcnt)\" = 0 ]" ||
		die "the replaced patch $1 is still held"
	unload_mod "$1"
}

# refused(mode, errno text, log line) - test_lg_bad mode=... must fail so,
# leaving /proc/cmdline and the target module unpatched
refused() {
	cmdline=$(cat /proc/cmdline)
	load_failing_mod test_lg_bad mode="$1"
	is_loaded test_lg_bad && die "test_lg_bad loaded"
	[ -z "$(ls $LG_SYSFS)" ] || die "left in sysfs: $(ls $LG_SYSFS)"
	assert_eq /proc/cmdline "$cmdline" "$(cat /proc/cmdline)"
	if is_loaded test_lg_target; then
		assert_eq /proc/test_lg_target "unpatched 1 2 0" "$(cat /proc/test_lg_target)"
	fi
	check_result "% insmod test_lg_bad mode=$1
$3
insmod: ERROR: could not insert module $LG_MODDIR/test_lg_bad.ko: $2"
}

# setup_refused([target]) - livegraft and, for module objects, the target
setup_refused() {
	load_livegraft
	[ "${1:-}" = target ] && load_mod test_lg_target
	start_test "$LG_TEST"
}

# write_fails(file, value, errno text) - a write that must fail so
write_fails() {
	out=$( (echo "$2" >"$1") 2>&1) && die "writing '$2' to $1 succeeded"
	case "$out" in
	*"$3"*) ;;
	*) die "writing '$2' to $1: expected '$3', got '$out'" ;;
	esac
}

# expect_leftover(mod...) - modules a scenario leaves loaded on purpose
# (a forced patch and what it depends on): the guest's leak check and
# the cleanup leave them alone
expect_leftover() {
	for mod in "$@"; do
		echo "$(mod_name "$mod")" >>/run/livegraft-leftovers
		sed -i "/^$mod\$/d" "$LG_TMP/loaded"
	done
}

# start_test(name) - mark where this scenario's transcript starts
start_test() {
	LG_TEST=$1
	log "===== TEST: $1 ====="
}

# transcript() - the kernel log since the last start_test, only the lines about
# livegraft and its test modules, without timestamps
transcript() {
	dmesg >"$LG_TMP/dmesg"
	from=$(grep -n "===== TEST: $LG_TEST =====" "$LG_TMP/dmesg" | tail -n 1 | cut -d: -f1)
	tail -n +"${from:-1}" "$LG_TMP/dmesg" |
		sed -e 's/^\[[ 0-9.]*\] //' |
		grep -E 'livegraft|test_lg|test_klp|^% |^(insmod|rmmod|sysctl): ' |
		grep -v -e '===== TEST: ' -e 'taints kernel' -e 'tainting kernel' \
			-e 'loading out-of-tree module' -e 'module verification failed'
}

# check_result(expected) - the transcript must be exactly the expected text
check_result() {
	transcript >"$LG_TMP/actual"
	printf '%s\n' "$1" >"$LG_TMP/expected"
	if ! cmp -s "$LG_TMP/expected" "$LG_TMP/actual"; then
		echo "transcript differs (- expected, + actual):" >&2
		diff -u "$LG_TMP/expected" "$LG_TMP/actual" >&2
		die "unexpected transcript"
	fi
}

# assert_eq(what, expected, actual)
assert_eq() {
	[ "$2" = "$3" ] || die "$1: expected '$2', got '$3'"
}

# check_mode(path, mode) - ls-style permissions, e.g. -rw-r--r--
check_mode() {
	assert_eq "mode of $1" "$2" "$(stat -c %A "$1")"
}

# check_value(path, value)
check_value() {
	assert_eq "$1" "$2" "$(cat "$1")"
}

# kallsyms_has_data - kallsyms lists data: without CONFIG_KALLSYMS_ALL
# (Debian's arm64 6.1) it has no variables of vmlinux, nor of a module
# once the module is live (its init drops them with the full symtab)
kallsyms_has_data() {
	grep -q ' [Dd] init_task$' /proc/kallsyms
}

# cleanup() - leave the system as a scenario found it: disable every patch,
# then unload what the scenario loaded, newest first. Fails, saying why,
# when something stays: the scenario then fails, not the ones after it
# that find it.
cleanup() {
	lg_left=
	# Let every task out of test_lg_busy's and its patch's waits.
	for p in /sys/module/test_lg_busy*/parameters/*block \
		/sys/module/test_lg_args/parameters/hold; do
		[ -e "$p" ] && echo 0 >"$p"
	done
	# The function tracer a scenario turned on beside a patch.
	lg_t=/sys/kernel/tracing
	if [ -e $lg_t/current_tracer ] && [ "$(cat $lg_t/current_tracer)" != nop ]; then
		echo nop >$lg_t/current_tracer
		echo >$lg_t/set_ftrace_filter
	fi
	# The probes a scenario put on a function: lg_hidden, a return
	# probe where a task sleeps; lg_kprobe, one at a patched function.
	for ev in lg_hidden lg_kprobe; do
		[ -e $lg_t/events/kprobes/$ev ] || continue
		echo 0 >$lg_t/events/kprobes/$ev/enable
		echo "-:$ev" >>$lg_t/kprobe_events
	done
	for en in "$LG_SYSFS"/*/enabled /sys/kernel/livepatch/*/enabled; do
		[ -e "$en" ] || continue
		[ "$(cat "$en")" = 1 ] && echo 0 >"$en" 2>/dev/null
		loop_until "[ ! -e '$en' ]" && continue
		lg_d=${en%/enabled}
		lg_left="$lg_left; ${lg_d##*/} not disabled after a minute$(stuck "${lg_d##*/}")"
	done
	if [ -f "$LG_TMP/loaded" ]; then
		while read -r mod; do
			# A patch's module is free once livegraft let it go,
			# which may follow its sysfs directory's removal.
			loop_until "! is_loaded $mod || rmmod $(mod_name "$mod") 2>/dev/null" &&
				continue
			lg_left="$lg_left; rmmod $mod: $(rmmod "$(mod_name "$mod")" 2>&1)"
		done <<-EOF
			$(sed '1!G;h;$!d' "$LG_TMP/loaded")
		EOF
		rm -f "$LG_TMP/loaded"
	fi
	[ -z "$lg_left" ] && return 0
	log "ERROR: cleanup left${lg_left#;}"
	echo "ERROR: cleanup left${lg_left#;}" >&2
	return 1
}

# sleep_forever() - a scenario for make check's test of the harness
sleep_forever() {
	sleep 100000 &
	wait
}

# orphan_scenario() - a scenario for make check's test of the harness: it
# dies and leaves a process behind that holds the kselftest runner's pipe
orphan_scenario() {
	(while :; do sleep 1; done) &
	die "dies on purpose, leaving a process behind"
}

# module_in_use() - a scenario for make check's test of the harness: a
# patch module it did not record keeps livegraft in use, so that cleanup
# cannot unload livegraft
module_in_use() {
	load_livegraft
	"$LG_INSMOD" "$LG_MODDIR/test_lg_livepatch.ko"
}

# children_of(pid) - the pids of a process's children
children_of() {
	grep -l "^PPid:[[:space:]]*$1\$" /proc/[0-9]*/status 2>/dev/null | cut -d/ -f3
}

# kill_tree(pid) - kill a process and everything it started
kill_tree() {
	kill -STOP "$1" 2>/dev/null || return 0
	for lg_child in $(children_of "$1"); do
		kill_tree "$lg_child"
	done
	kill -KILL "$1" 2>/dev/null
}

# kill_scenario() - kill whatever the scenario left running. Each process
# it started holds fd 9 open on $LG_TMP/scenario, even one whose parent
# died and that init adopted, which kill_tree cannot find: left alone, it
# keeps the kselftest runner's pipe open until the script's timeout.
kill_scenario() {
	lg_rounds=0
	while [ $lg_rounds -lt 50 ]; do
		lg_found=
		for lg_fd in /proc/[0-9]*/fd/9; do
			[ "$(readlink "$lg_fd" 2>/dev/null)" = "$LG_TMP/scenario" ] ||
				continue
			lg_p=${lg_fd#/proc/}
			kill -KILL "${lg_p%/fd/9}" 2>/dev/null && lg_found=1
		done
		[ -n "$lg_found" ] || return 0
		lg_rounds=$((lg_rounds + 1))
		sleep 0.1
	done
	log "ERROR: processes of the scenario survive SIGKILL"
}

# lg_selected(name) - whether a scenario runs: all do, unless LG_ONLY lists
# scenario names ("name|name...")
lg_selected() {
	[ -z "${LG_ONLY:-}" ] && return 0
	case "|$LG_ONLY|" in
	*"|$1|"*) return 0 ;;
	esac
	return 1
}

# run_test(name, function) - run one scenario in a subshell, report it in
# one line, clean up after it. A scenario that has not ended after
# LG_SCENARIO_TIMEOUT seconds is killed, with all it started, and fails.
run_test() {
	lg_selected "$1" || return 0
	rm -f "$LG_TMP/skip"
	(
		exec 9>"$LG_TMP/scenario"
		set -e
		start_test "$1"
		"$2"
	) &
	lg_pid=$!
	(
		sleep "$LG_SCENARIO_TIMEOUT"
		log "ERROR: $1: still running after $LG_SCENARIO_TIMEOUT s, killed"
		echo "ERROR: $1: still running after $LG_SCENARIO_TIMEOUT s, killed" >&2
		kill_tree "$lg_pid"
	) &
	lg_dog=$!
	wait "$lg_pid"
	rc=$?
	kill_tree "$lg_dog"
	wait "$lg_dog" 2>/dev/null
	kill_scenario
	cleanup || rc=1
	if [ $rc -eq 0 ]; then
		echo "TEST: $1 ... ok"
	elif [ $rc -eq $ksft_skip ]; then
		echo "TEST: $1 ... SKIP: $(cat "$LG_TMP/skip" 2>/dev/null)"
		lg_skipped=$((lg_skipped + 1))
	else
		echo "TEST: $1 ... not ok"
		lg_failed=$((lg_failed + 1))
	fi
	# make check proves that a script that stops early fails the run.
	if grep -qsx stop-early /etc/lg-fault; then
		exit 0
	fi
}

# finish() - the script's exit status for the kselftest runner
finish() {
	# make check proves that a scenario that never ends fails, alone.
	if grep -qsx hang /etc/lg-fault; then
		run_test "harness: a scenario that never ends" sleep_forever
	fi
	# ... and that one that dies leaves nothing running behind it.
	if grep -qsx orphan /etc/lg-fault; then
		run_test "harness: a scenario that dies and leaves a process" orphan_scenario
	fi
	# ... and that one whose cleanup cannot unload what it loaded fails,
	# and says what stayed (after 2 s, not a minute: it never goes).
	if grep -qsx in-use /etc/lg-fault; then
		MAX_RETRIES=20
		run_test "harness: a scenario that leaves a module in use" module_in_use
	fi
	rm -rf "$LG_TMP"
	[ $lg_failed -eq 0 ] || exit 1
	exit 0
}

# LG_LIST=1: print the names of the script's scenarios, one per line, and
# run none. The guest lists every script before running the collection, so
# that a scenario that never reports (a script that stops early) fails.
if [ -n "${LG_LIST:-}" ]; then
	run_test() { lg_selected "$1" && echo "$1"; }
	finish() { exit 0; }
else
	[ "$(id -u)" -eq 0 ] || { echo "must be run as root" >&2; exit $ksft_skip; }
	LG_TMP=$(mktemp -d /tmp/livegraft-test.XXXXXX)
fi
