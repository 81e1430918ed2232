#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317 # scenarios are called through run_test
#
# Patch modules written for the kernel's livepatch, run on livegraft: the
# kernel's own samples and selftest modules (samples/livepatch, and
# lib/livepatch or, from 6.10, tools/testing/selftests/livepatch/
# test_modules), taken unmodified from Debian's linux-source and built
# against livegraft's <linux/livepatch.h> (make extmod). The scenarios
# are those of the kernel's test-livepatch.sh (atomic replace),
# test-callbacks.sh, test-state.sh and test-shadow-vars.sh, each with the
# transcript the kernel expects, in livegraft's words.

# shellcheck source=selftests/functions.sh
. "$(dirname "$0")/functions.sh"

PATCHED="this has been live patched"
TARGET=test_klp_callbacks_mod
DEMO=test_klp_callbacks_demo
DEMO2=test_klp_callbacks_demo2
BUSY=test_klp_callbacks_busy
STATE=test_klp_state
STATE2=test_klp_state2
STATE3=test_klp_state3
SHADOW=test_klp_shadow_vars

# enabling(patch, callbacks before start, callbacks after completion)
# - the log of a patch enabling, as in transcript_enable of test-patch.sh
enabling() {
	echo "livegraft: enabling patch '$1'
livegraft: '$1': initializing patching transition${2:+
$2}
livegraft: '$1': starting patching transition
livegraft: '$1': completing patching transition${3:+
$3}
livegraft: '$1': patching complete"
}

# disabling(patch, callbacks before start, callbacks after completion)
disabling() {
	echo "% echo 0 > $LG_SYSFS/$1/enabled
livegraft: '$1': initializing unpatching transition${2:+
$2}
livegraft: '$1': starting unpatching transition
livegraft: '$1': completing unpatching transition${3:+
$3}
livegraft: '$1': unpatching complete"
}

# show(file) - what a patched /proc file says, into the transcript
show() {
	grep "$PATCHED" "$1" >/dev/kmsg || true
}

# The kernel's sample patch module: /proc/cmdline changes, and back.
test_sample() {
	load_livegraft
	orig=$(cat /proc/cmdline)
	load_patch livepatch-sample
	assert_eq /proc/cmdline "$PATCHED" "$(cat /proc/cmdline)"
	check_value "$(patch_dir livepatch-sample)/enabled" 1
	[ -d "$(patch_dir livepatch-sample)/vmlinux/cmdline_proc_show,1" ] ||
		die "no function directory: $(ls -R "$(patch_dir livepatch-sample)")"
	[ ! -e /sys/kernel/livepatch/livepatch_sample ] ||
		die "the kernel's livepatch has the patch"
	! grep ' klp_' /proc/kallsyms | grep -q '\[livegraft\]' ||
		die "livegraft has klp_ symbols: $(grep ' klp_' /proc/kallsyms | grep '\[livegraft\]')"
	disable_patch livepatch-sample
	unload_mod livepatch-sample
	assert_eq /proc/cmdline "$orig" "$(cat /proc/cmdline)"
}

KMEMLEAK=/sys/kernel/debug/kmemleak

# kmemleak_pass() - on make check-debug's kernel, what kmemleak reports now
# (an object younger than 5 s only on the second scan)
kmemleak_pass() {
	echo scan >"$KMEMLEAK"
	sleep 6
	echo scan >"$KMEMLEAK"
	cat "$KMEMLEAK"
}

# kmemleak_sample_only(lo, hi) - every object kmemleak reports was
# allocated by code in [lo, hi), the unloaded livepatch-shadow-mod: its
# deliberate leaks, forgotten then; anything else fails
kmemleak_sample_only() {
	kmemleak_pass >"$LG_TMP/kmemleak"
	# The first frame after the allocator's, raw: the module is gone.
	for addr in $(awk '/^unreferenced object/ { n = 0 }
		/^    \[</ && ++n == 2 { print $2 }' "$LG_TMP/kmemleak"); do
		case $addr in 0x*) ;; *) die "kmemleak: a leak from $addr: $(cat "$LG_TMP/kmemleak")" ;; esac
		[ $((addr)) -ge $(($1)) ] && [ $((addr)) -lt $(($2)) ] ||
			die "kmemleak: a leak from $addr: $(cat "$LG_TMP/kmemleak")"
	done
	echo clear >"$KMEMLEAK"
}

