// SPDX-License-Identifier: GPL-2.0
/*
 * transition.c - moving every task from one universe to the other.
 *
 * A transition takes one patch to a target state, patched or unpatched.
 * lg_init_transition() puts every task in the start universe (universe.c)
 * and marks the patch's functions, so that the ftrace handler asks each
 * task's universe. A task then moves to the target only where none of the
 * functions being replaced can be on its stack:
 *
 *  - sleeping, when its stack proves it (arch: reliable unwind) - the
 *    worker, lg_try_complete_transition(), checks every task it finds
 *    unmoved, under task_call_func() so that it cannot run meanwhile;
 *  - on its way back to user space, from a TWA_RESUME task_work: its
 *    kernel stack is empty there; running and blocked user tasks get one;
 *  - an idle task, while a work item the worker queued on its CPU runs:
 *    the idle task is then switched out in its idle loop;
 *  - a kthread at lg_task_safe();
 *  - after signal_delay_ms, user tasks still blocked get a fake signal
 *    (TWA_SIGNAL task_work, no real signal: the syscall restarts) and
 *    sleeping kthreads a wake-up.
 *
 * Every move from an event decrements lg_unmoved; the last one kicks the
 * worker through an irq_work (safe under the scheduler's locks), which
 * completes the transition at once. The worker also retries on its own,
 * with a growing delay, for tasks whose stacks must be checked again.
 *
 * lg_mutex serialises everything here but the events and the handler.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/irq_work.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/task_work.h>

#include "arch.h"
#include "core.h"
#include "ksyms.h"
#include "redirect.h"
#include "transition.h"
#include "universe.h"

static unsigned int signal_delay_ms = 1000;
module_param(signal_delay_ms, uint, 0644);
MODULE_PARM_DESC(signal_delay_ms,
		 "how long tasks may block a transition before they get a fake signal (ms, 0: never)");

#define RETRY_MIN_MS	10
#define RETRY_MAX_MS	500
#define MAX_STACK_ENTRIES	100

struct lg_live_patch *lg_transition_patch;
int lg_target_state = LG_UNDEFINED;

/* Numbers transitions, so that a late task_work can tell its own. lg_mutex. */
static unsigned long transition_gen;

/* Tasks found unmoved by the last scan, less the moves since. */
static atomic_t lg_unmoved;
static atomic_t moved_count[LG_MOVED_NR];
static atomic_t signal_count;

/* Worker state, lg_mutex. */
static unsigned int retry_ms;
static unsigned long signal_at;
static bool stall_reported;

static struct workqueue_struct *lg_wq;
static void transition_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(transition_work, transition_work_fn);
static struct work_struct __percpu *idle_kick;

static void kick_fn(struct irq_work *work)
{
	mod_delayed_work(lg_wq, &transition_work, 0);
}

static DEFINE_IRQ_WORK(transition_kick, kick_fn);

/* The stack of the task being checked; lg_mutex. */
static unsigned long stack_entries[MAX_STACK_ENTRIES];

static const char *state_name(int state)
{
	return state == LG_PATCHED ? "patching" : "unpatching";
}

static void set_transition(struct lg_live_patch *patch, bool transition)
{
	struct lg_live_object *obj;
	struct lg_live_func *func;

	lg_for_each_object(patch, obj)
		lg_for_each_func(obj, func)
			WRITE_ONCE(func->transition, transition);
}

static void move_task(struct lg_universe_table *table,
		      struct task_struct *task, enum lg_moved_by how)
{
	struct lg_task_state *state = lg_universe_get(table, task);
	int target = READ_ONCE(lg_target_state);

	if (!state || READ_ONCE(state->universe) == target)
		return;
	WRITE_ONCE(state->universe, target);
	atomic_inc(&moved_count[how]);
	if (atomic_dec_and_test(&lg_unmoved))
		irq_work_queue(&transition_kick);
}

/**
 * lg_transition_moved() - a task reached a point where it can move
 * @task:	the task, at a point where no patched function is on its stack
 * @how:	which mechanism found it there
 *
 * Any context, including under the scheduler's locks.
 */
void lg_transition_moved(struct task_struct *task, enum lg_moved_by how)
{
	struct lg_universe_table *table;

	rcu_read_lock();
	table = rcu_dereference(lg_table);
	if (table)
		move_task(table, task, how);
	rcu_read_unlock();
}

/**
 * lg_transition_exited() - a task that may not have moved is gone
 * @task: the exiting task
 */
