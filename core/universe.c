// SPDX-License-Identifier: GPL-2.0
/*
 * universe.c - the per-task universe table of a transition.
 *
 * Entries come from chunks of preallocated memory, so that a fork seen
 * from a tracepoint can get one without allocating. The transition worker
 * keeps a spare chunk ahead of demand, and a fork that finds none left
 * allocates a small one atomically. A task without an entry is in the
 * table's start universe; the worker flips that to the target once its
 * final scan has found every task there (transition.c). Idle tasks, which
 * no scan of the task list finds, get theirs with the table.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "core.h"
#include "fault.h"
#include "ksyms.h"
#include "universe.h"

struct lg_universe_table __rcu *lg_table;

struct chunk {
	struct list_head node;
	unsigned int used;
	unsigned int size;
	struct lg_task_state states[];
};

static unsigned int count_threads(void)
{
	struct task_struct *g, *t;
	unsigned int n = 0;

	rcu_read_lock();
	for_each_process_thread(g, t)
		n++;
	rcu_read_unlock();
	return n + num_possible_cpus();
}

/* A fork's own chunk, when the worker's spare one is used up. */
#define ATOMIC_CHUNK	64

/*
 * @event: for a task event (a fork), which is no fallible step of an
 * operation (fault.c) and has its own fallback: the task gets no entry.
 */
static struct chunk *alloc_chunk(unsigned int size, gfp_t gfp, bool event)
{
	struct chunk *chunk;
	size_t bytes = struct_size(chunk, states, size);

	if (!event) {
		chunk = lg_kvzalloc(bytes, gfp, LG_KIND_CHUNK);
	} else {
		chunk = kvzalloc(bytes, gfp);
		if (chunk)
			lg_live_add(LG_KIND_CHUNK, bytes);
	}
	if (chunk)
		chunk->size = size;
	return chunk;
}

/*
 * Under table->lock, or before the table is published; @chunk has room.
 * The entry holds a reference on its task until the task is dead: a task
 * that left the task list stays where lg_universe_visit_departed() finds
 * it, and no new task takes its address, and its entry, meanwhile.
 */
static struct lg_task_state *add_state(struct lg_universe_table *table,
				       struct chunk *chunk,
				       struct task_struct *task, int universe,
				       bool uncounted)
{
	unsigned int used = chunk->used;
	struct lg_task_state *state = &chunk->states[used];

	get_task_struct(task);
	state->task = task;
	state->universe = universe;
	state->uncounted = uncounted;
	/* Publishes the initialised entry: pairs with the lock-free lookup. */
	hlist_add_head_rcu(&state->node,
			   &table->buckets[hash_ptr(task, table->bits)]);
	/* And to lg_universe_visit_departed(). */
	smp_store_release(&chunk->used, used + 1);
	return state;
}

/**
 * lg_universe_create() - a table for a new transition
 * @start:	the universe every task starts in
 * @gen:	the transition's number
 *
 * Return: 0 or -ENOMEM. Must hold lg_mutex.
 */
int lg_universe_create(int start, unsigned long gen)
{
	struct lg_universe_table *table;
	unsigned int threads = count_threads();
	unsigned int bits = max(ilog2(threads) + 1, 10);
	struct chunk *chunk;
	int cpu;

	lockdep_assert_held(&lg_mutex);
	table = lg_kvzalloc(struct_size(table, buckets, 1U << bits), GFP_KERNEL,
			    LG_KIND_TABLE);
	if (!table)
		return -ENOMEM;
	chunk = alloc_chunk(2 * threads + 1024, GFP_KERNEL, false);
	if (!chunk) {
		lg_kvfree(table, LG_KIND_TABLE);
		return -ENOMEM;
	}
	table->gen = gen;
	table->start = start;
	table->epoch = 1;
	table->bits = bits;
	raw_spin_lock_init(&table->lock);
	INIT_LIST_HEAD(&table->chunks);
	list_add(&chunk->node, &table->chunks);
	/*
	 * An idle task moves only when the worker finds it switched out
	 * (transition.c): were it left to the start universe, the flip of
	 * that would move it wherever it is, in the middle of an interrupt's
	 * call of a replaced function. count_threads() made room for it.
	 */
	for_each_possible_cpu(cpu)
		add_state(table, chunk, lg_ksym.idle_task(cpu), start, false);

	rcu_assign_pointer(lg_table, table);
	return 0;
}

/**
 * lg_universe_reserve() - keep free entries ahead of forks
 *
 * Return: 0 or -ENOMEM. Must hold lg_mutex.
 */
