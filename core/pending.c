// SPDX-License-Identifier: GPL-2.0
/*
 * pending.c - what a transition waits for, and what it did: sysfs
 * pending and stats, and the stall report in the kernel log.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/sched/signal.h>
#include <linux/sysfs.h>

#include "core.h"
#include "ksyms.h"
#include "pending.h"
#include "switch.h"
#include "transition.h"
#include "universe.h"

static const char *reason_text(struct lg_task_state *state)
{
	switch (state ? state->reason : LG_BLOCK_UNCHECKED) {
	case LG_BLOCK_RUNNING:
		return "running";
	case LG_BLOCK_UNRELIABLE:
		return "unreliable stack";
	case LG_BLOCK_FUNCTION:
		return state->blocker;
	default:
		return "not checked yet";
	}
}

struct pending_buf {
	char *buf;
	size_t size;
	ssize_t len;
};

static void format_departed(struct lg_task_state *state, void *arg)
{
	struct pending_buf *out = arg;

	/* A zombie still on the task list has its line already. */
	if (READ_ONCE(state->universe) == lg_target_state ||
	    pid_alive(state->task))
		return;
	out->len += scnprintf(out->buf + out->len, out->size - out->len,
			      "%d %s: exiting, %s\n", task_pid_nr(state->task),
			      state->task->comm, reason_text(state));
}

static ssize_t format_pending(char *buf, size_t size)
{
	struct pending_buf out = { .buf = buf, .size = size };
	struct lg_universe_table *table;
	struct task_struct *g, *task;
	ssize_t len = 0;
	int cpu;

	table = rcu_dereference_protected(lg_table, lockdep_is_held(&lg_mutex));
	rcu_read_lock();
	for_each_process_thread(g, task) {
		if (lg_table_universe(table, task) == lg_target_state)
			continue;
		len += scnprintf(buf + len, size - len, "%d %s: %s%s\n",
				 task_pid_nr(task), task->comm,
				 task->flags & PF_KTHREAD ? "kthread, " : "",
				 reason_text(lg_task_state_find(table, task)));
	}
	rcu_read_unlock();
	out.len = len;
	lg_universe_visit_departed(table, format_departed, &out);
	len = out.len;
	for_each_possible_cpu(cpu) {
		task = lg_ksym.idle_task(cpu);
		if (lg_table_universe(table, task) != lg_target_state)
			len += scnprintf(buf + len, size - len,
					 "0 %s: idle, waiting to leave its CPU\n",
					 task->comm);
	}
	return len;
}

/**
 * lg_transition_pending() - sysfs <patch>/pending: one line per task not
 * yet in the target universe, "pid comm: reason", the reason being the
 * replaced function on its stack, "running", "unreliable stack" or "not
 * checked yet", after "kthread, " for kernel threads and "exiting, " for
 * tasks that left the task list but still run. Must hold lg_mutex.
 */
ssize_t lg_transition_pending(struct lg_live_patch *patch, char *buf)
{
	if (patch != lg_transition_patch)
		return 0;
	return format_pending(buf, PAGE_SIZE);
}

/**
 * lg_transition_stats() - sysfs <patch>/stats. Must hold lg_mutex.
 */
ssize_t lg_transition_stats(struct lg_live_patch *patch, char *buf)
{
	static const char * const moved_by[LG_MOVED_NR] = {
		"moved_stack_check", "moved_user_return", "moved_signal",
		"moved_idle", "moved_task_safe", "moved_forced",
		"moved_exit",
	};
	bool live = patch == lg_transition_patch;
	ssize_t len;
	int i;

	len = sysfs_emit(buf,
			 "transitions: %u\n"
			 "reversals: %u\n"
			 "in_transition: %d\n"
			 "last_start_ns: %llu\n"
			 "last_duration_ns: %llu\n"
			 "tasks: %u\n"
			 "retries: %u\n"
			 "signals: %u\n"
			 "stack_checks: %u\n"
			 "stack_walks: %u\n"
			 "memory_bytes: %llu\n",
			 patch->stats.transitions, patch->stats.reversals,
			 live, patch->stats.start_ns,
			 live ? 0 : patch->stats.duration_ns,
			 patch->stats.tasks, patch->stats.retries,
			 live ? atomic_read(&lg_signal_count) : patch->stats.signals,
			 live ? atomic_read(&lg_check_count) : patch->stats.stack_checks,
			 live ? atomic_read(&lg_walk_count) : patch->stats.stack_walks,
			 live ? 0 : patch->stats.memory_bytes);
	for (i = 0; i < LG_MOVED_NR; i++)
		len += sysfs_emit_at(buf, len, "%s: %u\n", moved_by[i],
				     live ? atomic_read(&lg_moved_count[i]) :
					    patch->stats.moved[i]);
	len += sysfs_emit_at(buf, len, "enable_seq: %llu\n",
			     patch->stats.enable_seq);
	return len;
}

/* In the kernel log, once per transition that waits long. */
void lg_report_stall(unsigned int unmoved)
{
	char buf[128];

	/* The first pending task, as sysfs pending shows it. */
	if (!format_pending(buf, sizeof(buf)))
		return;
	strreplace(buf, '\n', '\0');
	pr_notice("'%s': transition stalled, %u tasks pending, first: %s (see pending)\n",
		  lg_transition_patch->name, unmoved, buf);
}
