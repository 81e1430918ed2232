#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317 # scenarios are called through run_test
#
# The direct-call fast path, through ftrace's own view of each patched
# function (enabled_functions: the D flag and the direct-call target).
# Where the kernel has direct calls (x86_64, arm64 6.12), a patched
# function is called through livegraft's fast trampoline (lg_fast_<n>, a
# jump to the top replacement) exactly when no transition covers it, and
# through its slow one (lg_slow_<n>, which asks the task's universe) while
# one does; on arm64 6.1, through livegraft's ftrace handler at all
# times. The consistency stress runs through enable, stacking, replace,
# reversal and disable with the switches, and must see no call mixing the
# universes.

# shellcheck source=selftests/functions.sh
. "$(dirname "$0")/functions.sh"

BUSY=test_lg_busy
LP=test_lg_busy_patch
LP2=test_lg_busy_patch2
P=$LG_SYSFS/$LP
PARAM=/sys/module/$BUSY/parameters
EF=/sys/kernel/tracing/enabled_functions
FUNCS="test_lg_busy_sleep test_lg_busy_nap test_lg_busy_wait"

# By kernel, not by what livegraft built: a fast path left out of the
# build must fail here, not turn into the handler's expectations.
case "$(uname -m) $(uname -r)" in
"aarch64 6.1."*) DIRECT= ;;
*) DIRECT=1 ;;
esac

# mode_of(func) - how ftrace calls a function: fast or slow (livegraft's
# direct trampolines, with the D flag), handler (livegraft's ftrace_ops),
# none, or what it found instead
mode_of() {
	[ -r $EF ] || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
	lines=$(grep -A1 "^$1 " $EF | tr '\n' ' ')
	case $lines in
	"") echo none ;;
	*" D"*"direct-->lg_fast_"[0-9]*"[livegraft]"*) echo fast ;;
	*" D"*"direct-->lg_slow_"[0-9]*"[livegraft]"*) echo slow ;;
	*"lg_ftrace_handler"*"[livegraft]"*) echo handler ;;
	*") R I"*)
		# arm64 6.1's ftrace names no handler: the I flag is all
		# it shows of livegraft's (as livegraft verify says).
		case "$(uname -m) $(uname -r)" in
		"aarch64 6.1."*) echo handler ;;
		*) echo "unexpected: $lines" ;;
		esac ;;
	*) echo "unexpected: $lines" ;;
	esac
}

# expect_mode(mode, funcs...) - each function is called that way; fast and
# slow are "handler" where the kernel has no direct calls
expect_mode() {
	want=$1
	shift
	case $want in
	fast | slow) [ -n "$DIRECT" ] || want=handler ;;
	esac
	for f in "$@"; do
		assert_eq "how ftrace calls $f" "$want" "$(mode_of "$f")"
	done
}

# setup(busy args...) - livegraft with signals off, and test_lg_busy
setup() {
	load_livegraft
	echo 0 >/sys/module/livegraft/parameters/signal_delay_ms
	load_mod $BUSY read_block=0 "$@"
}

# hold_in(patch module, 1|0) - the kthread sleeps in (1) or leaves (0)
# that patch's replacement of test_lg_busy_sleep, from its next call
hold_in() {
	echo "$2" >"/sys/module/$1/parameters/block"
	[ "$2" = 0 ] || sleep 0.5
}

# Enable: slow while the kthread in test_lg_busy_sleep holds the
# transition up, fast once it completes. Disable: slow while the kthread
# holds it up in the replacement, gone once it completes.
test_enable_disable() {
	setup
	load_mod $LP
	loop_until "grep -q test_lg_busy_sleep $P/pending" || die "not held up"
	expect_mode slow $FUNCS
	echo 0 >$PARAM/block
	wait_transition $LP
	expect_mode fast $FUNCS
	assert_eq "what the patched reader reads" patched "$(cat /proc/$BUSY)"

	hold_in $LP 1
	log "% echo 0 > $P/enabled"
	echo 0 >"$P/enabled"
	check_value "$P/transition" 1
	loop_until "grep -q test_lg_busy_sleep $P/pending" || die "not held up"
	expect_mode slow $FUNCS
	hold_in $LP 0
	loop_until "[ ! -e $P ]" || die "patch not freed"
	expect_mode none $FUNCS
	assert_eq "what the reader reads" unpatched "$(cat /proc/$BUSY)"
}