# The kernel's shadow variable samples: livepatch-shadow-mod leaks the
# memory of each object it frees; fix1 attaches a shadow variable to each
# new object that its free then releases, fix2 stacks on it and counts
# what it frees in a second shadow variable. Both run, then both go. On
# make check-debug's kernel, the sample's own leaks (before fix1 and after
# it) are told apart from any other: nothing may leak before it loads, and
# what leaks while it is loaded must come from its code.
test_shadow_samples() {
	if [ -e "$KMEMLEAK" ]; then
		out=$(kmemleak_pass)
		[ -z "$out" ] || die "kmemleak, before the samples: $out"
	fi
	load_livegraft
	load_mod livepatch-shadow-mod
	lo=$(cat /sys/module/livepatch_shadow_mod/sections/.text)
	hi=$((lo + $(cat /sys/module/livepatch_shadow_mod/coresize)))
	load_patch livepatch-shadow-fix1
	loop_until "dmesg | grep -q 'livepatch_shadow_fix1: .*: dummy @ .*, prevented leak'" ||
		die "fix1 never released a leak"
	load_patch livepatch-shadow-fix2
	loop_until "dmesg | grep -q 'livepatch_shadow_fix2: .*: dummy @ .*, check counter'" ||
		die "fix2 never counted"
	disable_patch livepatch-shadow-fix2
	disable_patch livepatch-shadow-fix1
	unload_mod livepatch-shadow-fix2
	unload_mod livepatch-shadow-fix1
	unload_mod livepatch-shadow-mod
	[ -e "$KMEMLEAK" ] && kmemleak_sample_only "$lo" "$hi"
	return 0
}

# test-livepatch.sh "atomic replace livepatch": a replace patch of
# /proc/meminfo supersedes the /proc/cmdline one, which goes back to the
# original code; its module can go without a write to enabled.
test_atomic_replace() {
	load_livegraft
	load_patch test_klp_livepatch
	show /proc/cmdline
	show /proc/meminfo
	load_patch test_klp_atomic_replace replace=1
	show /proc/cmdline
	show /proc/meminfo
	unload_replaced test_klp_livepatch
	show /proc/cmdline
	show /proc/meminfo
	disable_patch test_klp_atomic_replace
	unload_mod test_klp_atomic_replace
	show /proc/cmdline
	show /proc/meminfo
	check_result "% insmod livegraft
$(livegraft_loaded_line)
% insmod test_klp_livepatch
$(enabling test_klp_livepatch)
test_klp_livepatch: $PATCHED
% insmod test_klp_atomic_replace replace=1
$(enabling test_klp_atomic_replace "" \
	"livegraft: 'test_klp_livepatch': replaced by 'test_klp_atomic_replace'")
test_klp_atomic_replace: $PATCHED
% rmmod test_klp_livepatch
test_klp_atomic_replace: $PATCHED
$(disabling test_klp_atomic_replace)
% rmmod test_klp_atomic_replace"
}

# The same without replace: both patches stay.
test_no_replace() {
	load_livegraft
	load_patch test_klp_livepatch
	load_patch test_klp_atomic_replace replace=0
	show /proc/cmdline
	show /proc/meminfo
	disable_patch test_klp_atomic_replace
	disable_patch test_klp_livepatch
	check_result "% insmod livegraft
$(livegraft_loaded_line)
% insmod test_klp_livepatch
$(enabling test_klp_livepatch)
% insmod test_klp_atomic_replace replace=0
$(enabling test_klp_atomic_replace)
test_klp_livepatch: $PATCHED
test_klp_atomic_replace: $PATCHED
$(disabling test_klp_atomic_replace)
$(disabling test_klp_livepatch)"
}