void lg_transition_exited(struct task_struct *task)
{
	struct lg_universe_table *table;

	rcu_read_lock();
	table = rcu_dereference(lg_table);
	if (table && lg_table_universe(table, task) != READ_ONCE(lg_target_state) &&
	    atomic_dec_and_test(&lg_unmoved))
		irq_work_queue(&transition_kick);
	rcu_read_unlock();
}

/**
 * lg_task_safe() - see include/livegraft.h
 */
void lg_task_safe(void)
{
	if (likely(!rcu_access_pointer(lg_table)))
		return;
	lg_transition_moved(current, LG_MOVED_SAFE);
}
EXPORT_SYMBOL_GPL(lg_task_safe);

struct lg_task_work {
	struct callback_head cb;
	unsigned long gen;
	enum lg_moved_by how;
};

/*
 * Runs on the task's way back to user space (or from a fake signal's
 * delivery, also on that way), with nothing of the kernel on its stack
 * below the entry code.
 */
static void lg_task_work_fn(struct callback_head *cb)
{
	struct lg_task_work *work = container_of(cb, struct lg_task_work, cb);
	struct lg_universe_table *table;
	struct lg_task_state *state;

	rcu_read_lock();
	table = rcu_dereference(lg_table);
	if (table && table->gen == work->gen) {
		state = lg_task_state_find(table, current);
		if (state)
			WRITE_ONCE(state->work_queued, false);
		move_task(table, current, work->how);
	}
	rcu_read_unlock();
	kfree(work);
	/* Pairs with __module_get() in queue_task_work(). */
	module_put(THIS_MODULE);
}

/*
 * A task_work of ours stays queued until the task returns to user space
 * or exits, maybe long after the transition: it holds a reference on
 * livegraft.ko so that its function cannot go away.
 */
static void queue_task_work(struct task_struct *task, struct lg_task_state *state,
			    enum task_work_notify_mode mode, enum lg_moved_by how)
{
	struct lg_task_work *work;

	work = kzalloc(sizeof(*work), GFP_ATOMIC);
	if (!work)
		return;
	init_task_work(&work->cb, lg_task_work_fn);
	work->gen = transition_gen;
	work->how = how;
	__module_get(THIS_MODULE);
	if (task_work_add(task, &work->cb, mode)) {
		/* The task is exiting: it will not need to move. */
		kfree(work);
		module_put(THIS_MODULE);
		return;
	}
	WRITE_ONCE(state->work_queued, true);
}

/*
 * The range of code a task must not be in to move: when patching, the code
 * it would leave (the old function, or the replacement below on the
 * stack); when unpatching, the replacement.
 */
static void blocking_range(struct lg_live_func *func, unsigned long *start,
			   unsigned long *size)
{
	struct lg_live_func *below;

	if (lg_target_state == LG_UNPATCHED) {
		*start = (unsigned long)func->desc->new_func;
		*size = func->new_size;
		return;
	}
	below = lg_redirect_below(func);
	if (below) {
		*start = (unsigned long)below->desc->new_func;
		*size = below->new_size;
	} else {
		*start = func->old_addr;
		*size = func->old_size;
	}
}

/* Which function of the transition, if any, is on this stack. */
static const char *stack_blocker(unsigned long *entries, unsigned int nr)
{
	struct lg_live_object *obj;
	struct lg_live_func *func;
	unsigned long start, size;
	unsigned int i;

	lg_for_each_object(lg_transition_patch, obj) {
		if (!obj->patched)
			continue;
		lg_for_each_func(obj, func) {
			blocking_range(func, &start, &size);
			for (i = 0; i < nr; i++)
				if (entries[i] >= start && entries[i] < start + size)
					return func->desc->old_name;
		}
	}
	return NULL;
}

/* Under task_call_func(): the task cannot start running meanwhile. */
static int check_and_move(struct task_struct *task, void *arg)
{
	struct lg_task_state *state = arg;
	int nr;

	if (READ_ONCE(task->on_cpu) && task != current) {
		state->reason = LG_BLOCK_RUNNING;
		return -EBUSY;
	}
	nr = lg_arch_save_stack(task, stack_entries, MAX_STACK_ENTRIES);
	if (nr < 0) {
		state->reason = LG_BLOCK_UNRELIABLE;
		return -EINVAL;
	}
	state->blocker = stack_blocker(stack_entries, nr);
	if (state->blocker) {
		state->reason = LG_BLOCK_FUNCTION;
		return -EADDRINUSE;
	}
	WRITE_ONCE(state->universe, lg_target_state);
	return 0;
}