# A reversed unpatching: slow from its start, through the reversal, fast
# once it completes as a patching.
test_reversal() {
	setup block=0
	load_patch $LP
	expect_mode fast $FUNCS
	hold_in $LP 1
	echo 0 >"$P/enabled"
	loop_until "grep -q test_lg_busy_sleep $P/pending" || die "not held up"
	expect_mode slow $FUNCS
	log "% echo 1 > $P/enabled"
	echo 1 >"$P/enabled"
	wait_transition $LP
	check_value "$P/enabled" 1
	expect_mode fast $FUNCS
	assert_eq "what the patched reader reads" patched "$(cat /proc/$BUSY)"
	hold_in $LP 0
	disable_patch $LP
	expect_mode none $FUNCS
}

# A second patch on the first: slow while its transition is held up in
# the first one's replacement, fast once complete, into the second one's
# replacement (the kthread then sleeps there, holding the second's
# unpatching up); back to the first one's when the second goes.
test_stacking() {
	setup block=0
	load_patch $LP
	hold_in $LP 1
	load_mod $LP2
	loop_until "grep -q test_lg_busy_sleep $LG_SYSFS/$LP2/pending" ||
		die "not held up"
	expect_mode slow $FUNCS
	hold_in $LP 0
	wait_transition $LP2
	expect_mode fast $FUNCS
	hold_in $LP2 1
	log "% echo 0 > $LG_SYSFS/$LP2/enabled"
	echo 0 >"$LG_SYSFS/$LP2/enabled"
	loop_until "grep -q test_lg_busy_sleep $LG_SYSFS/$LP2/pending" ||
		die "the second patch's replacement does not hold its unpatching up"
	expect_mode slow $FUNCS
	hold_in $LP2 0
	loop_until "[ ! -e $LG_SYSFS/$LP2 ]" || die "patch $LP2 not freed"
	expect_mode fast $FUNCS
	hold_in $LP 1
	echo 0 >"$P/enabled"
	loop_until "grep -q test_lg_busy_sleep $P/pending" ||
		die "the first patch's replacement does not hold its unpatching up"
	hold_in $LP 0
	loop_until "[ ! -e $P ]" || die "patch $LP not freed"
	expect_mode none $FUNCS
}

# A replace patch that drops test_lg_busy_sleep: a nop, slow during the
# transition; after it, that function is no longer redirected, the two
# others are fast.
test_replace() {
	setup block=0
	load_patch $LP
	hold_in $LP 1
	load_mod $LP2 replace=1 sleep_too=0
	loop_until "grep -q test_lg_busy_sleep $LG_SYSFS/$LP2/pending" ||
		die "not held up"
	expect_mode slow $FUNCS
	hold_in $LP 0
	wait_transition $LP2
	unload_replaced $LP
	expect_mode none test_lg_busy_sleep
	expect_mode fast test_lg_busy_nap test_lg_busy_wait
	assert_eq "what the patched reader reads" patched "$(cat /proc/$BUSY)"
	disable_patch $LP2
	expect_mode none $FUNCS
}

# With fast_slots=0 every function keeps the ftrace handler, and a
# transition still works.
test_no_slots() {
	[ -n "$DIRECT" ] || skip "no direct calls on $(uname -m) $(uname -r)"
	setup block=0
	echo 0 >/sys/module/livegraft/parameters/fast_slots
	load_patch $LP
	expect_mode handler $FUNCS
	assert_eq "what the patched reader reads" patched "$(cat /proc/$BUSY)"
	disable_patch $LP
	expect_mode none $FUNCS
}

# modes_of(funcs...) - how ftrace calls each function, sorted, one line
modes_of() {
	for f in "$@"; do
		mode_of "$f"
	done | sort | tr '\n' ' '
}

# One slot for three functions: the first takes the fast path, the two
# others the ftrace handler, in one patch. Held up, the one goes slow and
# the handlers ask the universe; completed, it goes fast again; each
# function is redirected all along, and the patch goes away whole.
test_partial_pool() {
	[ -n "$DIRECT" ] || skip "no direct calls on $(uname -m)"
	setup
	echo 1 >/sys/module/livegraft/parameters/fast_slots
	load_mod $LP
	loop_until "grep -q test_lg_busy_sleep $P/pending" || die "not held up"
	assert_eq "how ftrace calls $FUNCS" "handler handler slow " \
		"$(modes_of $FUNCS)"
	echo 0 >$PARAM/block
	wait_transition $LP
	assert_eq "how ftrace calls $FUNCS" "fast handler handler " \
		"$(modes_of $FUNCS)"
	assert_eq "what the patched reader reads" patched "$(cat /proc/$BUSY)"
	disable_patch $LP
	expect_mode none $FUNCS
	assert_eq "what the reader reads" unpatched "$(cat /proc/$BUSY)"
}