int lg_universe_reserve(void)
{
	struct lg_universe_table *table = rcu_dereference_protected(lg_table,
						lockdep_is_held(&lg_mutex));
	unsigned int threads = count_threads();
	struct chunk *last, *chunk;
	unsigned long flags;
	bool enough;

	raw_spin_lock_irqsave(&table->lock, flags);
	last = list_last_entry(&table->chunks, struct chunk, node);
	enough = last->size - last->used > threads;
	raw_spin_unlock_irqrestore(&table->lock, flags);
	if (enough)
		return 0;

	chunk = alloc_chunk(2 * threads + 1024, GFP_KERNEL, false);
	if (!chunk)
		return -ENOMEM;
	raw_spin_lock_irqsave(&table->lock, flags);
	list_add_tail_rcu(&chunk->node, &table->chunks);
	raw_spin_unlock_irqrestore(&table->lock, flags);
	return 0;
}

/*
 * Under table->lock: the entry of a dead task whose reference was dropped
 * (lg_universe_release()), for a new task at the same address. At fork
 * (@universe >= 0) the task has not run yet: it takes its parent's
 * universe. Otherwise it may have run already, in the universe the entry
 * holds, the target: it stays there.
 */
static void revive_state(struct lg_task_state *state, struct task_struct *task,
			 int universe)
{
	get_task_struct(task);
	if (universe >= 0)
		state->universe = universe;
	state->reason = LG_BLOCK_UNCHECKED;
	state->blocker = NULL;
	state->work_queued = false;
	state->signaled = 0;
	state->uncounted = universe >= 0;
	/* Its fields before it is found live again. */
	smp_store_release(&state->released, false);
}

/* @universe: of a new entry, or -1 for the table's start universe. */
static struct lg_task_state *get_state(struct lg_universe_table *table,
				       struct task_struct *task, gfp_t gfp,
				       int universe)
{
	struct lg_task_state *state;
	struct chunk *chunk, *spare = NULL;
	unsigned long flags;

	state = lg_task_state_find(table, task);
	if (state && !READ_ONCE(state->released))
		return state;

	for (;;) {
		raw_spin_lock_irqsave(&table->lock, flags);
		/* Another context may have added it since the last look. */
		state = lg_task_state_find(table, task);
		if (state) {
			if (state->released)
				revive_state(state, task, universe);
			goto unlock;
		}
		chunk = list_last_entry(&table->chunks, struct chunk, node);
		if (chunk->used == chunk->size && spare) {
			list_add_tail_rcu(&spare->node, &table->chunks);
			chunk = spare;
			spare = NULL;
		}
		if (chunk->used < chunk->size)
			break;
		/* Never allocate under the raw lock: drop it, then retry. */
		raw_spin_unlock_irqrestore(&table->lock, flags);
		if (!gfp)
			return NULL;
		spare = alloc_chunk(ATOMIC_CHUNK, gfp | __GFP_NOWARN, true);
		if (!spare)
			return NULL;
	}
	/* A new task is not counted in lg_unmoved by the last scan. */
	state = add_state(table, chunk, task,
			  universe < 0 ? READ_ONCE(table->start) : universe,
			  universe >= 0);
unlock:
	raw_spin_unlock_irqrestore(&table->lock, flags);
	lg_kvfree(spare, LG_KIND_CHUNK);
	return state;
}

/**
 * lg_universe_get() - a task's entry, added in the start universe if new
 * @table:	the current table
 * @task:	the task
 * @gfp:	for a new chunk when the last one is full; 0: never allocate
 *
 * Any context that @gfp allows. Return: the entry, or NULL when no free
 * entry is left.
 */
struct lg_task_state *lg_universe_get(struct lg_universe_table *table,
				      struct task_struct *task, gfp_t gfp)
{
	return get_state(table, task, gfp, -1);
}

/**
 * lg_universe_fork() - a new task's entry, added in its parent's universe
 * @table:	the current table
 * @task:	the new task, which has not run yet
 * @universe:	its parent's universe
 * @gfp:	as for lg_universe_get()
 *
 * The new task is on the task list before its fork hook runs: an entry
 * that a scan made for it meanwhile stays as the scan left it, moved or
 * not, for any universe suits a task that has not run.
 *
 * Return: the entry, or NULL when no free entry is left.
 */
struct lg_task_state *lg_universe_fork(struct lg_universe_table *table,
				       struct task_struct *task, int universe,
				       gfp_t gfp)
{
	return get_state(table, task, gfp, universe);
}

/**
 * lg_universe_release() - drop the reference of a dead task's entry
 * @table:	the current table
 * @state:	the entry of a task that is dead, moved, and off the task list
 *
 * The entry stays, for lookups, and a new task at the same address takes
 * it over. Must hold lg_mutex.
 */
