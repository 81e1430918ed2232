#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317 # scenarios are called through run_test
#
# Fault injection: each fallible step of loading livegraft, enabling a
# patch, disabling it, patching a module as it loads and replacing a
# patch fails in turn (livegraft's fault_fail_nth, testing only). Each
# failure must fail the operation with an errno and leave the system
# exactly as it was: nothing redirected, nothing left in sysfs, the
# callbacks that ran matched, livegraft's live allocations back at their
# count, every module removable. Past the last step the operation works.

# shellcheck source=selftests/functions.sh
. "$(dirname "$0")/functions.sh"

PARAMS=/sys/module/livegraft/parameters
V1=test_lg_fault_v1
V2=test_lg_fault_v2
LP=test_lg_callbacks
TARGET=test_lg_target
RP=test_lg_reloc_patch
RT=test_lg_reloc_target
CMDLINE=$(cat /proc/cmdline)

# counts() - livegraft's live allocations, but those that follow the
# system's tasks rather than operations (Documentation/sysfs-abi.md)
counts() {
	grep -v -e '^exit_records:' -e '^task_works:' "$PARAMS/live_objects"
}

# same_counts(baseline) - the live allocations come back to the baseline
same_counts() {
	lg_base=$1
	loop_until '[ "$(counts)" = "$lg_base" ]' ||
		die "live allocations: expected '$(echo $lg_base)', got '$(counts | tr '\n' ' ')'"
}

# arm(n) - the nth fallible step from now fails (0: count only, -1: off)
arm() {
	echo "$1" >"$PARAMS/fault_fail_nth"
}

# attempt(n, op) - run op with step n armed, in a transcript of its own;
# sets ok (1: op succeeded) and step (the function whose step failed, or
# nothing)
attempt() {
	start_test "$LG_TEST"
	arm "$1"
	if eval "$2" >"$LG_TMP/out" 2>&1; then ok=1; else ok=0; fi
	arm -1
	step=$(transcript |
		sed -n 's/^livegraft: fault injection: step [0-9]* fails (\([^+]*\)+.*/\1/p')
}

# failed_cleanly(what, n) - op failed at step n: because of the fault,
# with the errno of that step
failed_cleanly() {
	[ -n "$step" ] || die "$1 failed at step $2 without a fault: $(cat "$LG_TMP/out")"
	grep -q -e "Cannot allocate memory" -e "Device or resource busy" \
		-e "No such device" -e "File exists" -e "Bad address" "$LG_TMP/out" ||
		die "$1, step $2 ($step): unexpected error: $(cat "$LG_TMP/out")"
}

# callbacks_matched(patch) - each pre_patch callback of this attempt had
# its post_unpatch, and no post_patch or pre_unpatch ran
callbacks_matched() {
	transcript >"$LG_TMP/t"
	pre=$(grep -c "^$1: pre_patch_callback" "$LG_TMP/t" || true)
	post=$(grep -c "^$1: post_unpatch_callback" "$LG_TMP/t" || true)
	assert_eq "post_unpatch callbacks of $1 (step $step)" "$pre" "$post"
	if grep -q -e "^$1: post_patch_callback" -e "^$1: pre_unpatch_callback" "$LG_TMP/t"; then
		die "$1: a post_patch or pre_unpatch callback ran (step $step)"
	fi
}

# callbacks_balanced(patch) - in this attempt each pre_patch callback of
# the patch had its post_unpatch, each post_patch its pre_unpatch
callbacks_balanced() {
	transcript >"$LG_TMP/t"
	for pair in pre_patch:post_unpatch post_patch:pre_unpatch; do
		a=$(grep -c "^$1: ${pair%:*}_callback" "$LG_TMP/t" || true)
		b=$(grep -c "^$1: ${pair#*:}_callback" "$LG_TMP/t" || true)
		assert_eq "${pair#*:} callbacks of $1 (step $step)" "$a" "$b"
	done
}