# cons_counter(name) - a counter of /proc/test_lg_cons
cons_counter() {
	echo " $(cat /proc/test_lg_cons)" | sed -n "s/.* $1 \([0-9]*\).*/\1/p"
}

# stress(cycles, held, settled) - the consistency stress through every
# switch: kthreads and readers call outer (which calls inner twice) all
# along while patches are enabled, stacked, replaced, reversed and
# disabled; the two functions are called as modes_of says "held" while a
# transition is held up, "settled" after each one completes. No call may mix
# the universes.
stress() {
	cycles=$1
	held=$2
	settled=$3
	echo 200 >/sys/module/livegraft/parameters/signal_delay_ms
	load_mod test_lg_cons threads=4 task_safe=1 holder=1
	readers=
	for _ in 1 2 3; do
		sh -c 'while :; do cat /proc/test_lg_cons >/dev/null; done' &
		readers="$readers $!"
	done
	HOLD=/sys/module/test_lg_cons/parameters/hold
	CF="test_lg_cons_outer test_lg_cons_inner"
	V3=$LG_SYSFS/test_lg_cons_v3
	cycle=0
	while [ $cycle -lt "$cycles" ]; do
		load_patch test_lg_cons_patch
		assert_eq "how ftrace calls $CF" "$settled" "$(modes_of $CF)"
		# Stacking, reversed while held up, then for good.
		echo 1 >$HOLD
		load_mod test_lg_cons_v3
		loop_until "grep -q test_lg_holder $V3/pending" ||
			die "the holder does not hold version 3 up"
		assert_eq "how ftrace calls $CF" "$held" "$(modes_of $CF)"
		echo 0 >"$V3/enabled"
		echo 0 >$HOLD
		loop_until "[ ! -e $V3 ]" || die "version 3 not reversed"
		assert_eq "how ftrace calls $CF" "$settled" "$(modes_of $CF)"
		unload_mod test_lg_cons_v3
		load_patch test_lg_cons_v3
		assert_eq "how ftrace calls $CF" "$settled" "$(modes_of $CF)"
		disable_patch test_lg_cons_v3
		unload_mod test_lg_cons_v3
		assert_eq "how ftrace calls $CF" "$settled" "$(modes_of $CF)"
		# Replace, then disable.
		load_patch test_lg_cons_v4 replace=1
		unload_replaced test_lg_cons_patch
		assert_eq "how ftrace calls $CF" "$settled" "$(modes_of $CF)"
		disable_patch test_lg_cons_v4
		unload_mod test_lg_cons_v4
		expect_mode none $CF
		cycle=$((cycle + 1))
	done
	# shellcheck disable=SC2086 # a list of pids
	kill $readers
	wait 2>/dev/null
	echo "# $(cat /proc/test_lg_cons)"
	assert_eq "calls that mixed old and new code" 0 "$(cons_counter mixed)"
	[ "$(cons_counter new)" -gt 0 ] || die "no call ran a new version"
}

test_stress() {
	load_livegraft
	if [ -n "$DIRECT" ]; then
		stress 3 "slow slow " "fast fast "
	else
		stress 3 "handler handler " "handler handler "
	fi
}

# The same with one slot: outer or inner on the fast path, the other on
# the ftrace handler, so that one call chain crosses both.
test_stress_partial() {
	[ -n "$DIRECT" ] || skip "no direct calls on $(uname -m)"
	load_livegraft
	echo 1 >/sys/module/livegraft/parameters/fast_slots
	stress 1 "handler slow " "fast handler "
}

# args_read(what) - /proc/test_lg_args read through the trampoline of
# "what": each result is the formula of its arguments (test_lg_args.c),
# plus 1000000 where the replacement ran; anything else lost an argument
args_read() {
	b=$(cat /sys/module/test_lg_args/parameters/base)
	a6=$((b + 2 * (b + 1) + 3 * (b + 2) + 4 * (b + 3) + 5 * (b + 4) + 6 * (b + 5)))
	va=0 i=1
	while [ $i -le 8 ]; do
		va=$((va + i * (b + i - 1)))
		i=$((i + 1))
	done
	got=$(cat /proc/test_lg_args)
	case "$1 $got" in
	"unpatched $a6 $va" | "patched $((a6 + 1000000)) $((va + 1000000))") ;;
	"either $a6 $va" | "either $((a6 + 1000000)) $((va + 1000000))") ;;
	*) die "test_lg_args6 and test_lg_args_va ($1, base $b): got '$got'," \
		"want '$a6 $va' unpatched or +1000000 patched" ;;
	esac
}

