#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317 # scenarios are called through run_test
#
# Consistency under stress: test_lg_cons_outer() calls
# test_lg_cons_inner(), waits, and calls it again; the patch replaces
# both, and its new outer expects the new inner. Kthreads and user tasks
# (through read(), each a new process: a fork storm too) call outer all
# the time while the patch is enabled, disabled and reversed again and
# again. A call that ever mixes the universes is counted; the count must
# stay 0. On x86_64 the guest runs with preempt=full, so that a task can
# lose its CPU anywhere, a move in flight included.

# shellcheck source=selftests/functions.sh
. "$(dirname "$0")/functions.sh"

CYCLES=${LG_STRESS_CYCLES:-5}

# cons_counter(name) - a counter of /proc/test_lg_cons ("old 1 new 2 ...")
cons_counter() {
	echo " $(cat /proc/test_lg_cons)" | sed -n "s/.* $1 \([0-9]*\).*/\1/p"
}

# start_load(test_lg_cons args...) - the probe, and READERS (default 3)
# user tasks reading it in a loop
start_load() {
	load_livegraft
	echo "${SIGNAL_MS:-200}" >/sys/module/livegraft/parameters/signal_delay_ms
	load_mod test_lg_cons "$@"
	readers=
	for _ in $(seq "${READERS:-3}"); do
		sh -c 'while :; do cat /proc/test_lg_cons >/dev/null; done' &
		readers="$readers $!"
	done
	echo "# preemption: $(cat /sys/kernel/debug/sched/preempt 2>/dev/null || echo unknown)"
}

# stop_load() - stop the readers, check the counters
stop_load() {
	# shellcheck disable=SC2086 # a list of pids
	[ -z "$readers" ] || kill $readers
	wait 2>/dev/null
	echo "# $(cat /proc/test_lg_cons)"
	mixed=$(cons_counter mixed)
	if [ "$mixed" != 0 ]; then
		# For the report: livegraft's transition steps around the
		# first mixed call, before and after it, with the kernel's
		# timestamps.
		dmesg | grep -E "livegraft: .*(transition|complete)|test_lg_cons: mixed" |
			awk '/test_lg_cons: mixed/ && !n { n = NR } { l[NR] = $0 }
			     END { for (i = n - 12; n && i <= n + 20; i++)
					if (i in l) print "# " l[i] }'
	fi
	assert_eq "calls that mixed old and new code" 0 "$mixed"
	[ "$(cons_counter old)" -gt 0 ] || die "no call ran the old code"
}

# patch_cycles() - enable test_lg_cons_patch, then disable it, CYCLES times
patch_cycles() {
	cycle=0
	while [ $cycle -lt "$CYCLES" ]; do
		load_patch test_lg_cons_patch
		ns=$(sed -n 's/^last_duration_ns: //p' "$(patch_dir test_lg_cons_patch)/stats")
		echo "# cycle $cycle: patching took $((ns / 1000000)) ms"
		sleep 0.3
		disable_patch test_lg_cons_patch
		unload_mod test_lg_cons_patch
		sleep 0.1
		cycle=$((cycle + 1))
	done
}

# Enable, then disable, CYCLES times; the kthreads call lg_task_safe() at
# the top of their loop.
test_consistency() {
	start_load threads=4 task_safe=1
	patch_cycles
	stop_load
	[ "$(cons_counter new)" -gt 0 ] || die "no call ran the new code"
}

# Outer spins on the CPU between its two calls of inner, preemption off.
# A running task must not be judged by the stack it had when it last left
# its CPU, only once it is off its CPU again: new threads call outer as
# the first thing they ever run, and the context fork gave them reads as
# an empty stack. (A task that slept before is safe by luck: the code that
# runs after it wakes overwrites the frames a walk starts from.)
test_running_tasks() {
	# One kthread: it runs on a CPU of its own, inside outer most of the
	# time, while the worker runs on the other. (Two would nap together,
	# their timers coalesced, and leave the CPUs only when both nap.)
	READERS=0 start_load threads=1 busy=1 newborn=1
	patch_cycles
	stop_load
	[ "$(cons_counter new)" -gt 0 ] || die "no call ran the new code"
}

# A timer on each CPU calls outer in hard interrupt context and spins
# inside it: on an idle CPU, in the middle of the idle task's loop. The
# idle task must move only where it is switched out, never while an
# interrupt it took is inside a replaced function.
test_idle_interrupted() {
	READERS=0 start_load threads=0 irq=1
	patch_cycles
	stop_load
	[ "$(cons_counter idle)" -gt 0 ] || die "the timers never ran on an idle task"
}