/* Try to move one task; true when it is in the target universe. */
static bool try_switch_task(struct lg_universe_table *table,
			    struct task_struct *task)
{
	struct lg_task_state *state = lg_universe_get(table, task);

	if (!state)
		return false;
	if (READ_ONCE(state->universe) == lg_target_state)
		return true;

	if (!lg_ksym.task_call_func(task, check_and_move, state)) {
		atomic_inc(&moved_count[LG_MOVED_STACK]);
		return true;
	}

	if (!(task->flags & PF_KTHREAD) && !READ_ONCE(state->work_queued)) {
		queue_task_work(task, state, TWA_RESUME, LG_MOVED_USER);
		if (state->reason == LG_BLOCK_RUNNING)
			kick_process(task);
	}
	return false;
}

/* Idle tasks move while a work of ours runs on their CPU: queue them. */
static unsigned int switch_idle_tasks(struct lg_universe_table *table)
{
	struct task_struct *idle;
	unsigned int unmoved = 0;
	int cpu;

	cpus_read_lock();
	for_each_possible_cpu(cpu) {
		idle = lg_ksym.idle_task(cpu);
		if (lg_table_universe(table, idle) == lg_target_state)
			continue;
		if (!cpu_online(cpu)) {
			/* It runs nothing until the CPU comes back up. */
			move_task(table, idle, LG_MOVED_IDLE);
			continue;
		}
		queue_work_on(cpu, lg_wq, per_cpu_ptr(idle_kick, cpu));
		unmoved++;
	}
	cpus_read_unlock();
	return unmoved;
}

static ssize_t format_pending(char *buf, size_t size);

static void report_stall(unsigned int unmoved)
{
	char buf[128];

	/* The first pending task, as sysfs pending shows it. */
	if (!format_pending(buf, sizeof(buf)))
		return;
	strreplace(buf, '\n', '\0');
	pr_notice("'%s': transition stalled, %u tasks pending, first: %s (see pending)\n",
		  lg_transition_patch->name, unmoved, buf);
}

static void send_signals(struct lg_universe_table *table)
{
	struct task_struct *g, *task;
	struct lg_task_state *state;

	rcu_read_lock();
	for_each_process_thread(g, task) {
		if (lg_table_universe(table, task) == lg_target_state)
			continue;
		if (task->flags & PF_KTHREAD) {
			lg_ksym.wake_up_state(task, TASK_INTERRUPTIBLE);
		} else {
			state = lg_universe_get(table, task);
			if (state)
				queue_task_work(task, state, TWA_SIGNAL,
						LG_MOVED_SIGNAL);
		}
		atomic_inc(&signal_count);
	}
	rcu_read_unlock();
}

static void lg_complete_transition(void)
{
	struct lg_live_patch *patch = lg_transition_patch;
	struct lg_live_object *obj;
	int i;

	pr_debug("'%s': completing %s transition\n", patch->name,
		 state_name(lg_target_state));

	if (lg_target_state == LG_UNPATCHED) {
		lg_unpatch_objects(patch);
		/* No handler may still see the funcs just taken off. */
		lg_synchronize();
	}

	/*
	 * Every task is in the target universe: without the marks the
	 * handler picks the same function as with them. Wait for handlers
	 * that saw a mark, and may still read the table, before it goes.
	 */
	set_transition(patch, false);
	lg_synchronize();
	lg_universe_destroy();
	cancel_delayed_work(&transition_work);

	for (i = 0; i < LG_MOVED_NR; i++)
		patch->stats.moved[i] = atomic_read(&moved_count[i]);
	patch->stats.signals = atomic_read(&signal_count);
	if (patch->stats.start_ns)
		patch->stats.duration_ns = ktime_get_real_ns() -
					   patch->stats.start_ns;

	lg_for_each_object(patch, obj) {
		if (!obj->loaded)
			continue;
		if (lg_target_state == LG_PATCHED)
			lg_post_patch_callback(obj);
		else
			lg_post_unpatch_callback(obj);
	}

	pr_notice("'%s': %s complete\n", patch->name,
		  state_name(lg_target_state));
	lg_target_state = LG_UNDEFINED;
	lg_transition_patch = NULL;
}

/**
 * lg_try_complete_transition() - move every task that can move now, and
 * complete the transition when none is left; a patch that ends up
 * disabled is then freed. Otherwise schedule the next attempt.
 *
 * Return: whether it completed. Must hold lg_mutex.
 */