# walk(what, op, as_before, done, undo, fatal) - fail each step of op
#	op:		the operation, a command that fails with an errno
#	as_before:	checks that the system is as it was before op
#	done:		checks what op leads to
#	undo:		takes the system back from there
#	fatal:		how many of op's steps must fail it
#
# Once a transition started, an operation survives a failed step by
# design (a task not poked now is poked at the next attempt, a full
# universe table makes forks allocate their own entries): then op must
# have done all it does, and only the fatal steps are counted.
walk() {
	base=$(counts)
	arm 0
	eval "$2" >"$LG_TMP/out" 2>&1 || die "$1 fails without a fault: $(cat "$LG_TMP/out")"
	steps=$(cat "$PARAMS/fault_steps")
	arm -1
	eval "$4"
	eval "$5"
	same_counts "$base"

	n=1
	failures=0
	while [ $n -le $((steps + 1)) ]; do
		attempt $n "$2"
		if [ $ok = 0 ]; then
			failed_cleanly "$1" $n
			eval "$3"
			failures=$((failures + 1))
		else
			[ -z "$step" ] || log "$1: step $n ($step) failed, $1 went on"
			eval "$4"
			eval "$5"
		fi
		same_counts "$base"
		n=$((n + 1))
	done
	[ $ok = 1 ] || die "$1 fails at step $((steps + 1)), after its $steps steps"
	log "$1: $steps steps, $failures failed it cleanly"
	assert_eq "steps that fail $1" "$6" "$failures"
}

# cmdline_says(text) - what /proc/cmdline shows: patched by v1 or not
cmdline_says() {
	assert_eq /proc/cmdline "$1" "$(cat /proc/cmdline)"
}

# target_says(text) - what /proc/test_lg_target shows
target_says() {
	assert_eq /proc/$TARGET "$1" "$(cat /proc/$TARGET)"
}

# v1_redirects(target loaded: 1 or 0) - v1 enabled, every function it
# replaces redirected, its sysfs tree complete
v1_redirects() {
	dir=$(patch_dir $V1)
	check_value "$dir/enabled" 1
	check_value "$dir/transition" 0
	check_value "$dir/vmlinux/patched" 1
	check_value "$dir/$TARGET/patched" "$1"
	for f in vmlinux/cmdline_proc_show,1 $TARGET/test_lg_target_message,1 \
		$TARGET/test_lg_target_dup,1 $TARGET/test_lg_target_dup,2; do
		[ -d "$dir/$f" ] || die "no $dir/$f"
	done
	cmdline_says "$V1: this has been live patched"
	[ "$1" = 0 ] || target_says "$V1 11 12 0"
}

# not_loaded(mod) - a module whose load failed is gone, and its patch
not_loaded() {
	! is_loaded "$1" || die "$1 is loaded (step $step)"
	[ ! -e "$(patch_dir "$1")" ] || die "$1 left in sysfs (step $step)"
}

# Operations and their states, for walk.

insmod_v1() {
	"$LG_INSMOD" "$LG_MODDIR/$V1.ko" || return
	echo $V1 >>"$LG_TMP/loaded"
	wait_transition $V1
}

v1_refused() {
	not_loaded $V1
	cmdline_says "$CMDLINE"
	target_says "unpatched 1 2 0"
	callbacks_matched $V1
}

remove_v1() {
	disable_patch $V1
	unload_mod $V1
	cmdline_says "$CMDLINE"
}

disable_v1() {
	echo 0 >"$(patch_dir $V1)/enabled" || return
	loop_until "[ ! -e $(patch_dir $V1) ]" || die "patch $V1 was not freed"
}

v1_kept() {
	v1_redirects 1
	transcript | grep -qx "livegraft: '$V1': cannot start the unpatching transition (-12), the patch stays enabled" ||
		die "no log line for the failed disable (step $step)"
	if transcript | grep -q "^$V1: pre_unpatch_callback"; then
		die "a pre_unpatch callback ran (step $step)"
	fi
}

v1_gone() {
	cmdline_says "$CMDLINE"
	target_says "unpatched 1 2 0"
	unload_mod $V1
}

reload_v1() {
	load_patch $V1
}