# args_held() - test_lg_args patched, its transition held up by a reader
# in test_lg_args_hold() (pid in $reader): the functions on their slow
# trampoline
args_held() {
	load_livegraft
	# No signal: it would restart the held read into the replacement.
	echo 0 >/sys/module/livegraft/parameters/signal_delay_ms
	load_mod test_lg_args hold=1
	cat /proc/test_lg_args_hold >/dev/null &
	reader=$!
	args_read unpatched
	load_mod test_lg_args_patch
	loop_until "grep -q test_lg_args_hold $LG_SYSFS/test_lg_args_patch/pending" ||
		die "not held up"
	expect_mode slow test_lg_args6 test_lg_args_va
}

# args_release() - let the reader go and the transition complete
args_release() {
	echo 0 >/sys/module/test_lg_args/parameters/hold
	wait $reader
	wait_transition test_lg_args_patch
}

# args_at(what, bases...) - args_read(what) with each first argument
args_at() {
	what=$1
	shift
	for b in "$@"; do
		echo "$b" >/sys/module/test_lg_args/parameters/base
		args_read "$what"
	done
}

# Six register arguments and varargs spilling onto the stack, through the
# slow trampoline (the task's universe decides: either result, but whole)
# while a reader in test_lg_args_hold() holds the transition up, then
# through the fast one; large bases fill the registers' upper halves.
test_args() {
	args_held
	args_at either 1 -7 4294967296 1099511627776
	args_release
	expect_mode fast test_lg_args6 test_lg_args_va
	args_at patched 3 -1099511627776
	disable_patch test_lg_args_patch
	args_read unpatched
}

# The same beside the function tracer on both functions: ftrace then calls
# its list function first and returns into livegraft's trampoline from
# ftrace_regs_caller, slow and fast, with every argument intact.
test_args_traced() {
	args_held
	t=/sys/kernel/tracing
	echo test_lg_args6 >$t/set_ftrace_filter
	echo test_lg_args_va >>$t/set_ftrace_filter
	echo function >$t/current_tracer
	echo >$t/trace
	args_at either 5 -4294967296
	grep -q "test_lg_args6 <-" $t/trace || die "the function tracer saw no call"
	args_release
	echo >$t/trace
	args_at patched 9 1099511627776
	grep -q "test_lg_args_va <-" $t/trace || die "the function tracer saw no call"
	echo nop >$t/current_tracer
	echo >$t/set_ftrace_filter
	expect_mode fast test_lg_args6 test_lg_args_va
	disable_patch test_lg_args_patch
	args_read unpatched
}

# The same beside a kprobe at test_lg_args6's entry (kprobe_events: no
# post_handler, so no IPMODIFY), where kprobes go through ftrace
# (KPROBES_ON_FTRACE: x86_64): ftrace calls the probe from its list, then
# returns into livegraft's trampoline, slow and fast; every call is probed
# and every argument arrives.
test_args_kprobe() {
	args_held
	t=/sys/kernel/tracing
	echo 'p:lg_kprobe test_lg_args6' >>$t/kprobe_events
	if ! echo 1 >$t/events/kprobes/lg_kprobe/enable; then
		[ "$(uname -m)" = x86_64 ] && die "cannot enable a kprobe on test_lg_args6"
		skip "no kprobe on an ftrace site here (no KPROBES_ON_FTRACE)"
	fi
	args_at either 5 -4294967296
	args_release
	args_at patched 9 1099511627776
	assert_eq "calls the kprobe saw" 4 \
		"$(awk '$1 == "lg_kprobe" { print $2 }' $t/kprobe_profile)"
	echo 0 >$t/events/kprobes/lg_kprobe/enable
	echo '-:lg_kprobe' >>$t/kprobe_events
	expect_mode fast test_lg_args6 test_lg_args_va
	disable_patch test_lg_args_patch
	args_read unpatched
}

run_test "fast outside a transition, slow during enable and disable" test_enable_disable
run_test "fast path: a reversed unpatching" test_reversal
run_test "fast path: stacked patches" test_stacking
run_test "fast path: a replace patch with a nop" test_replace
run_test "fast path: no slots, the ftrace handler" test_no_slots
run_test "fast path: one slot for three functions" test_partial_pool
run_test "fast path: consistency stress through every switch" test_stress
run_test "fast path: consistency stress, one slot for two functions" test_stress_partial
run_test "fast path: six arguments and varargs through both trampolines" test_args
run_test "fast path: arguments intact beside the function tracer" test_args_traced
run_test "fast path: arguments intact beside a kprobe" test_args_kprobe
finish
