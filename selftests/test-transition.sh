#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317 # scenarios are called through run_test
#
# The per-task transition: tasks inside a replaced function hold it up,
# pending says who and why, and each way out works: the task leaves, a
# kthread's lg_task_safe(), a fake signal for a user task (its syscall
# completes normally), reversal. Idle CPUs, CPU-bound loops and a fork
# storm do not hold it up.

# shellcheck source=selftests/functions.sh
. "$(dirname "$0")/functions.sh"

BUSY=test_lg_busy
LP=test_lg_busy_patch
P=$LG_SYSFS/$LP
PARAM=/sys/module/$BUSY/parameters

# setup(busy args...) - livegraft with signals off, and test_lg_busy
setup() {
	load_livegraft
	echo 0 >/sys/module/livegraft/parameters/signal_delay_ms
	load_mod $BUSY "$@"
}

# stat_of(patch, key) - a value from the patch's stats
stat_of() {
	sed -n "s/^$2: //p" "$(patch_dir "$1")/stats"
}

# wait_pending(pattern) - until a line of pending matches
wait_pending() {
	loop_until "grep -q '$1' $P/pending" ||
		die "pending never showed '$1': $(cat $P/pending)"
}

# start_reader() - a user task reading /proc/test_lg_busy in the background
# ($reader), into $LG_TMP/read
start_reader() {
	cat /proc/$BUSY >"$LG_TMP/read" 2>&1 &
	reader=$!
}

# wait_reader() - the background reader ($reader) ends within a minute, well
wait_reader() {
	loop_until "! kill -0 $reader 2>/dev/null" || die "the reader never returned"
	wait "$reader" || die "the reader failed: $(cat "$LG_TMP/read")"
}

# A kthread sleeping in a replaced function holds the transition up;
# pending names it and the function. Once it leaves, the transition
# completes on its own.
test_kthread_blocks() {
	setup
	load_mod $LP
	check_value "$P/transition" 1
	wait_pending "^[0-9]* $BUSY: kthread, test_lg_busy_sleep$"
	grep -qx "in_transition: 1" "$P/stats" || die "stats: $(cat $P/stats)"
	sleep 1
	check_value "$P/transition" 1
	echo 0 >$PARAM/block
	wait_transition $LP
	[ "$(stat_of $LP moved_stack_check)" -ge 1 ] || die "stats: $(cat $P/stats)"
	check_value "$P/pending" ""
}

# held_behind(what) - a kthread sleeping in the replaced function,
# whose return address into it is hidden behind "what" (set up by the
# caller) on its stack, holds the transition up; it completes once the
# kthread leaves
held_behind() {
	sleep 0.5
	load_mod $LP
	wait_pending "^[0-9]* $BUSY: kthread, "
	sleep 1
	check_value "$P/transition" 1
	grep -q "$BUSY: kthread" $P/pending ||
		die "the kthread behind $1 was moved: $(cat $P/pending)"
	echo 0 >$PARAM/block
	wait_transition $LP
}

# The graph tracer on the function the kthread sleeps in, called from the
# replaced function: the kthread's return address into it is
# return_to_handler, the real one on a stack of the tracer's.
test_graph_tracer_blocks() {
	setup
	t=/sys/kernel/tracing
	[ -e $t/current_tracer ] || mount -t tracefs nodev $t
	echo schedule_timeout_interruptible >$t/set_ftrace_filter
	echo function_graph >$t/current_tracer
	held_behind "the graph tracer's return_to_handler"
	echo nop >$t/current_tracer
	echo >$t/set_ftrace_filter
}

# The same with a return probe: the kthread returns into its trampoline.
test_return_probe_blocks() {
	setup
	t=/sys/kernel/tracing
	[ -e $t/kprobe_events ] || mount -t tracefs nodev $t
	echo 'r:lg_hidden schedule_timeout_interruptible' >>$t/kprobe_events
	echo 1 >$t/events/kprobes/lg_hidden/enable
	held_behind "a return probe's trampoline"
	echo 0 >$t/events/kprobes/lg_hidden/enable
	echo '-:lg_hidden' >>$t/kprobe_events
}