# Outer runs pending task_work in the middle of its call, as io_uring does
# in io_uring_enter(): livegraft's task_work runs there with outer on the
# stack and must not move the task. No fake signals: the task_work the
# transition queues on every unmoved user task is enough.
test_task_work_mid_call() {
	SIGNAL_MS=0 start_load threads=0 task_work=1
	patch_cycles
	stop_load
	[ "$(cons_counter tw)" -gt 0 ] || die "task_work never ran inside outer"
}

# Reverse transitions while they run, back and forth, under load: a task
# whose move was in flight when the target flipped must not land in the
# wrong universe.
test_reversals() {
	start_load threads=4 task_safe=1 holder=1
	P=$LG_SYSFS/test_lg_cons_patch
	HOLD=/sys/module/test_lg_cons/parameters/hold
	cycle=0
	while [ $cycle -lt $((CYCLES * 4)) ]; do
		# Every other cycle, the holder kthread stays inside outer, so
		# that the first write finds the transition running: a slow
		# guest reverses some, whatever its timing.
		[ $((cycle % 2)) -eq 1 ] || echo 1 >$HOLD
		load_mod test_lg_cons_patch
		# Each write reverses the transition if it still runs; once it
		# has completed, 0 disables and 1 is refused.
		for v in 0 1 0 1 0; do
			echo $v 2>/dev/null >"$P/enabled" || true
		done
		echo 0 >$HOLD
		if [ "$(cat "$P/enabled" 2>/dev/null)" = 1 ]; then
			echo 0 2>/dev/null >"$P/enabled" || true
		fi
		loop_until "[ ! -e $P ]" || die "patch not freed: $(cat "$P/pending")"
		unload_mod test_lg_cons_patch
		cycle=$((cycle + 1))
	done
	n=$(transcript | grep -c "reversing transition" || true)
	echo "# $n reversals in $cycle cycles"
	[ "$n" -gt 0 ] || die "no transition was reversed"
	stop_load
}

# A patch's second object fails its pre_patch after a sleep, while the
# first object is already redirected. Tasks must not move before every
# function is redirected and every pre_patch has run: a kthread that
# moved at lg_task_safe() would enter the new outer, then find the old
# inner after the patch is cancelled, and run freed code once the patch
# module goes.
test_no_move_before_start() {
	start_load threads=4 task_safe=1
	load_failing_mod test_lg_cons_fail
	transcript | grep -q "test_lg_cons_fail: pre_patch of vmlinux fails after" ||
		die "the pre_patch did not run"
	sleep 0.5
	stop_load
}

# A task preempted inside the ftrace handler or trampoline, its jump to
# the replacement decided, shows only the old function's ftrace return
# site on its stack. Unpatching must not move it there, or it runs the
# replacement in the unpatched universe (and, with stacked patches, after
# the replacement's module may be gone). A low-priority kthread calls a
# patched function back to back under CPU hogs, and test_lg_window forces
# a preemption right after livegraft's handler every 512th call (under
# preempt=full: x86_64), so that it is often stopped exactly there.
test_handler_window() {
	load_livegraft
	# The window is the handler's: where the direct-call fast path
	# exists (x86_64, arm64 6.12), this function keeps the handler, the
	# path of a function that finds no free slot.
	[ ! -e /sys/module/livegraft/parameters/fast_slots ] ||
		echo 0 >/sys/module/livegraft/parameters/fast_slots
	load_mod test_lg_window
	hogs=
	for _ in 1 2; do
		sh -c 'while :; do :; done' &
		hogs="$hogs $!"
	done
	mixed=0
	cycle=0
	# The kthread is mostly off its CPU in the window, where it must not
	# move: at nice 19 under two hogs it runs for a tick in hundreds of
	# ms, and the forced preemption ends most of its runs. A transition
	# completes when the worker finds it waiting after its nap, which on
	# a loaded host took more than loop_until's minute: two minutes here.
	MAX_RETRIES=1200
	# CYCLES * 4 cycles, or as many as fit in 90 s and at least CYCLES:
	# on a loaded host, 20 cycles ran past the scenario's 240 s.
	deadline=$(($(date +%s) + 90))
	while [ $cycle -lt $((CYCLES * 4)) ]; do
		load_patch test_lg_window_patch
		disable_patch test_lg_window_patch
		mixed=$((mixed + $(cat /sys/module/test_lg_window_patch/parameters/mixed)))
		unload_mod test_lg_window_patch
		cycle=$((cycle + 1))
		[ $cycle -ge "$CYCLES" ] && [ "$(date +%s)" -ge $deadline ] && break
	done
	# shellcheck disable=SC2086 # a list of pids
	kill $hogs
	wait 2>/dev/null
	echo "# $mixed calls ran the new function with the old inner, in $cycle cycles"
	assert_eq "calls that mixed old and new code" 0 "$mixed"
}