# test-callbacks.sh "target module before livepatch": callbacks see the
# module object's module (klp_object.mod) and its state.
test_callbacks_target_first() {
	load_livegraft
	load_mod $TARGET
	load_patch $DEMO
	disable_patch $DEMO
	unload_mod $DEMO
	unload_mod $TARGET
	live="$TARGET -> [MODULE_STATE_LIVE] Normal state"
	check_result "% insmod livegraft
$(livegraft_loaded_line)
% insmod $TARGET
$TARGET: ${TARGET}_init
% insmod $DEMO
$(enabling $DEMO "$DEMO: pre_patch_callback: vmlinux
$DEMO: pre_patch_callback: $live" "$DEMO: post_patch_callback: vmlinux
$DEMO: post_patch_callback: $live")
$(disabling $DEMO "$DEMO: pre_unpatch_callback: vmlinux
$DEMO: pre_unpatch_callback: $live" "$DEMO: post_unpatch_callback: vmlinux
$DEMO: post_unpatch_callback: $live")
% rmmod $DEMO
% rmmod $TARGET
$TARGET: ${TARGET}_exit"
}

# test-callbacks.sh "module_coming and module_going notifiers": the
# target module loads and goes while the patch is enabled.
test_callbacks_coming_going() {
	load_livegraft
	load_patch $DEMO
	load_mod $TARGET
	unload_mod $TARGET
	disable_patch $DEMO
	unload_mod $DEMO
	check_result "% insmod livegraft
$(livegraft_loaded_line)
% insmod $DEMO
$(enabling $DEMO "$DEMO: pre_patch_callback: vmlinux" \
	"$DEMO: post_patch_callback: vmlinux")
% insmod $TARGET
livegraft: '$DEMO': applying patch to loading module '$TARGET'
$DEMO: pre_patch_callback: $TARGET -> [MODULE_STATE_COMING] Full formed, running module_init
$DEMO: post_patch_callback: $TARGET -> [MODULE_STATE_COMING] Full formed, running module_init
$TARGET: ${TARGET}_init
% rmmod $TARGET
$TARGET: ${TARGET}_exit
$DEMO: pre_unpatch_callback: $TARGET -> [MODULE_STATE_GOING] Going away
livegraft: '$DEMO': reverting patch on unloading module '$TARGET'
$DEMO: post_unpatch_callback: $TARGET -> [MODULE_STATE_GOING] Going away
$(disabling $DEMO "$DEMO: pre_unpatch_callback: vmlinux" \
	"$DEMO: post_unpatch_callback: vmlinux")
% rmmod $DEMO"
}

# vm(callback) - a callback's line for vmlinux
vm() {
	echo "$DEMO: $1_callback: vmlinux"
}

# on(callback, module, state) - a callback's line for a module object
on() {
	case $3 in
	LIVE) s="[MODULE_STATE_LIVE] Normal state" ;;
	COMING) s="[MODULE_STATE_COMING] Full formed, running module_init" ;;
	GOING) s="[MODULE_STATE_GOING] Going away" ;;
	esac
	echo "$DEMO: $1_callback: $2 -> $s"
}

# target_coming() - the target module loads while the patch is enabled
target_coming() {
	echo "livegraft: '$DEMO': applying patch to loading module '$TARGET'
$(on pre_patch $TARGET COMING)
$(on post_patch $TARGET COMING)
$TARGET: ${TARGET}_init"
}

# target_going() - and goes
target_going() {
	echo "% rmmod $TARGET
$TARGET: ${TARGET}_exit
$(on pre_unpatch $TARGET GOING)
livegraft: '$DEMO': reverting patch on unloading module '$TARGET'
$(on post_unpatch $TARGET GOING)"
}