insmod_target() {
	"$LG_INSMOD" "$LG_MODDIR/$TARGET.ko" || return
	echo $TARGET >>"$LG_TMP/loaded"
}

target_refused() {
	! is_loaded $TARGET || die "$TARGET is loaded (step $step)"
	v1_redirects 0
	callbacks_matched $V1
}

target_patched() {
	v1_redirects 1
}

target_refused_twice() {
	target_refused
	check_value "$(patch_dir $LP)/$TARGET/patched" 0
	callbacks_balanced $LP
}

target_refused_in_transition() {
	! is_loaded $TARGET || die "$TARGET is loaded (step $step)"
	check_value "$(patch_dir $LP)/transition" 1
	check_value "$(patch_dir $LP)/$TARGET/patched" 0
	callbacks_balanced $LP
}

target_patched_in_transition() {
	check_value "$(patch_dir $LP)/transition" 1
	check_value "$(patch_dir $LP)/$TARGET/patched" 1
	# This shell moved: the patched function is its own.
	assert_eq "$TARGET's message" patched "$(cut -d' ' -f1 /proc/$TARGET)"
}

remove_target_in_transition() {
	unload_mod $TARGET
	check_value "$(patch_dir $LP)/transition" 1
	check_value "$(patch_dir $LP)/$TARGET/patched" 0
}

target_patched_twice() {
	v1_redirects 1
	check_value "$(patch_dir $LP)/$TARGET/patched" 1
}

remove_target() {
	unload_mod $TARGET
	check_value "$(patch_dir $V1)/$TARGET/patched" 0
}

insmod_v2() {
	"$LG_INSMOD" "$LG_MODDIR/$V2.ko" || return
	echo $V2 >>"$LG_TMP/loaded"
	wait_transition $V2
}

v2_refused() {
	not_loaded $V2
	v1_redirects 1
	callbacks_matched $V2
	if transcript | grep -q "replaced by"; then
		die "$V1 was replaced (step $step)"
	fi
}

# v1 replaced: v2's function stays, the nops went with v1
v2_replaced() {
	check_value "$(patch_dir $V2)/enabled" 1
	unload_replaced $V1
	[ ! -e "$(patch_dir $V2)/vmlinux" ] || die "the nops' vmlinux object is left"
	cmdline_says "$CMDLINE"
	target_says "$V2 1 2 0"
}

back_to_v1() {
	disable_patch $V2
	unload_mod $V2
	load_patch $V1
}

# rt_says(first word) - what test_lg_reloc_target shows: "unpatched", or
# "relocated" and the values its relocations reach (test-reloc.sh checks
# them)
rt_says() {
	assert_eq /proc/$RT "$1" "$(cut -d' ' -f1 /proc/$RT)"
}

insmod_rp() {
	"$LG_INSMOD" "$LG_MODDIR/$RP.ko" || return
	echo $RP >>"$LG_TMP/loaded"
	wait_transition $RP
}

rp_refused() {
	not_loaded $RP
	rt_says unpatched
}

rp_applied() {
	check_value "$(patch_dir $RP)/enabled" 1
	rt_says relocated
}

remove_rp() {
	disable_patch $RP
	unload_mod $RP
	rt_says unpatched
}

insmod_rt() {
	"$LG_INSMOD" "$LG_MODDIR/$RT.ko" || return
	echo $RT >>"$LG_TMP/loaded"
}

rt_refused() {
	! is_loaded $RT || die "$RT is loaded (step $step)"
	check_value "$(patch_dir $RP)/$RT/patched" 0
}

rt_patched() {
	check_value "$(patch_dir $RP)/$RT/patched" 1
	rt_says relocated
}

remove_rt() {
	unload_mod $RT
}

# start() - livegraft and the modules the scenario starts from
start() {
	load_livegraft
	[ "${1:-}" = target ] && load_mod $TARGET
	fresh=$(counts)
	[ -z "$(echo "$fresh" | grep -v ': 0$')" ] ||
		die "live allocations of a fresh livegraft: $(echo $fresh)"
}