bool lg_try_complete_transition(void)
{
	struct lg_live_patch *patch = lg_transition_patch;
	struct lg_universe_table *table;
	struct task_struct *g, *task;
	unsigned int unmoved = 0, tasks = 0;

	lockdep_assert_held(&lg_mutex);
	table = rcu_dereference_protected(lg_table, lockdep_is_held(&lg_mutex));
	/* Without spare entries, new tasks stay behind until the next try. */
	lg_universe_reserve();

	rcu_read_lock();
	for_each_process_thread(g, task) {
		tasks++;
		if (!try_switch_task(table, task))
			unmoved++;
	}
	rcu_read_unlock();
	unmoved += switch_idle_tasks(table);
	if (!patch->stats.tasks)
		patch->stats.tasks = tasks;

	if (!unmoved) {
		lg_complete_transition();
		if (!patch->enabled)
			lg_free_patch_async(patch);
		return true;
	}

	/* The moves from here on count down to the next attempt. */
	atomic_set(&lg_unmoved, unmoved);
	patch->stats.retries++;
	if (signal_delay_ms && time_after_eq(jiffies, signal_at)) {
		if (!stall_reported) {
			report_stall(unmoved);
			stall_reported = true;
		}
		send_signals(table);
		signal_at = jiffies + msecs_to_jiffies(signal_delay_ms);
	}
	mod_delayed_work(lg_wq, &transition_work, msecs_to_jiffies(retry_ms));
	retry_ms = min(retry_ms * 2, RETRY_MAX_MS);
	return false;
}

static void transition_work_fn(struct work_struct *work)
{
	mutex_lock(&lg_mutex);
	if (lg_transition_patch)
		lg_try_complete_transition();
	mutex_unlock(&lg_mutex);
}

/**
 * lg_init_transition() - prepare a patch's transition to @state
 * @patch:	the patch
 * @state:	LG_PATCHED or LG_UNPATCHED
 *
 * Every task starts in the universe opposite @state.
 *
 * Return: 0, or -ENOMEM with nothing changed.
 * Must hold lg_mutex.
 */
int lg_init_transition(struct lg_live_patch *patch, int state)
{
	int i, ret;

	lockdep_assert_held(&lg_mutex);
	WARN_ON_ONCE(lg_target_state != LG_UNDEFINED);

	pr_debug("'%s': initializing %s transition\n", patch->name,
		 state_name(state));
	/* Set before the hooks can see the table and move tasks. */
	lg_transition_patch = patch;
	WRITE_ONCE(lg_target_state, state);
	for (i = 0; i < LG_MOVED_NR; i++)
		atomic_set(&moved_count[i], 0);
	atomic_set(&signal_count, 0);
	atomic_set(&lg_unmoved, INT_MAX);
	memset(&patch->stats.moved, 0, sizeof(patch->stats.moved));
	patch->stats.tasks = 0;
	patch->stats.retries = 0;
	patch->stats.signals = 0;

	ret = lg_universe_create(!state, ++transition_gen);
	if (ret)
		goto err;

	/*
	 * Publish the table (lg_universe_create()) before func->transition:
	 * a handler that sees the mark finds the table. Pairs with the
	 * second smp_rmb() in lg_ftrace_handler().
	 */
	smp_wmb();
	set_transition(patch, true);
	return 0;

err:
	WRITE_ONCE(lg_target_state, LG_UNDEFINED);
	lg_transition_patch = NULL;
	return ret;
}

static void restart_attempts(void)
{
	retry_ms = RETRY_MIN_MS;
	signal_at = jiffies + msecs_to_jiffies(signal_delay_ms);
	stall_reported = false;
}

/**
 * lg_start_transition() - set the tasks moving. Must hold lg_mutex.
 *
 * The caller then makes the first attempt, lg_try_complete_transition().
 */
void lg_start_transition(void)
{
	struct lg_live_patch *patch = lg_transition_patch;

	lockdep_assert_held(&lg_mutex);
	pr_notice("'%s': starting %s transition\n", patch->name,
		  state_name(lg_target_state));
	patch->stats.transitions++;
	patch->stats.start_ns = ktime_get_real_ns();
	patch->stats.duration_ns = 0;
	restart_attempts();
}

/**
 * lg_cancel_transition() - undo a patching transition that never started
 *
 * For errors in lg_enable_patch(): no task has moved, so the transition
 * completes at once as an unpatching one; the objects patched so far are
 * unpatched and owed post_unpatch callbacks run. The caller frees the
 * patch. Must hold lg_mutex.
 */
