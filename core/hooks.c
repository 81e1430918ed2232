// SPDX-License-Identifier: GPL-2.0
/*
 * hooks.c - the task events a transition listens to, through tracepoints:
 *
 *   task_newtask	every new task (fork, clone, kernel threads, io_uring
 *			workers) starts in its parent's universe
 *   sched_process_exit	an exiting task moves if its stack allows; and
 *			every exiting task is recorded until it is dead
 *			(exits.c), transition or not
 *
 * They stay attached while livegraft is loaded: attaching rewrites the
 * call sites, which is not worth doing for every transition.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/tracepoint.h>

#include "core.h"
#include "exits.h"
#include "fault.h"
#include "hooks.h"
#include "sysfs.h"
#include "transition.h"
#include "universe.h"

static struct tracepoint *tp_newtask, *tp_exit;

/* For the selftests: what a fork sees when no entry can be had at all. */
static bool fault_fork_no_entry;
module_param_cb(fault_fork_no_entry, &lg_param_ops_bool, &fault_fork_no_entry, 0600);
MODULE_PARM_DESC(fault_fork_no_entry, "testing only: new tasks get no universe entry");

static void notrace lg_task_newtask(void *data, struct task_struct *task,
				    unsigned long clone_flags)
{
	struct lg_universe_table *table;
	struct lg_task_state *state = NULL;
	int universe;

	if (likely(!rcu_access_pointer(lg_table)))
		return;
	rcu_read_lock();
	table = rcu_dereference(lg_table);
	if (!table)
		goto unlock;
	universe = lg_table_universe(table, current);
	if (likely(!READ_ONCE(fault_fork_no_entry)))
		state = lg_universe_fork(table, task, universe, GFP_ATOMIC);
	/*
	 * With no entry, even after an atomic allocation, the child is in
	 * the table's start universe, which must not flip under it.
	 */
	if (!state)
		lg_universe_lost_fork(table, READ_ONCE(lg_target_state));
unlock:
	rcu_read_unlock();
}

/* @task is current: do_exit() calls it for itself. */
static void notrace lg_sched_process_exit(void *data, struct task_struct *task)
{
	/* Before it looks for a table: see lg_exits_pin(). */
	lg_exits_record();
	if (unlikely(rcu_access_pointer(lg_table)))
		lg_transition_exiting();
}

static void find_tracepoint(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "task_newtask"))
		tp_newtask = tp;
	else if (!strcmp(tp->name, "sched_process_exit"))
		tp_exit = tp;
}

/**
 * lg_hooks_init() - find the tracepoints and attach to them
 *
 * Return: 0, or an error naming the tracepoint, with nothing attached.
 */
int lg_hooks_init(void)
{
	int ret;

	for_each_kernel_tracepoint(find_tracepoint, NULL);
	if (!tp_newtask || !tp_exit) {
		pr_err("required tracepoint '%s' not found, refusing to load\n",
		       !tp_newtask ? "task_newtask" : "sched_process_exit");
		return -ENOENT;
	}
	ret = lg_exits_init();
	if (ret)
		return ret;

	ret = lg_fault(-ENOMEM) ?:
	      tracepoint_probe_register(tp_newtask, lg_task_newtask, NULL);
	if (ret)
		goto err;
	ret = lg_fault(-ENOMEM) ?:
	      tracepoint_probe_register(tp_exit, lg_sched_process_exit, NULL);
	if (ret)
		goto err_newtask;
	lg_exits_catch_up();
	return 0;

err_newtask:
	tracepoint_probe_unregister(tp_newtask, lg_task_newtask, NULL);
	tracepoint_synchronize_unregister();
err:
	lg_exits_exit();
	pr_err("cannot attach to the task tracepoints (%d)\n", ret);
	return ret;
}

/**
 * lg_hooks_exit() - detach; no probe runs once this returns
 */
void lg_hooks_exit(void)
{
	tracepoint_probe_unregister(tp_exit, lg_sched_process_exit, NULL);
	tracepoint_probe_unregister(tp_newtask, lg_task_newtask, NULL);
	tracepoint_synchronize_unregister();
	lg_exits_exit();
}
