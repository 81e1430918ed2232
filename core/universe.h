/* SPDX-License-Identifier: GPL-2.0 */
/*
 * universe.h - which universe (old code or new code) each task is in,
 * during a transition.
 *
 * No task_struct field is ours, so the state lives in a hash table keyed
 * by task, allocated when a transition starts and freed when it ends. A
 * task without an entry is in the table's start universe.
 * Lookups are lock-free (the ftrace handler makes them, NMI included) and
 * made only for the current task; entries are added under a raw spinlock
 * and never removed before the whole table goes.
 */
#ifndef _LIVEGRAFT_UNIVERSE_H
#define _LIVEGRAFT_UNIVERSE_H

#include <linux/compiler.h>
#include <linux/hash.h>
#include <linux/rculist.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct task_struct;

/* Why a task has not moved yet, from the last attempt; for sysfs pending. */
enum lg_block_reason {
	LG_BLOCK_UNCHECKED,
	LG_BLOCK_RUNNING,
	LG_BLOCK_UNRELIABLE,
	LG_BLOCK_FUNCTION,
};

/**
 * struct lg_task_state - one task's universe
 * @node:	in the table's bucket
 * @task:	the task, referenced until the table goes
 * @universe:	LG_UNPATCHED or LG_PATCHED
 * @reason:	why it has not moved, from the last attempt
 * @blocker:	with LG_BLOCK_FUNCTION, the function on its stack
 * @work_queued: a task_work of ours is queued on it
 * @uncounted:	no longer counted in lg_unmoved (it exited unmoved)
 * @signaled:	the table's epoch in which it was last poked automatically
 * @released:	the task is dead and no longer referenced: a new task at the
 *		same address takes the entry over
 */
struct lg_task_state {
	struct hlist_node node;
	struct task_struct *task;
	int universe;
	u8 reason;
	bool work_queued;
	bool uncounted;
	bool released;
	unsigned int signaled;
	const char *blocker;
};

/**
 * struct lg_universe_table - the per-task states of one transition
 * @gen:	the transition's number, so that late task_work can tell
 * @start:	the universe of a task without an entry
 * @open:	tasks may move: every function is redirected and every
 *		pre-callback has run; closed while the target flips
 * @epoch:	counts the directions the transition took (reversals + 1)
 * @lost_forks:	new tasks that got no entry while the start universe was
 *		not the target yet; under @lock
 * @lock:	serialises adding entries; the innermost lock of livegraft,
 *		taken under the scheduler's locks (task_call_func)
 * @chunks:	the entries' memory
 * @bits:	log2 of the number of buckets
 * @buckets:	the hash buckets
 */
struct lg_universe_table {
	unsigned long gen;
	int start;
	bool open;
	unsigned int epoch;
	unsigned int lost_forks;
	raw_spinlock_t lock;
	struct list_head chunks;
	unsigned int bits;
	struct hlist_head buckets[];
};

/* Published while a transition runs, RCU-freed after it. lg_mutex writes. */
extern struct lg_universe_table __rcu *lg_table;

static __always_inline struct lg_task_state *
lg_task_state_find(struct lg_universe_table *table, struct task_struct *task)
{
	struct hlist_node *pos;
	struct lg_task_state *state;

	pos = rcu_dereference_raw(hlist_first_rcu(&table->buckets[hash_ptr(task, table->bits)]));
	for (; pos; pos = rcu_dereference_raw(hlist_next_rcu(pos))) {
		state = hlist_entry(pos, struct lg_task_state, node);
		if (state->task == task)
			return state;
	}
	return NULL;
}

/**
 * lg_table_universe() - which universe a task is in, in a given table
 * @table:	a table the caller knows is alive
 * @task:	the task
 */
static __always_inline int lg_table_universe(struct lg_universe_table *table,
					     struct task_struct *task)
{
	struct lg_task_state *state = lg_task_state_find(table, task);

	return state ? READ_ONCE(state->universe) : READ_ONCE(table->start);
}

/**
 * lg_task_universe() - which universe a task runs in, during a transition
 * @task: the task, normally current
 *
 * Lock-free, allocation-free, any context: for the ftrace handler, only
 * while it sees a func->transition set. That guarantees the table:
 * lg_init_transition() publishes it before setting the marks, and
 * lg_complete_transition() clears them and waits for every handler
 * (lg_synchronize()) before unpublishing it. Everyone else reads lg_table
 * once and uses lg_table_universe().
 */
static __always_inline int lg_task_universe(struct task_struct *task)
{
	return lg_table_universe(rcu_dereference_raw(lg_table), task);
}

/* Must hold lg_mutex. */
int lg_universe_create(int start, unsigned long gen);
void lg_universe_destroy(void);
int lg_universe_reserve(void);

/* Any context; @gfp 0 never allocates. */
struct lg_task_state *lg_universe_get(struct lg_universe_table *table,
				      struct task_struct *task, gfp_t gfp);
typedef void (*lg_departed_fn)(struct lg_task_state *state, void *arg);
struct lg_task_state *lg_universe_fork(struct lg_universe_table *table,
				       struct task_struct *task, int universe,
				       gfp_t gfp);
void lg_universe_release(struct lg_universe_table *table,
			 struct lg_task_state *state);
void lg_universe_lost_fork(struct lg_universe_table *table, int target);
unsigned int lg_universe_lost_forks(struct lg_universe_table *table);
bool lg_universe_flip(struct lg_universe_table *table,
		      unsigned int lost_forks, int target);
void lg_universe_visit_departed(struct lg_universe_table *table,
				lg_departed_fn fn, void *arg);

#endif /* _LIVEGRAFT_UNIVERSE_H */