# finish_clean() - the patch goes, its module is removable, and
# livegraft's allocations are those of a fresh load again
finish_clean() {
	for mod in "$@"; do
		disable_patch "$mod"
		unload_mod "$mod"
	done
	same_counts "$fresh"
}

# Each step of livegraft's own initialisation fails in turn: the load
# fails and leaves nothing; past the last step it loads.
test_load() {
	log "% insmod livegraft fault_fail_nth=0"
	"$LG_INSMOD" "$LG_MODDIR/livegraft.ko" fault_fail_nth=0 || die "livegraft does not load"
	echo livegraft >>"$LG_TMP/loaded"
	steps=$(cat "$PARAMS/fault_steps")
	unload_mod livegraft
	n=1
	while [ $n -le "$steps" ]; do
		start_test "$LG_TEST"
		if "$LG_INSMOD" "$LG_MODDIR/livegraft.ko" fault_fail_nth=$n >"$LG_TMP/out" 2>&1; then
			die "livegraft loads with step $n of $steps failing"
		fi
		transcript | grep -q "^livegraft: fault injection: step $n fails" ||
			die "step $n: no fault: $(cat "$LG_TMP/out")"
		! is_loaded livegraft || die "livegraft is loaded (step $n)"
		[ ! -e $LG_SYSFS ] || die "$LG_SYSFS is left (step $n)"
		n=$((n + 1))
	done
	"$LG_INSMOD" "$LG_MODDIR/livegraft.ko" fault_fail_nth=$n ||
		die "livegraft does not load past its $steps steps"
	arm -1
	[ -d $LG_SYSFS ] || die "no $LG_SYSFS"
	unload_mod livegraft
	# The counters cannot be written, not even at insmod.
	for param in live_objects fault_steps; do
		if "$LG_INSMOD" "$LG_MODDIR/livegraft.ko" $param=1 >"$LG_TMP/out" 2>&1; then
			die "livegraft loads with $param=1"
		fi
		grep -q "Operation not permitted" "$LG_TMP/out" ||
			die "$param=1: $(cat "$LG_TMP/out")"
	done
	log "load: $steps steps"
	# ksyms, exits (cache, pool), hooks (2 tracepoints), check, the
	# transition's workqueue and idle kicks, patch's workqueue, sysfs,
	# the module notifier
	assert_eq "steps of livegraft's initialisation" 11 "$steps"
}

# A patch of vmlinux and of a loaded module, with callbacks. Its 38 steps:
# the record of v1 coming; try_module_get(); the patch, 2 objects and 4
# functions; for each function the probe and its filter (8); sysfs (7);
# the universe table and its first chunk; for each function its
# ftrace_ops, filter and registration (12).
test_enable() {
	start target
	walk enable insmod_v1 v1_refused "v1_redirects 1" remove_v1 38
	same_counts "$fresh"
}

# Where the kernel has direct calls (x86_64, arm64 6.12), a function that
# joins a direct-called stack, or whose patch starts a transition, first
# goes to its slow trampoline (design.md): one more step each, which fails
# the operation with nothing changed. Completing a transition switches back to
# the fast one: steps that fail nothing (the function stays slow).
direct_steps() {
	case "$(uname -m) $(uname -r)" in
	"aarch64 6.1."*) echo 0 ;;
	*) echo "$1" ;;
	esac
}

# A disable that cannot start its transition leaves the patch enabled;
# one that started cannot fail any more. Its 2 steps: the universe table
# and its first chunk; with direct calls, the switch of its 4 functions
# to their slow trampolines.
test_disable() {
	start target
	load_patch $V1
	walk disable disable_v1 v1_kept v1_gone reload_v1 $((2 + $(direct_steps 4)))
	finish_clean $V1
}

# The target module loads after the patch: its load fails, the patch
# stays for vmlinux and patches the target when it comes back. Its 16
# steps: the record of the module coming; probe and filter of its 3
# functions; their ftrace_ops, filters and registrations.
test_coming() {
	start
	load_patch $V1
	walk "module coming" insmod_target target_refused target_patched \
		remove_target 16
	finish_clean $V1
}

