#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317 # scenarios are called through run_test
#
# A transition's cost per task stays bounded with thousands of threads, in
# what it counts rather than in time: each sleeping thread's stack is
# checked once, by the first scan, and proven clean by a scan of its words
# without a walk of its frames; the memory of the transition
# (stats' memory_bytes: its universe table, entries, ranges and
# task_works) grows by a bounded number of bytes per task. A scan that
# checks every task again at every attempt, or a table sized by anything
# but the number of tasks, fails here whatever the machine's speed.

# shellcheck source=selftests/functions.sh
. "$(dirname "$0")/functions.sh"

LP=test_lg_livepatch
THREADS=2000
SPINNERS=100
# Bytes per task: an entry (two per task in the first chunk, which keeps
# room for forks) and a hash bucket (at most two per task), with margin.
BYTES_PER_TASK=256
# The smallest table and chunk (1,024 each) and the ranges.
BYTES_FIXED=$((128 * 1024))

stat_of() {
	sed -n "s/^$2: //p" "$(patch_dir "$1")/stats"
}

# threads_up(sleep, user) - scale-threads with that many threads asleep in
# the kernel and spinning in user space, all running
threads_up() {
	command -v scale-threads >/dev/null || skip "no scale-threads in this guest"
	scale-threads "$1" "$2" 0 >"$LG_TMP/threads" 2>&1 &
	lg_threads=$!
	loop_until "grep -q '^ready' $LG_TMP/threads" ||
		die "threads not running: $(cat "$LG_TMP/threads")"
}

# threads_down() - before the patch goes: ftrace's unregistering waits for
# every spinner to take a tick in user space (synchronize_rcu_tasks())
threads_down() {
	kill -KILL "$lg_threads"
	# Its status is the SIGKILL's.
	wait "$lg_threads" 2>/dev/null || true
}

test_per_task_cost() {
	load_livegraft
	threads_up $((THREADS - SPINNERS)) $SPINNERS
	load_patch $LP
	stats=$(cat "$(patch_dir $LP)/stats")
	tasks=$(stat_of $LP tasks)
	checks=$(stat_of $LP stack_checks)
	walks=$(stat_of $LP stack_walks)
	moved=$(stat_of $LP moved_stack_check)
	bytes=$(stat_of $LP memory_bytes)
	echo "# tasks $tasks, stack checks $checks, walks $walks, moved by stack $moved, $bytes bytes, retries $(stat_of $LP retries)"
	[ "$tasks" -ge $THREADS ] || die "fewer tasks than threads: $stats"
	# The sleeping threads move at the first scan; only the few that ran
	# (spinners, the shell, kworkers) are looked at again.
	[ "$moved" -ge $((THREADS - SPINNERS)) ] ||
		die "sleeping threads not moved by their stacks: $stats"
	[ "$checks" -le $((tasks + tasks / 2)) ] ||
		die "more than 1.5 stack checks per task: $stats"
	# Walked: the stacks where the scan found a word in the patched
	# function or livegraft's trampolines, true or stale; not the
	# sleeping threads, whose stacks hold neither.
	[ "$walks" -le $((tasks / 10)) ] ||
		die "more than one stack in ten walked: $stats"
	[ "$bytes" -gt 0 ] || die "no memory accounted: $stats"
	[ "$bytes" -le $((tasks * BYTES_PER_TASK + BYTES_FIXED)) ] ||
		die "more than $BYTES_PER_TASK bytes per task: $stats"
	threads_down
	disable_patch $LP
}

run_test "per-task cost of a transition with 2,000 threads" test_per_task_cost
finish
