// SPDX-License-Identifier: GPL-2.0
/*
 * exits.c - every task between its exit tracepoint and its death.
 *
 * release_task() takes an exiting task off the task list before the task
 * stops running: the rest of do_exit(), and the interrupts it takes, run
 * on a task that no scan of the task list finds, and that may be inside a
 * function it entered before a transition started. The kernel's livepatch
 * does not see such tasks either (klp_init_transition() walks the task
 * list). livegraft records every exiting task here, from
 * sched_process_exit on, whether a transition runs or not; a new
 * transition gives each one an entry in its start universe
 * (lg_exits_pin()), and the worker checks it like any other task until
 * its stack is gone (transition.c).
 *
 * A record holds a reference on its task. It goes once the task is dead:
 * each new record on a CPU looks at the two oldest there, and each
 * transition at all of them. Records come from a reserve when memory is
 * short. A task that could not be recorded at all makes the next
 * transition wait with synchronize_rcu_tasks(), whose grace period covers
 * the part of do_exit() that runs off the task list where the kernel has
 * TASKS_RCU (Debian's x86_64 kernels); without it (Debian's arm64 kernels,
 * voluntary preemption) it is synchronize_rcu(), which covers such a task
 * only if it does not sleep there.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mempool.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>

#include "exits.h"
#include "fault.h"
#include "universe.h"

struct exit_record {
	struct list_head node;
	struct task_struct *task;
};

struct exit_list {
	raw_spinlock_t lock;
	struct list_head records;
};

/* Records for this many exiting tasks at once even when memory is short. */
#define RESERVED_RECORDS	64

static DEFINE_PER_CPU(struct exit_list, exit_lists);
static struct kmem_cache *record_cache;
static mempool_t *record_pool;
static atomic_t unrecorded;

/**
 * lg_task_dead() - @task never runs again: its last switch away from its
 * CPU is complete
 * @task: a task the caller holds a reference on
 */
bool lg_task_dead(struct task_struct *task)
{
	if (READ_ONCE(task->__state) != TASK_DEAD)
		return false;
	/* Not an older on_cpu than __state: as __task_needs_rq_lock(). */
	smp_rmb();
	/* Pairs with the release in finish_task(), after its last run. */
	return !smp_load_acquire(&task->on_cpu);
}

static void release_records(struct list_head *dead)
{
	struct exit_record *rec, *tmp;

	list_for_each_entry_safe(rec, tmp, dead, node) {
		put_task_struct(rec->task);
		mempool_free(rec, record_pool);
		lg_live_dec(LG_KIND_EXIT_RECORD);
	}
}

static void record_task(struct task_struct *task)
{
	struct exit_list *list;
	struct exit_record *rec, *old;
	LIST_HEAD(dead);
	int i;

	/* No fallible step of an operation (fault.c): it has a fallback. */
	rec = mempool_alloc(record_pool, GFP_NOWAIT | __GFP_NOWARN);
	if (rec) {
		lg_live_inc(LG_KIND_EXIT_RECORD);
		rec->task = get_task_struct(task);
	} else {
		atomic_inc(&unrecorded);
		/*
		 * Before the caller looks for a table: either it finds one,
		 * or lg_exits_pin()'s atomic_xchg() finds the count.
		 */
		smp_mb__after_atomic();
	}

	list = this_cpu_ptr(&exit_lists);
	raw_spin_lock(&list->lock);
	/* The oldest two go if dead, or else to the back of the list. */
	for (i = 0; i < 2 && !list_empty(&list->records); i++) {
		old = list_first_entry(&list->records, struct exit_record, node);
		list_move_tail(&old->node, lg_task_dead(old->task) ? &dead : &list->records);
	}
	if (rec)
		list_add_tail(&rec->node, &list->records);
	raw_spin_unlock(&list->lock);
	release_records(&dead);
}

/**
 * lg_exits_record() - the current task passes sched_process_exit
 *
 * Any context that the tracepoint runs in: preemption off, no sleeping.
 */
void lg_exits_record(void)
{
	record_task(current);
}

/**
 * lg_exits_catch_up() - record the tasks that passed sched_process_exit
 * before livegraft listened to it, while they are still on the task list
 *
 * Runs once, when livegraft loads, after the exit hook is attached. One
 * that left the task list already, and still runs, is not found (the
 * microseconds between release_task() and its last switch).
 */
void lg_exits_catch_up(void)
{
	struct task_struct *g, *task;

	rcu_read_lock();
	for_each_process_thread(g, task)
		if (READ_ONCE(task->flags) & PF_EXITING) {
			preempt_disable();
			record_task(task);
			preempt_enable();
		}
	rcu_read_unlock();
}

/**
 * lg_exits_pin() - give every exiting task an entry in a new table
 * @table: the new transition's table, published
 *
 * A task recorded after its CPU's list was walked finds the table in its
 * exit hook and gets its entry there (lg_transition_exiting()).
 *
 * Return: 0, or -ENOMEM when the table has no entry left. Must hold
 * lg_mutex.
 */
int lg_exits_pin(struct lg_universe_table *table)
{
	struct exit_record *rec, *tmp;
	struct exit_list *list;
	LIST_HEAD(dead);
	int cpu, ret = 0;

	if (atomic_xchg(&unrecorded, 0))
		synchronize_rcu_tasks();

	for_each_possible_cpu(cpu) {
		list = per_cpu_ptr(&exit_lists, cpu);
		raw_spin_lock(&list->lock);
		list_for_each_entry_safe(rec, tmp, &list->records, node) {
			if (lg_task_dead(rec->task))
				list_move(&rec->node, &dead);
			else if (!lg_universe_get(table, rec->task, 0))
				ret = -ENOMEM;
		}
		raw_spin_unlock(&list->lock);
		release_records(&dead);
		INIT_LIST_HEAD(&dead);
	}
	return ret;
}

int lg_exits_init(void)
{
	int cpu;

	if (lg_fault(-ENOMEM))
		return -ENOMEM;
	record_cache = KMEM_CACHE(exit_record, 0);
	if (!record_cache)
		return -ENOMEM;
	if (!lg_fault(-ENOMEM))
		record_pool = mempool_create_slab_pool(RESERVED_RECORDS,
						       record_cache);
	if (!record_pool) {
		kmem_cache_destroy(record_cache);
		return -ENOMEM;
	}
	for_each_possible_cpu(cpu) {
		struct exit_list *list = per_cpu_ptr(&exit_lists, cpu);

		raw_spin_lock_init(&list->lock);
		INIT_LIST_HEAD(&list->records);
	}
	return 0;
}

/* The exit hook is detached and no transition runs. */
void lg_exits_exit(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		release_records(&per_cpu_ptr(&exit_lists, cpu)->records);
	mempool_destroy(record_pool);
	kmem_cache_destroy(record_cache);
}