void lg_cancel_transition(void)
{
	lockdep_assert_held(&lg_mutex);
	if (WARN_ON_ONCE(lg_target_state != LG_PATCHED))
		return;

	pr_debug("'%s': canceling patching transition, going to unpatch\n",
		 lg_transition_patch->name);
	WRITE_ONCE(lg_target_state, LG_UNPATCHED);
	lg_complete_transition();
}

/**
 * lg_reverse_transition() - turn the running transition around
 *
 * Tasks that moved must move back, by the same rules; the others are
 * already there. No callbacks run now: the final direction's post
 * callbacks run at completion. Must hold lg_mutex.
 */
void lg_reverse_transition(void)
{
	struct lg_live_patch *patch = lg_transition_patch;

	lockdep_assert_held(&lg_mutex);
	pr_debug("'%s': reversing transition from %s to %s\n", patch->name,
		 state_name(lg_target_state), state_name(!lg_target_state));
	patch->enabled = !patch->enabled;
	WRITE_ONCE(lg_target_state, !lg_target_state);
	patch->stats.reversals++;
	lg_start_transition();
	lg_try_complete_transition();
}

/**
 * lg_force_transition() - move every remaining task now
 *
 * Unsafe by design: a task may still run code of the universe it leaves.
 * The patch's module therefore stays loaded for good. Must hold lg_mutex.
 */
void lg_force_transition(void)
{
	struct lg_universe_table *table;
	struct task_struct *g, *task;
	int cpu;

	lockdep_assert_held(&lg_mutex);
	pr_warn("'%s': forcing remaining tasks to the %s state, the patch module can no longer be removed\n",
		lg_transition_patch->name,
		lg_target_state == LG_PATCHED ? "patched" : "unpatched");
	lg_transition_patch->forced = true;

	table = rcu_dereference_protected(lg_table, lockdep_is_held(&lg_mutex));
	lg_universe_reserve();
	rcu_read_lock();
	for_each_process_thread(g, task)
		move_task(table, task, LG_MOVED_FORCE);
	rcu_read_unlock();
	for_each_possible_cpu(cpu)
		move_task(table, lg_ksym.idle_task(cpu), LG_MOVED_FORCE);
	lg_try_complete_transition();
}

/**
 * lg_signal_transition() - poke the blocking tasks now. Must hold lg_mutex.
 */
void lg_signal_transition(void)
{
	lockdep_assert_held(&lg_mutex);
	send_signals(rcu_dereference_protected(lg_table,
					       lockdep_is_held(&lg_mutex)));
	signal_at = jiffies + msecs_to_jiffies(signal_delay_ms);
	mod_delayed_work(lg_wq, &transition_work, 0);
}

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

static ssize_t format_pending(char *buf, size_t size)
{
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
 * checked yet", after "kthread, " for kernel threads. Must hold lg_mutex.
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
			 "signals: %u\n",
			 patch->stats.transitions, patch->stats.reversals,
			 live, patch->stats.start_ns,
			 live ? 0 : patch->stats.duration_ns,
			 patch->stats.tasks, patch->stats.retries,
			 live ? atomic_read(&signal_count) : patch->stats.signals);
	for (i = 0; i < LG_MOVED_NR; i++)
		len += sysfs_emit_at(buf, len, "%s: %u\n", moved_by[i],
				     live ? atomic_read(&moved_count[i]) :
					    patch->stats.moved[i]);
	return len;
}

/*
 * Runs on the CPU whose idle task must move: that task is switched out,
 * sleeping in schedule_idle(), its stack the idle loop's.
 */
static void idle_kick_fn(struct work_struct *work)
{
	lg_transition_moved(lg_ksym.idle_task(raw_smp_processor_id()),
			    LG_MOVED_IDLE);
}

int lg_transition_init_module(void)
{
	int cpu;

	lg_wq = alloc_workqueue("livegraft", 0, 0);
	if (!lg_wq)
		return -ENOMEM;
	idle_kick = alloc_percpu(struct work_struct);
	if (!idle_kick) {
		destroy_workqueue(lg_wq);
		return -ENOMEM;
	}
	for_each_possible_cpu(cpu)
		INIT_WORK(per_cpu_ptr(idle_kick, cpu), idle_kick_fn);
	return 0;
}

/* No transition runs: every patch is gone. */
void lg_transition_exit_module(void)
{
	irq_work_sync(&transition_kick);
	cancel_delayed_work_sync(&transition_work);
	destroy_workqueue(lg_wq);
	free_percpu(idle_kick);
}