# test-callbacks.sh "module_coming notifier"
test_callbacks_coming() {
	load_livegraft
	load_patch $DEMO
	load_mod $TARGET
	disable_patch $DEMO
	unload_mod $DEMO
	unload_mod $TARGET
	check_result "% insmod livegraft
$(livegraft_loaded_line)
% insmod $DEMO
$(enabling $DEMO "$(vm pre_patch)" "$(vm post_patch)")
% insmod $TARGET
$(target_coming)
$(disabling $DEMO "$(vm pre_unpatch)
$(on pre_unpatch $TARGET LIVE)" "$(vm post_unpatch)
$(on post_unpatch $TARGET LIVE)")
% rmmod $DEMO
% rmmod $TARGET
$TARGET: ${TARGET}_exit"
}

# test-callbacks.sh "module_going notifier"
test_callbacks_going() {
	load_livegraft
	load_mod $TARGET
	load_patch $DEMO
	unload_mod $TARGET
	disable_patch $DEMO
	unload_mod $DEMO
	check_result "% insmod livegraft
$(livegraft_loaded_line)
% insmod $TARGET
$TARGET: ${TARGET}_init
% insmod $DEMO
$(enabling $DEMO "$(vm pre_patch)
$(on pre_patch $TARGET LIVE)" "$(vm post_patch)
$(on post_patch $TARGET LIVE)")
$(target_going)
$(disabling $DEMO "$(vm pre_unpatch)" "$(vm post_unpatch)")
% rmmod $DEMO"
}

# test-callbacks.sh "target module not present"
test_callbacks_no_target() {
	load_livegraft
	load_patch $DEMO
	disable_patch $DEMO
	unload_mod $DEMO
	check_result "% insmod livegraft
$(livegraft_loaded_line)
% insmod $DEMO
$(enabling $DEMO "$(vm pre_patch)" "$(vm post_patch)")
$(disabling $DEMO "$(vm pre_unpatch)" "$(vm post_unpatch)")
% rmmod $DEMO"
}

# test-callbacks.sh "pre-patch callback -ENODEV": the patch is refused,
# nothing stays.
test_callbacks_pre_patch_fails() {
	load_livegraft
	load_mod $TARGET
	load_failing_mod $DEMO pre_patch_ret=-19
	unload_mod $TARGET
	check_result "% insmod livegraft
$(livegraft_loaded_line)
% insmod $TARGET
$TARGET: ${TARGET}_init
% insmod $DEMO pre_patch_ret=-19
livegraft: enabling patch '$DEMO'
livegraft: '$DEMO': initializing patching transition
$(vm pre_patch)
livegraft: '$DEMO': pre-patch callback failed for object 'vmlinux'
livegraft: failed to enable patch '$DEMO'
livegraft: '$DEMO': canceling patching transition, going to unpatch
livegraft: '$DEMO': completing unpatching transition
livegraft: '$DEMO': unpatching complete
insmod: ERROR: could not insert module $LG_MODDIR/$DEMO.ko: No such device
% rmmod $TARGET
$TARGET: ${TARGET}_exit"
}

# test-callbacks.sh "module_coming + pre-patch callback -ENODEV": the
# target module's load is refused, the patch stays.
test_callbacks_coming_fails() {
	load_livegraft
	load_patch $DEMO
	log "% echo -19 > /sys/module/$DEMO/parameters/pre_patch_ret"
	echo -19 >/sys/module/$DEMO/parameters/pre_patch_ret
	load_failing_mod $TARGET
	disable_patch $DEMO
	unload_mod $DEMO
	check_result "% insmod livegraft
$(livegraft_loaded_line)
% insmod $DEMO
$(enabling $DEMO "$(vm pre_patch)" "$(vm post_patch)")
% echo -19 > /sys/module/$DEMO/parameters/pre_patch_ret
% insmod $TARGET
livegraft: '$DEMO': applying patch to loading module '$TARGET'
$(on pre_patch $TARGET COMING)
livegraft: '$DEMO': pre-patch callback failed for object '$TARGET'
livegraft: '$DEMO': patch failed for module '$TARGET', refusing to load module '$TARGET'
insmod: ERROR: could not insert module $LG_MODDIR/$TARGET.ko: No such device
$(disabling $DEMO "$(vm pre_unpatch)" "$(vm post_unpatch)")
% rmmod $DEMO"
}

# test-callbacks.sh "multiple target modules"
test_callbacks_targets() {
	load_livegraft
	load_mod $BUSY block_transition=N
	load_patch $DEMO
	load_mod $TARGET
	unload_mod $TARGET
	disable_patch $DEMO
	unload_mod $DEMO
	unload_mod $BUSY
	check_result "% insmod livegraft
$(livegraft_loaded_line)
% insmod $BUSY block_transition=N
$BUSY: ${BUSY}_init
$BUSY: busymod_work_func enter
$BUSY: busymod_work_func exit
% insmod $DEMO
$(enabling $DEMO "$(vm pre_patch)
$(on pre_patch $BUSY LIVE)" "$(vm post_patch)
$(on post_patch $BUSY LIVE)")
% insmod $TARGET
$(target_coming)
$(target_going)
$(disabling $DEMO "$(vm pre_unpatch)
$(on pre_unpatch $BUSY LIVE)" "$(vm post_unpatch)
$(on post_unpatch $BUSY LIVE)")
% rmmod $DEMO
% rmmod $BUSY
$BUSY: ${BUSY}_exit"
}

# test-callbacks.sh "busy target module": a module loading and going
# while the transition runs gets no post_patch nor pre_unpatch; the
# transition, reversed, runs the final post_unpatch callbacks only.
test_callbacks_busy() {
	load_livegraft
	# The transition stalls on purpose; after signal_delay_ms livegraft
	# would report it, a line the kernel's transcript has no place for,
	# and whether it comes before the disable is timing (a debug kernel
	# under TCG is slow enough). test-transition.sh tests the report.
	echo 0 >/sys/module/livegraft/parameters/signal_delay_ms
	load_mod $BUSY block_transition=Y
	load_mod $DEMO
	loop_until "grep -q '^1\$' $(patch_dir $DEMO)/transition" ||
		die "failed to stall transition"
	load_mod $TARGET
	unload_mod $TARGET
	disable_patch $DEMO
	unload_mod $DEMO
	unload_mod $BUSY
	check_result "% insmod livegraft
$(livegraft_loaded_line)
% insmod $BUSY block_transition=Y
$BUSY: ${BUSY}_init
$BUSY: busymod_work_func enter
% insmod $DEMO
livegraft: enabling patch '$DEMO'
livegraft: '$DEMO': initializing patching transition
$(vm pre_patch)
$(on pre_patch $BUSY LIVE)
livegraft: '$DEMO': starting patching transition
% insmod $TARGET
livegraft: '$DEMO': applying patch to loading module '$TARGET'
$(on pre_patch $TARGET COMING)
$TARGET: ${TARGET}_init
% rmmod $TARGET
$TARGET: ${TARGET}_exit
livegraft: '$DEMO': reverting patch on unloading module '$TARGET'
$(on post_unpatch $TARGET GOING)
% echo 0 > $LG_SYSFS/$DEMO/enabled
livegraft: '$DEMO': reversing transition from patching to unpatching
livegraft: '$DEMO': starting unpatching transition
livegraft: '$DEMO': completing unpatching transition
$(vm post_unpatch)
$(on post_unpatch $BUSY LIVE)
livegraft: '$DEMO': unpatching complete
% rmmod $DEMO
% rmmod $BUSY
$BUSY: busymod_work_func exit
$BUSY: ${BUSY}_exit"
}

# test-callbacks.sh "multiple livepatches"
test_callbacks_multiple() {
	load_livegraft
	load_patch $DEMO
	load_patch $DEMO2
	disable_patch $DEMO2
	disable_patch $DEMO
	unload_mod $DEMO2
	unload_mod $DEMO
	check_result "% insmod livegraft
$(livegraft_loaded_line)
% insmod $DEMO
$(enabling $DEMO "$DEMO: pre_patch_callback: vmlinux" \
	"$DEMO: post_patch_callback: vmlinux")
% insmod $DEMO2
$(enabling $DEMO2 "$DEMO2: pre_patch_callback: vmlinux" \
	"$DEMO2: post_patch_callback: vmlinux")
$(disabling $DEMO2 "$DEMO2: pre_unpatch_callback: vmlinux" \
	"$DEMO2: post_unpatch_callback: vmlinux")
$(disabling $DEMO "$DEMO: pre_unpatch_callback: vmlinux" \
	"$DEMO: post_unpatch_callback: vmlinux")
% rmmod $DEMO2
% rmmod $DEMO"
}

# test-callbacks.sh "atomic replace": the replaced patch gets no unpatch
# callback, the replace patch all of its own.
test_callbacks_replace() {
	load_livegraft
	load_patch $DEMO
	load_patch $DEMO2 replace=1
	disable_patch $DEMO2
	unload_mod $DEMO2
	unload_replaced $DEMO
	check_result "% insmod livegraft
$(livegraft_loaded_line)
% insmod $DEMO
$(enabling $DEMO "$DEMO: pre_patch_callback: vmlinux" \
	"$DEMO: post_patch_callback: vmlinux")
% insmod $DEMO2 replace=1
$(enabling $DEMO2 "$DEMO2: pre_patch_callback: vmlinux" \
	"livegraft: '$DEMO': replaced by '$DEMO2'
$DEMO2: post_patch_callback: vmlinux")
$(disabling $DEMO2 "$DEMO2: pre_unpatch_callback: vmlinux" \
	"$DEMO2: post_unpatch_callback: vmlinux")
% rmmod $DEMO2
% rmmod $DEMO"
}

# state_enable(patch, allocate line, fix line) - test_klp_state*'s
# callbacks around enabling
state_enable() {
	enabling "$1" "$1: pre_patch_callback: vmlinux
$1: allocate_loglevel_state: $2" "$4$1: post_patch_callback: vmlinux
$1: fix_console_loglevel: $3"
}

# state_disable(patch) - and around disabling
state_disable() {
	disabling "$1" "$1: pre_unpatch_callback: vmlinux
$1: restore_console_loglevel: restoring console_loglevel" \
	"$1: post_unpatch_callback: vmlinux
$1: free_loglevel_state: freeing space for the stored console_loglevel"
}

ALLOC="allocating space to store console_loglevel"
HAVE="space to store console_loglevel already allocated"
FIX="fixing console_loglevel"
TAKE="taking over the console_loglevel change"

# test-state.sh "system state modification"
test_state() {
	load_livegraft
	load_patch $STATE
	disable_patch $STATE
	unload_mod $STATE
	check_result "% insmod livegraft
$(livegraft_loaded_line)
% insmod $STATE
$(state_enable $STATE "$ALLOC" "$FIX")
$(state_disable $STATE)
% rmmod $STATE"
}

# test-state.sh "taking over system state modification": the cumulative
# successor finds the state (lg_get_prev_state()) and takes it over.
test_state_take_over() {
	load_livegraft
	load_patch $STATE
	load_patch $STATE2
	unload_replaced $STATE
	disable_patch $STATE2
	unload_mod $STATE2
	check_result "% insmod livegraft
$(livegraft_loaded_line)
% insmod $STATE
$(state_enable $STATE "$ALLOC" "$FIX")
% insmod $STATE2
$(state_enable $STATE2 "$HAVE" "$TAKE" "livegraft: '$STATE': replaced by '$STATE2'
")
% rmmod $STATE
$(state_disable $STATE2)
% rmmod $STATE2"
}

# test-state.sh "compatible cumulative livepatches"
test_state_compatible() {
	load_livegraft
	load_patch $STATE2
	load_patch $STATE3
	unload_replaced $STATE2
	load_patch $STATE2
	disable_patch $STATE2
	unload_mod $STATE2
	unload_replaced $STATE3
	check_result "% insmod livegraft
$(livegraft_loaded_line)
% insmod $STATE2
$(state_enable $STATE2 "$ALLOC" "$FIX")
% insmod $STATE3
$(state_enable $STATE3 "$HAVE" "$TAKE" "livegraft: '$STATE2': replaced by '$STATE3'
")
% rmmod $STATE2
% insmod $STATE2
$(state_enable $STATE2 "$HAVE" "$TAKE" "livegraft: '$STATE3': replaced by '$STATE2'
")
$(state_disable $STATE2)
% rmmod $STATE2
% rmmod $STATE3"
}

# test-state.sh "incompatible cumulative livepatches": a patch with an
# older version of a state is refused, the installed one untouched.
test_state_incompatible() {
	load_livegraft
	load_patch $STATE2
	load_failing_mod $STATE
	disable_patch $STATE2
	unload_mod $STATE2
	check_result "% insmod livegraft
$(livegraft_loaded_line)
% insmod $STATE2
$(state_enable $STATE2 "$ALLOC" "$FIX")
% insmod $STATE
livegraft: '$STATE': refused: system state 1 at version 1, lower than version 2 of patch '$STATE2'
insmod: ERROR: could not insert module $LG_MODDIR/$STATE.ko: Invalid argument
$(state_disable $STATE2)
% rmmod $STATE2"
}

# test-shadow-vars.sh "basic shadow variable API": the test module
# numbers pointers in the order it meets them, so that the transcript is
# the kernel's own, word for word.
test_shadow_vars() {
	load_livegraft
	load_mod $SHADOW
	unload_mod $SHADOW
	check_result "% insmod livegraft
$(livegraft_loaded_line)
% insmod $SHADOW
$SHADOW: klp_shadow_get(obj=PTR1, id=0x1234) = PTR0
$SHADOW:   got expected NULL result
$SHADOW: shadow_ctor: PTR3 -> PTR2
$SHADOW: klp_shadow_get_or_alloc(obj=PTR1, id=0x1234, size=8, gfp_flags=GFP_KERNEL), ctor=PTR4, ctor_data=PTR2 = PTR3
$SHADOW: shadow_ctor: PTR6 -> PTR5
$SHADOW: klp_shadow_alloc(obj=PTR1, id=0x1235, size=8, gfp_flags=GFP_KERNEL), ctor=PTR4, ctor_data=PTR5 = PTR6
$SHADOW: shadow_ctor: PTR8 -> PTR7
$SHADOW: klp_shadow_alloc(obj=PTR9, id=0x1234, size=8, gfp_flags=GFP_KERNEL), ctor=PTR4, ctor_data=PTR7 = PTR8
$SHADOW: shadow_ctor: PTR11 -> PTR10
$SHADOW: klp_shadow_alloc(obj=PTR9, id=0x1235, size=8, gfp_flags=GFP_KERNEL), ctor=PTR4, ctor_data=PTR10 = PTR11
$SHADOW: shadow_ctor: PTR13 -> PTR12
$SHADOW: klp_shadow_get_or_alloc(obj=PTR14, id=0x1234, size=8, gfp_flags=GFP_KERNEL), ctor=PTR4, ctor_data=PTR12 = PTR13
$SHADOW: shadow_ctor: PTR16 -> PTR15
$SHADOW: klp_shadow_alloc(obj=PTR14, id=0x1235, size=8, gfp_flags=GFP_KERNEL), ctor=PTR4, ctor_data=PTR15 = PTR16
$SHADOW: klp_shadow_get(obj=PTR1, id=0x1234) = PTR3
$SHADOW:   got expected PTR3 -> PTR2 result
$SHADOW: klp_shadow_get(obj=PTR1, id=0x1235) = PTR6
$SHADOW:   got expected PTR6 -> PTR5 result
$SHADOW: klp_shadow_get(obj=PTR9, id=0x1234) = PTR8
$SHADOW:   got expected PTR8 -> PTR7 result
$SHADOW: klp_shadow_get(obj=PTR9, id=0x1235) = PTR11
$SHADOW:   got expected PTR11 -> PTR10 result
$SHADOW: klp_shadow_get(obj=PTR14, id=0x1234) = PTR13
$SHADOW:   got expected PTR13 -> PTR12 result
$SHADOW: klp_shadow_get(obj=PTR14, id=0x1235) = PTR16
$SHADOW:   got expected PTR16 -> PTR15 result
$SHADOW: klp_shadow_get_or_alloc(obj=PTR1, id=0x1234, size=8, gfp_flags=GFP_KERNEL), ctor=PTR4, ctor_data=PTR2 = PTR3
$SHADOW:   got expected PTR3 -> PTR2 result
$SHADOW: klp_shadow_get_or_alloc(obj=PTR9, id=0x1234, size=8, gfp_flags=GFP_KERNEL), ctor=PTR4, ctor_data=PTR7 = PTR8
$SHADOW:   got expected PTR8 -> PTR7 result
$SHADOW: klp_shadow_get_or_alloc(obj=PTR14, id=0x1234, size=8, gfp_flags=GFP_KERNEL), ctor=PTR4, ctor_data=PTR12 = PTR13
$SHADOW:   got expected PTR13 -> PTR12 result
$SHADOW: shadow_dtor(obj=PTR1, shadow_data=PTR3)
$SHADOW: klp_shadow_free(obj=PTR1, id=0x1234, dtor=PTR17)
$SHADOW: klp_shadow_get(obj=PTR1, id=0x1234) = PTR0
$SHADOW:   got expected NULL result
$SHADOW: shadow_dtor(obj=PTR9, shadow_data=PTR8)
$SHADOW: klp_shadow_free(obj=PTR9, id=0x1234, dtor=PTR17)
$SHADOW: klp_shadow_get(obj=PTR9, id=0x1234) = PTR0
$SHADOW:   got expected NULL result
$SHADOW: shadow_dtor(obj=PTR14, shadow_data=PTR13)
$SHADOW: klp_shadow_free(obj=PTR14, id=0x1234, dtor=PTR17)
$SHADOW: klp_shadow_get(obj=PTR14, id=0x1234) = PTR0
$SHADOW:   got expected NULL result
$SHADOW: klp_shadow_get(obj=PTR1, id=0x1235) = PTR6
$SHADOW:   got expected PTR6 -> PTR5 result
$SHADOW: klp_shadow_get(obj=PTR9, id=0x1235) = PTR11
$SHADOW:   got expected PTR11 -> PTR10 result
$SHADOW: klp_shadow_get(obj=PTR14, id=0x1235) = PTR16
$SHADOW:   got expected PTR16 -> PTR15 result
$SHADOW: klp_shadow_free_all(id=0x1235, dtor=PTR0)
$SHADOW: klp_shadow_get(obj=PTR1, id=0x1235) = PTR0
$SHADOW:   got expected NULL result
$SHADOW: klp_shadow_get(obj=PTR9, id=0x1235) = PTR0
$SHADOW:   got expected NULL result
$SHADOW: klp_shadow_get(obj=PTR14, id=0x1235) = PTR0
$SHADOW:   got expected NULL result
% rmmod $SHADOW"
}

# test-syscall.sh "patch getpid syscall while being heavily hammered"
# (its module exists from 6.10 on): tasks calling getpid() in a loop
# reach the new code, which counts them down.
test_syscall() {
	[ -f "$LG_MODDIR/test_klp_syscall.ko" ] ||
		skip "test_klp_syscall is not in this kernel's sources (6.10 and later)"
	# Open: on arm64 6.12 the guest froze twice in this scenario (once
	# in a full run of the collection, once alone under heavy host
	# load), with no watchdog or RCU report at all; 46 runs since passed.
	# Skipped there until a frozen guest is caught with the gdb stub
	# (Documentation/testing.md, "Debugging a guest").
	[ "$(uname -m)" != aarch64 ] ||
		skip "arm64: the getpid hammers once never moved (open, see the notes)"
	load_livegraft
	pids=
	for _ in 1 2; do
		test_klp-call_getpid &
		pids="$pids${pids:+,}$!"
	done
	load_patch test_klp_syscall klp_pids=$pids
	loop_until "grep -q '^0\$' /sys/kernel/test_klp_syscall/npids"
	left=$(cat /sys/kernel/test_klp_syscall/npids)
	log "test_klp_syscall: Remaining not livepatched processes: $left"
	for p in $(echo "$pids" | tr , " "); do
		grep -s "^State" "/proc/$p/status" | sed "s/^/# $p: /"
		kill "$p"
	done
	[ "$left" = 0 ] || die "processes never reached the new getpid: $left"
	disable_patch test_klp_syscall
	unload_mod test_klp_syscall
	check_result "% insmod livegraft
$(livegraft_loaded_line)
% insmod test_klp_syscall klp_pids=$pids
$(enabling test_klp_syscall)
test_klp_syscall: Remaining not livepatched processes: 0
$(disabling test_klp_syscall)
% rmmod test_klp_syscall"
}

run_test "the kernel's sample patch module" test_sample
run_test "the kernel's shadow variable samples" test_shadow_samples
run_test "atomic replace livepatch" test_atomic_replace
run_test "multiple livepatches, no replace" test_no_replace
run_test "callbacks: target module before livepatch" test_callbacks_target_first
run_test "callbacks: module_coming notifier" test_callbacks_coming
run_test "callbacks: module_going notifier" test_callbacks_going
run_test "callbacks: module_coming and module_going notifiers" test_callbacks_coming_going
run_test "callbacks: target module not present" test_callbacks_no_target
run_test "callbacks: pre-patch callback -ENODEV" test_callbacks_pre_patch_fails
run_test "callbacks: module_coming + pre-patch callback -ENODEV" test_callbacks_coming_fails
run_test "callbacks: multiple target modules" test_callbacks_targets
run_test "callbacks: busy target module" test_callbacks_busy
run_test "callbacks: multiple livepatches" test_callbacks_multiple
run_test "callbacks: atomic replace" test_callbacks_replace
run_test "system state modification" test_state
run_test "taking over system state modification" test_state_take_over
run_test "compatible cumulative livepatches" test_state_compatible
run_test "incompatible cumulative livepatches" test_state_incompatible
run_test "basic shadow variable API" test_shadow_vars
run_test "patch getpid syscall while being heavily hammered" test_syscall