# Kthreads that nap, then exit, inside a replaced function, a few at a
# time: each reaps itself in exit_notify(), leaving the task list, then
# runs the rest of do_exit(), unmoved (the function is on its stack). A
# return probe on release_task() calls outer there, spinning 20 ms. The
# transition must wait for that task: a task off the task list is still
# checked until it is dead, and one that was already exiting when the
# transition started gets an entry too, or completing the transition
# moves it in the middle of the call.
test_departed_task() {
	READERS=0 start_load threads=0 departed=1
	# Scans again at once, as an operator's signal asks: one falls in
	# the 20 ms of such a call.
	sh -c "while :; do echo 1 2>/dev/null >$LG_SYSFS/test_lg_cons_patch/signal; sleep 0.005; done" &
	poker=$!
	CYCLES=$((CYCLES * 4)) patch_cycles
	kill $poker
	stop_load
	[ "$(cons_counter departed)" -gt 0 ] ||
		die "outer never ran on a task off the task list"
}

# New tasks that get no universe entry at fork (out of memory, forced
# here) are in the table's default universe: the start until the final
# scan, the target after it. Before that flip, a reader forked between the
# final scan and the end of an unpatching ran the new code and then, in
# the middle of it, the old.
test_fork_without_entry() {
	start_load threads=0
	echo 1 >/sys/module/livegraft/parameters/fault_fork_no_entry
	patch_cycles
	echo 0 >/sys/module/livegraft/parameters/fault_fork_no_entry
	stop_load
	[ "$(cons_counter new)" -gt 0 ] || die "no call ran the new code"
}

# A chain of cumulative patches under load: version 2 (test_lg_cons_patch),
# replaced by 3, then by 4, each transition from one set of replacements
# to the next; and each time, a replacement of 2 by 3 held up by a kthread
# inside outer, then reversed: it must leave version 2 exactly as it was.
# Every call of outer runs the inner of its own version.
test_replace_chain() {
	start_load threads=4 task_safe=1 holder=1
	V3=$LG_SYSFS/test_lg_cons_v3
	HOLD=/sys/module/test_lg_cons/parameters/hold
	cycle=0
	while [ $cycle -lt "$CYCLES" ]; do
		load_patch test_lg_cons_patch replace=1
		echo 1 >$HOLD
		load_mod test_lg_cons_v3 replace=1
		loop_until "grep -q 'test_lg_holder' $V3/pending" ||
			die "the holder does not hold version 3 up: $(cat $V3/pending)"
		echo 0 >"$V3/enabled"
		loop_until "[ ! -e $V3 ]" || die "version 3 not reversed: $(cat $V3/pending)"
		unload_mod test_lg_cons_v3
		check_value "$LG_SYSFS/test_lg_cons_patch/enabled" 1
		check_value "$LG_SYSFS/test_lg_cons_patch/transition" 0
		echo 0 >$HOLD
		load_patch test_lg_cons_v3 replace=1
		unload_replaced test_lg_cons_patch
		load_patch test_lg_cons_v4 replace=1
		unload_replaced test_lg_cons_v3
		disable_patch test_lg_cons_v4
		unload_mod test_lg_cons_v4
		cycle=$((cycle + 1))
	done
	stop_load
	[ "$(cons_counter new)" -gt 0 ] || die "no call ran a new version"
}

run_test "no task mixes universes under stress" test_consistency
run_test "a task running in a replaced function is not judged by its stack" test_running_tasks
run_test "an interrupt on an idle CPU inside a replaced function does not move it" test_idle_interrupted
run_test "an exiting task off the task list inside a replaced function holds the transition" test_departed_task
run_test "tasks forked without an entry mix nothing" test_fork_without_entry
run_test "task_work run inside a replaced function does not move" test_task_work_mid_call
run_test "reversals under load mix nothing" test_reversals
run_test "a chain of cumulative patches under load mixes nothing" test_replace_chain
run_test "no task moves before the transition starts" test_no_move_before_start
run_test "a task stopped in the ftrace handler does not move" test_handler_window
finish