# A kthread that always sleeps inside a replaced function moves at its
# lg_task_safe().
test_task_safe() {
	setup block=0 task_safe=1
	load_patch $LP
	[ "$(stat_of $LP moved_task_safe)" -ge 1 ] || die "stats: $(cat $P/stats)"
}

# A user task blocked in a replaced function (a read of /proc/test_lg_busy)
# moves after "echo 1 > signal": its read restarts, in the new universe,
# and returns what the new code returns, with no error.
test_user_signal() {
	setup block=0
	start_reader
	load_mod $LP
	wait_pending "^$reader cat: test_lg_busy_wait$"
	log "% echo 1 > $P/signal"
	echo 1 >"$P/signal"
	wait_transition $LP
	wait_reader
	assert_eq "what the reader read" patched "$(cat "$LG_TMP/read")"
	# Out of the old function by the signal, it moves at its task_work,
	# or by its stack when the worker finds it switched out on its way
	# back to user space (seen on arm64 6.12): either way, poked.
	[ "$(stat_of $LP signals)" -ge 1 ] || die "stats: $(cat $P/stats)"
}

# The same without the operator: after signal_delay_ms the transition
# reports the stall and signals the blocking task itself.
test_automatic_signal() {
	setup block=0
	echo 200 >/sys/module/livegraft/parameters/signal_delay_ms
	start_reader
	# Patch once the reader waits in the old code.
	loop_until "grep -q '^State:.*S' /proc/$reader/status" || die "reader never waits"
	sleep 0.2
	load_patch $LP
	wait_reader
	assert_eq "what the reader read" patched "$(cat "$LG_TMP/read")"
	transcript | grep -q "livegraft: '$LP': transition stalled, [0-9]* tasks pending, first: .*test_lg_busy_wait" ||
		die "no stall report"
}

# Disabling a patch in transition turns the transition around: no task
# has to leave the old code, so it completes and the patch goes.
test_reverse() {
	setup
	load_mod $LP
	wait_pending "test_lg_busy_sleep"
	log "% echo 0 > $P/enabled"
	echo 0 >"$P/enabled"
	loop_until "[ ! -e $P ]" || die "reversed patch not freed"
	unload_mod $LP
	transcript | grep -qx "livegraft: '$LP': reversing transition from patching to unpatching" ||
		die "no reversal"
	transcript | grep -qx "livegraft: '$LP': unpatching complete" ||
		die "no completion"
}

# While a transition runs, no other patch may start one.
test_busy_during_transition() {
	setup
	load_mod $LP
	load_failing_mod test_lg_livepatch
	transcript | grep -qx "livegraft: 'test_lg_livepatch': patch '$LP' is in transition, try again once it completes" ||
		die "no refusal"
	transcript | grep -qx "insmod: ERROR: could not insert module $LG_MODDIR/test_lg_livepatch.ko: Device or resource busy" ||
		die "not EBUSY"
	echo 0 >$PARAM/block
	wait_transition $LP
}

# A task sleeping in the new code of a patch being disabled holds the
# unpatching up; meanwhile the patch module cannot be removed. Once the
# task leaves, the patch goes and so can its module.
test_rmmod_while_in_use() {
	setup block=0
	load_patch $LP block=1
	# The kthread loops every 10 ms: it is soon back in the new sleep.
	sleep 0.5
	log "% echo 0 > $P/enabled"
	echo 0 >"$P/enabled"
	wait_pending "$BUSY: kthread, test_lg_busy_sleep$"
	rmmod $LP 2>/dev/null && die "rmmod of a patch in use worked"
	is_loaded $LP || die "$LP gone"
	echo 0 >/sys/module/$LP/parameters/block
	loop_until "[ ! -e $P ]" || die "patch not freed"
	unload_mod $LP
}