# The same under two patches: when v1 refuses the module, the patch
# below it, fully applied to it, is reverted with its pre_unpatch and
# post_unpatch callbacks. Its 16 steps: the record of the module coming;
# for the patch below, probe and filter, ftrace_ops, filter and
# registration of its function; for v1, probe and filter of its 2
# functions not redirected yet, then their ftrace_ops, filters and
# registrations (its third function stacks on the one below: with direct calls,
# after that function's switch to its slow trampoline).
test_coming_twice() {
	start
	load_patch $LP
	load_patch $V1
	walk "module coming under two patches" insmod_target \
		target_refused_twice target_patched_twice remove_target \
		$((16 + $(direct_steps 1)))
	finish_clean $V1 $LP
}

# test_lg_callbacks in its transition, held up by test_lg_busy's kthread:
# a module that comes meanwhile is patched for the tasks that moved, and
# a failure leaves the transition as it was. Its 6 steps: the record of
# the module coming; probe and filter of its function; its ftrace_ops,
# filter and registration.
test_coming_in_transition() {
	start
	echo 0 >"$PARAMS/signal_delay_ms"
	load_mod test_lg_busy
	load_mod $LP
	loop_until "grep -q test_lg_busy_sleep $(patch_dir $LP)/pending" ||
		die "transition not held up"
	walk "module coming during a transition" insmod_target \
		target_refused_in_transition target_patched_in_transition \
		remove_target_in_transition 6
	echo 0 >"$(patch_dir $LP)/enabled"
	loop_until "[ ! -e $(patch_dir $LP) ]" || die "patch $LP not freed"
	unload_mod $LP
	unload_mod test_lg_busy
	same_counts "$fresh"
}

# A replace patch over v1, with nops: v1 stays as it was. Its 25 steps:
# the record of v2 coming; try_module_get(); the patch, its object and
# function; an object for vmlinux's nop (and its description); 3 nops
# (each with a description and a name: 9); sysfs (7); the universe table
# and its first chunk. Its functions are redirected already: no probe, no
# ftrace_ops; with direct calls the 4 stacks go slow before their nops join.
test_replace() {
	start target
	load_patch $V1
	walk replace insmod_v2 v2_refused v2_replaced back_to_v1 \
		$((25 + $(direct_steps 4)))
	finish_clean $V1
}

# A patch with relocations in vmlinux and a loaded module. Its 19 steps:
# the record of the patch coming; try_module_get(); the patch, 2 objects
# and 1 function; the probe and filter of its function; the writes of the
# 2 objects' relocations; sysfs (4); the universe table and its first
# chunk; the function's ftrace_ops, filter and registration.
test_reloc_enable() {
	kallsyms_has_data ||
		skip "kallsyms has no variables of a live module (test-reloc.sh)"
	start
	load_mod $RT
	fresh=$(counts)
	walk "enable with relocations" insmod_rp rp_refused rp_applied \
		remove_rp 19
	same_counts "$fresh"
}

# Its module loads after the patch: 7 steps, the record of the module
# coming; probe and filter of its function; the write of its
# relocations; its ftrace_ops, filter and registration.
test_reloc_coming() {
	start
	load_patch $RP
	walk "module coming with relocations" insmod_rt rt_refused \
		rt_patched remove_rt 7
	finish_clean $RP
}

run_test "each step of loading livegraft fails cleanly" test_load
run_test "each step of enabling a patch fails cleanly" test_enable
run_test "a disable that cannot start leaves the patch enabled" test_disable
run_test "each step of patching a coming module fails cleanly" test_coming
run_test "each step of patching a coming module under two patches fails cleanly" test_coming_twice
run_test "each step of patching a coming module during a transition fails cleanly" test_coming_in_transition
run_test "each step of a replace patch fails cleanly" test_replace
run_test "each step of enabling a patch with relocations fails cleanly" test_reloc_enable
run_test "each step of relocating a coming module fails cleanly" test_reloc_coming
finish