void lg_universe_release(struct lg_universe_table *table,
			 struct lg_task_state *state)
{
	struct task_struct *task = state->task;
	unsigned long flags;

	raw_spin_lock_irqsave(&table->lock, flags);
	WRITE_ONCE(state->released, true);
	raw_spin_unlock_irqrestore(&table->lock, flags);
	put_task_struct(task);
}

/**
 * lg_universe_lost_fork() - a new task got no entry
 * @table:	the current table
 * @target:	the transition's target
 *
 * Until the start universe is the target, the new task runs in the start
 * universe, so it must not flip under it: lg_universe_flip() waits for a
 * scan that began after this fork.
 */
void lg_universe_lost_fork(struct lg_universe_table *table, int target)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&table->lock, flags);
	if (table->start != target)
		WRITE_ONCE(table->lost_forks, table->lost_forks + 1);
	raw_spin_unlock_irqrestore(&table->lock, flags);
}

/**
 * lg_universe_lost_forks() - the count of new tasks that got no entry, as
 * a scan of the task list begins
 * @table:	the current table
 *
 * Under the lock that counts them: a fork counted here is on the task
 * list for the scan that follows, also where loads are not ordered by
 * themselves (arm64). Must hold lg_mutex.
 */
unsigned int lg_universe_lost_forks(struct lg_universe_table *table)
{
	unsigned long flags;
	unsigned int lost;

	raw_spin_lock_irqsave(&table->lock, flags);
	lost = table->lost_forks;
	raw_spin_unlock_irqrestore(&table->lock, flags);
	return lost;
}

/**
 * lg_universe_flip() - make the target the start universe
 * @table:	the current table
 * @lost_forks:	@table->lost_forks when the scan that found every task in
 *		the target began
 * @target:	the transition's target
 *
 * Return: false, and nothing flipped, if a new task got no entry since:
 * the scan may have missed it. Must hold lg_mutex.
 */
bool lg_universe_flip(struct lg_universe_table *table,
		      unsigned int lost_forks, int target)
{
	unsigned long flags;
	bool flip;

	raw_spin_lock_irqsave(&table->lock, flags);
	flip = table->lost_forks == lost_forks;
	if (flip)
		WRITE_ONCE(table->start, target);
	raw_spin_unlock_irqrestore(&table->lock, flags);
	return flip;
}

/**
 * lg_universe_visit_departed() - each entry whose task has exited, so that
 * no scan of the task list may find it
 * @table:	the current table
 * @fn:		called with the entry, under rcu_read_lock()
 * @arg:	for @fn
 *
 * Such a task may still be running the end of do_exit(). A zombie still
 * on the task list is visited too. Must hold lg_mutex, under which no
 * chunk is freed.
 */
void lg_universe_visit_departed(struct lg_universe_table *table,
				lg_departed_fn fn, void *arg)
{
	struct lg_task_state *state;
	struct chunk *chunk;
	unsigned int i, used;

	/*
	 * A task that a scan of the task list just missed had left it:
	 * exit_notify() set its exit_state under tasklist_lock before
	 * release_task() took it off. Order that scan's reads before ours.
	 */
	smp_mb();
	rcu_read_lock();
	list_for_each_entry_rcu(chunk, &table->chunks, node) {
		/* Pairs with smp_store_release() in add_state(). */
		used = smp_load_acquire(&chunk->used);
		for (i = 0; i < used; i++) {
			state = &chunk->states[i];
			if (!READ_ONCE(state->released) &&
			    READ_ONCE(state->task->exit_state))
				fn(state, arg);
		}
	}
	rcu_read_unlock();
}

/**
 * lg_universe_destroy() - free the table once nothing can read it
 *
 * The caller has cleared every func->transition and waited for the
 * handlers (lg_synchronize()), so no handler reads the table any more;
 * wait for the others, which read it under rcu_read_lock(): task_work
 * callbacks, tracepoint probes, idle kicks. Must hold lg_mutex.
 */
void lg_universe_destroy(void)
{
	struct lg_universe_table *table = rcu_dereference_protected(lg_table,
						lockdep_is_held(&lg_mutex));
	struct chunk *chunk, *tmp;
	unsigned int i;

	RCU_INIT_POINTER(lg_table, NULL);
	synchronize_rcu();

	list_for_each_entry_safe(chunk, tmp, &table->chunks, node) {
		for (i = 0; i < chunk->used; i++)
			if (!chunk->states[i].released)
				put_task_struct(chunk->states[i].task);
		lg_kvfree(chunk, LG_KIND_CHUNK);
	}
	lg_kvfree(table, LG_KIND_TABLE);
}