# A task in D state inside a replaced function cannot take a fake signal.
# It is poked once, not once per signal_delay_ms: every poke used to queue
# a task_work holding a reference on livegraft, without bound.
test_signal_bounded() {
	setup block=0 read_uninterruptible=1
	echo 100 >/sys/module/livegraft/parameters/signal_delay_ms
	start_reader
	load_mod $LP
	wait_pending "^$reader cat: test_lg_busy_wait$"
	sleep 0.5
	before=$(cat /sys/module/livegraft/refcnt)
	sleep 1.5
	after=$(cat /sys/module/livegraft/refcnt)
	echo "# livegraft refcnt $before, 1.5 s later $after; $(grep '^signals' $P/stats)"
	assert_eq "livegraft's refcnt while the task stays blocked" "$before" "$after"
	[ "$(stat_of $LP signals)" -ge 1 ] || die "never signaled: $(cat $P/stats)"
	echo 0 >$PARAM/read_block
	wait_reader
	wait_transition $LP
}

# A zombie has no stack: reliably nothing of the patch's on it. It must
# not hold a transition up (arm64's walker used to call it unreliable).
test_zombie() {
	load_livegraft
	echo 0 >/sys/module/livegraft/parameters/signal_delay_ms
	# The background child exits; the shell execs sleep, which never reaps.
	sh -c 'true & exec sleep 60' &
	parent=$!
	loop_until "children_of $parent | while read -r c; do grep -h '^State:' /proc/\$c/status; done | grep -q Z" ||
		die "no zombie appeared"
	load_patch test_lg_livepatch
	kill $parent
	wait 2>/dev/null
}

# A reversal holds up for a task that moved and now sleeps inside the new
# function: it must move back only once it left. The patching transition
# is kept running by a reader in the old test_lg_busy_wait() (no signals)
# while the kthread moves and enters the new test_lg_busy_sleep().
test_reverse_with_sleeper() {
	setup block=0
	start_reader
	load_mod $LP block=1
	wait_pending "^$reader cat: test_lg_busy_wait$"
	# The kthread loops every 20 ms: it moves, then sleeps in the new code.
	sleep 0.5
	grep -q "kthread" $P/pending && die "the kthread did not move: $(cat $P/pending)"
	log "% echo 0 > $P/enabled"
	echo 0 >"$P/enabled"
	wait_pending "$BUSY: kthread, test_lg_busy_sleep$"
	sleep 1
	check_value "$P/transition" 1
	echo 0 >/sys/module/$LP/parameters/block
	loop_until "[ ! -e $P ]" || die "reversed patch not freed: $(cat $P/pending)"
	echo 0 >$PARAM/read_block
	wait_reader
	assert_eq "what the reader read" unpatched "$(cat "$LG_TMP/read")"
}

# A patch stacked on another holds up for a task asleep in the function
# below it on the stack (the first patch's replacement), which it leaves.
test_stack_with_sleeper() {
	setup block=0
	load_patch $LP block=1
	sleep 0.3
	load_mod test_lg_busy_patch2
	P2=$LG_SYSFS/test_lg_busy_patch2
	loop_until "grep -q '$BUSY: kthread, test_lg_busy_sleep\$' $P2/pending" ||
		die "the kthread in the lower patch's function does not block: $(cat $P2/pending)"
	sleep 1
	check_value "$P2/transition" 1
	echo 0 >/sys/module/$LP/parameters/block
	wait_transition test_lg_busy_patch2
}

# A replace patch that drops a function of the patch it replaces sends it
# back to the original code through a nop, and leaves the replaced
# patch's version of it: it waits for the kthread asleep there, whose
# pending line names the function. Reversed, it leaves the old set
# exactly; let through, it replaces the first patch, whose module can then
# go without a write to enabled.
test_replace_with_sleeper() {
	setup block=0
	load_patch $LP block=1
	sleep 0.3
	P2=$LG_SYSFS/test_lg_busy_patch2
	load_mod test_lg_busy_patch2 replace=1 sleep_too=0
	loop_until "grep -q '$BUSY: kthread, test_lg_busy_sleep\$' $P2/pending" ||
		die "the kthread in the dropped function does not block: $(cat $P2/pending)"
	[ -d "$P2/$BUSY/test_lg_busy_sleep,1" ] || die "no nop in sysfs: $(ls $P2/$BUSY)"
	sleep 1
	check_value "$P2/transition" 1
	log "% echo 0 > $P2/enabled"
	echo 0 >"$P2/enabled"
	loop_until "[ ! -e $P2 ]" || die "reversed replace patch not freed: $(cat $P2/pending)"
	check_value "$P/enabled" 1
	assert_eq "/proc/$BUSY after the reversal" patched "$(cat /proc/$BUSY)"
	unload_mod test_lg_busy_patch2

	load_mod test_lg_busy_patch2 replace=1 sleep_too=0
	loop_until "grep -q '$BUSY: kthread, test_lg_busy_sleep\$' $P2/pending" ||
		die "the kthread in the dropped function does not block: $(cat $P2/pending)"
	echo 0 >/sys/module/$LP/parameters/block
	wait_transition test_lg_busy_patch2
	unload_replaced $LP
	[ ! -e "$P2/$BUSY/test_lg_busy_sleep,1" ] || die "the nop outlived the transition"
	check_value "$P2/enabled" 1
}

# A user task blocked in a replaced function cannot move by its stack; once
# it leaves, the task_work it was given moves it on its way back to user
# space, before any stack check could. This checks the mechanism through
# stats (moved_user_return), not through a wrong universe.
test_user_return() {
	setup block=0
	start_reader
	load_mod $LP
	wait_pending "^$reader cat: test_lg_busy_wait$"
	echo 0 >$PARAM/read_block
	wait_reader
	wait_transition $LP
	assert_eq "what the reader read" unpatched "$(cat "$LG_TMP/read")"
	[ "$(stat_of $LP moved_user_return)" -ge 1 ] ||
		die "not moved on its way to user space: $(cat $P/stats)"
}

# A kthread that blocked the transition leaves the replaced function and
# exits: it moves as it exits, by its own stack (stats: moved_exit).
test_exit() {
	setup
	load_mod $LP
	wait_pending "$BUSY: kthread, test_lg_busy_sleep$"
	echo 1 >$PARAM/stop
	echo 0 >$PARAM/block
	wait_transition $LP
	[ "$(stat_of $LP moved_exit)" -ge 1 ] ||
		die "the exiting kthread did not move as it exited: $(cat $P/stats)"
}

# Idle CPUs, CPU-bound user loops and a fork storm do not hold a
# transition up, without fake signals: a latency bound (5 s, where it
# takes well under a second), checked through stats.
test_busy_system() {
	load_livegraft
	echo 0 >/sys/module/livegraft/parameters/signal_delay_ms
	sh -c 'while :; do :; done' &
	spin=$!
	sh -c 'while :; do /bin/true; done' &
	forks=$!
	load_patch test_lg_livepatch
	kill $spin $forks
	wait 2>/dev/null
	d=$(patch_dir test_lg_livepatch)
	echo "# patching a busy system: $(grep -E 'last_duration_ns|moved_' "$d/stats" | tr '\n' ' ')"
	[ "$(stat_of test_lg_livepatch last_duration_ns)" -lt 5000000000 ] ||
		die "patching a busy system took over 5 s: $(cat "$d/stats")"
}

run_test "kthread in a replaced function blocks the transition" test_kthread_blocks
run_test "a sleeper behind the graph tracer blocks the transition" test_graph_tracer_blocks
run_test "a sleeper behind a return probe blocks the transition" test_return_probe_blocks
run_test "kthread moves at lg_task_safe()" test_task_safe
run_test "user task moves after the fake signal" test_user_signal
run_test "stall reported, signal sent automatically" test_automatic_signal
run_test "disable during the transition reverses it" test_reverse
run_test "no second patch during a transition" test_busy_during_transition
run_test "patch module in use cannot go" test_rmmod_while_in_use
run_test "a task in D state is poked once, not without bound" test_signal_bounded
run_test "a zombie does not block a transition" test_zombie
run_test "a reversal waits for a sleeper in the new function" test_reverse_with_sleeper
run_test "a stacked patch waits for a sleeper in the one below" test_stack_with_sleeper
run_test "a replace patch waits for a sleeper in a function it drops" test_replace_with_sleeper
run_test "a user task moves on its way back to user space" test_user_return
run_test "a task that exits moves as it exits" test_exit
run_test "idle, CPU-bound and forking tasks" test_busy_system
finish
