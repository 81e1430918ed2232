// SPDX-License-Identifier: GPL-2.0
/*
 * transition.c - moving every task from one universe to the other.
 *
 * A transition takes one patch to a target state, patched or unpatched.
 * lg_init_transition() puts every task in the start universe (universe.c)
 * and marks the patch's functions, so that the ftrace handler asks each
 * task's universe. Tasks may move only once lg_start_transition() opened
 * the table: every function is redirected and every pre-callback has run.
 * A task then moves to the target only where none of the code it would
 * leave can be on its stack (check.c):
 *
 *  - sleeping, when its stack proves it - the worker,
 *    lg_try_complete_transition(), checks every task it finds unmoved,
 *    under task_call_func() so that it cannot run meanwhile;
 *  - wherever a task_work of ours runs, after checking its own stack
 *    there: on the way back to user space its kernel stack is empty, but
 *    io_uring and KVM run task_work in the middle of system calls, with
 *    anything below; running and blocked user tasks get one;
 *  - when it exits, after the same check of its own stack; until it is
 *    dead, the worker also checks it after it left the task list, where
 *    it still runs the end of do_exit() (exits.c);
 *  - an idle task, while a work item the worker queued on its CPU runs:
 *    the idle task is then switched out in its idle loop;
 *  - a kthread at lg_task_safe();
 *  - after signal_delay_ms, tasks still blocked get one poke: user tasks
 *    a fake signal (TIF_NOTIFY_SIGNAL on their task_work, no real signal:
 *    an interrupted system call restarts), sleeping kthreads a wake-up.
 *
 * Every move from an event decrements lg_unmoved; the last one kicks the
 * worker through an irq_work (safe under the scheduler's locks), which
 * completes the transition at once. The worker also retries on its own,
 * with a growing delay, for tasks whose stacks must be checked again.
 *
 * lg_mutex serialises everything here but the events and the handler.
 * The events move tasks under rcu_read_lock() after seeing the table
 * open; a reversal closes it and waits for them before the target flips.
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
#include "check.h"
#include "core.h"
#include "exits.h"
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

struct lg_live_patch *lg_transition_patch;
int lg_target_state = LG_UNDEFINED;

/* Numbers transitions, so that a late task_work can tell its own. lg_mutex. */
static unsigned long transition_gen;

/* Tasks found unmoved by the last scan, less the moves since. */
static atomic_t lg_unmoved;
static atomic_t moved_count[LG_MOVED_NR];
static atomic_t signal_count;

/* Worker state, lg_mutex. */
static u64 start_mono_ns;
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

/*
 * Under rcu_read_lock(): the table, if tasks may move now. A task that
 * sees the table open also sees every function redirected and the current
 * target.
 */
static struct lg_universe_table *open_table(void)
{
	struct lg_universe_table *table = rcu_dereference(lg_table);

	/* Pairs with smp_store_release() in lg_start_transition(). */
	if (table && smp_load_acquire(&table->open))
		return table;
	return NULL;
}

/* One task fewer to wait for: the last one kicks the worker. */
static void count_unmoved_down(struct lg_task_state *state)
{
	if (state->uncounted)
		return;
	state->uncounted = true;
	if (atomic_dec_return(&lg_unmoved) == 0)
		irq_work_queue(&transition_kick);
}

/* The caller saw @table open, in the same RCU read-side section. */
static void move_task(struct lg_universe_table *table,
		      struct task_struct *task, enum lg_moved_by how)
{
	struct lg_task_state *state = lg_universe_get(table, task, 0);
	int target = READ_ONCE(lg_target_state);

	if (!state || READ_ONCE(state->universe) == target)
		return;
	WRITE_ONCE(state->universe, target);
	atomic_inc(&moved_count[how]);
	count_unmoved_down(state);
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
	table = open_table();
	if (table)
		move_task(table, task, how);
	rcu_read_unlock();
}

/*
 * lg_check_stack(), recording why the task cannot move for pending.
 * Return: 0 when it may move.
 */
static int check_task_stack(struct task_struct *task, struct lg_task_state *state)
{
	const char *blocker = NULL;
	int ret = lg_check_stack(task, &blocker);

	if (ret) {
		state->reason = ret == -EINVAL ? LG_BLOCK_UNRELIABLE :
						 LG_BLOCK_FUNCTION;
		state->blocker = blocker;
	}
	return ret;
}

/*
 * The current task, somewhere it did not choose: it moves if its own
 * stack proves it may. Under rcu_read_lock(), with @table open.
 */
static void move_current(struct lg_universe_table *table, enum lg_moved_by how)
{
	struct lg_task_state *state = lg_universe_get(table, current, 0);

	if (!state || READ_ONCE(state->universe) == READ_ONCE(lg_target_state))
		return;
	if (!check_task_stack(current, state))
		move_task(table, current, how);
}

/**
 * lg_transition_exiting() - the current task is exiting
 *
 * It gets an entry, if it has none, so that the worker still finds it
 * once it has left the task list, until it is dead (exits.c). It moves if
 * its stack allows; otherwise the worker looks at it again, and should do
 * so now: it may be dead soon.
 */
void lg_transition_exiting(void)
{
	struct lg_universe_table *table;
	struct lg_task_state *state;

	rcu_read_lock();
	table = rcu_dereference(lg_table);
	if (table)
		lg_universe_get(table, current, GFP_ATOMIC);
	table = open_table();
	if (table) {
		move_current(table, LG_MOVED_EXIT);
		state = lg_task_state_find(table, current);
		if (state)
			count_unmoved_down(state);
	}
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
};

/*
 * Runs wherever the task runs its task_work: on its way back to user
 * space or from a fake signal's delivery, but also in the middle of a
 * system call (io_uring, KVM) or in do_exit(). So the task checks its own
 * stack before it moves.
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
		table = open_table();
		if (state && table)
			move_current(table,
				     READ_ONCE(state->signaled) == table->epoch ?
				     LG_MOVED_SIGNAL : LG_MOVED_USER);
	}
	rcu_read_unlock();
	kfree(work);
	/*
	 * Pairs with __module_get() in queue_task_work(). We still return
	 * through our own text: lg_transition_exit_module() waits for that.
	 */
	module_put(THIS_MODULE);
}

/*
 * A task_work of ours stays queued until the task runs it, maybe long
 * after the transition: it holds a reference on livegraft.ko so that its
 * function cannot go away. At most one is queued per task and transition
 * (@state->work_queued).
 */
static void queue_task_work(struct task_struct *task, struct lg_task_state *state,
			    enum task_work_notify_mode mode)
{
	struct lg_task_work *work;

	work = kzalloc(sizeof(*work), GFP_ATOMIC);
	if (!work)
		return;
	init_task_work(&work->cb, lg_task_work_fn);
	work->gen = transition_gen;
	__module_get(THIS_MODULE);
	/* Before the work can run and clear it. */
	WRITE_ONCE(state->work_queued, true);
	if (task_work_add(task, &work->cb, mode)) {
		/* The task is exiting: it will not need to move. */
		WRITE_ONCE(state->work_queued, false);
		kfree(work);
		module_put(THIS_MODULE);
	}
}

/*
 * What task_work_add(TWA_SIGNAL) does, for a task whose work is already
 * queued: no allocation, however often it is poked.
 */
static void notify_signal(struct task_struct *task)
{
	if (!test_and_set_tsk_thread_flag(task, TIF_NOTIFY_SIGNAL) &&
	    !lg_ksym.wake_up_state(task, TASK_INTERRUPTIBLE))
		kick_process(task);
}

/* Get a user task to run our task_work, with a fake signal or without. */
static void poke_user_task(struct task_struct *task,
			   struct lg_task_state *state, bool signal)
{
	if (!READ_ONCE(state->work_queued))
		queue_task_work(task, state, signal ? TWA_SIGNAL : TWA_RESUME);
	else if (signal)
		notify_signal(task);
}

/* Under task_call_func(): the task cannot start running meanwhile. */
static int check_and_move(struct task_struct *task, void *arg)
{
	struct lg_task_state *state = arg;
	int ret;

	if (READ_ONCE(task->on_cpu) && task != current) {
		state->reason = LG_BLOCK_RUNNING;
		return -EBUSY;
	}
	ret = check_task_stack(task, state);
	if (ret)
		return ret;
	WRITE_ONCE(state->universe, lg_target_state);
	return 0;
}

/* Try to move one task; true when it is in the target universe. */
static bool try_switch_task(struct lg_universe_table *table,
			    struct task_struct *task)
{
	struct lg_task_state *state = lg_universe_get(table, task, 0);

	if (!state)
		return false;
	if (READ_ONCE(state->universe) == lg_target_state)
		return true;

	if (!lg_ksym.task_call_func(task, check_and_move, state)) {
		atomic_inc(&moved_count[LG_MOVED_STACK]);
		return true;
	}
	/* Counted in lg_unmoved by this scan. */
	state->uncounted = false;

	if (!(task->flags & PF_KTHREAD)) {
		poke_user_task(task, state, false);
		if (state->reason == LG_BLOCK_RUNNING)
			kick_process(task);
	}
	return false;
}

/*
 * A task that exited: off the task list, it still runs the end of
 * do_exit(), where it may have a replaced function on its stack, until its
 * stack is gone. Once it is dead, its entry lets it go.
 */
static void switch_departed(struct lg_task_state *state, void *unmoved)
{
	struct lg_universe_table *table = rcu_dereference(lg_table);
	struct task_struct *task = state->task;

	if (!try_switch_task(table, task)) {
		(*(unsigned int *)unmoved)++;
		return;
	}
	/* Off the task list for good: no scan looks it up again. */
	if (!pid_alive(task) && lg_task_dead(task))
		lg_universe_release(table, state);
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

/*
 * Poke every task that has not moved: once per direction of the
 * transition, unless @again (an operator's request) pokes those already
 * poked as well.
 */
static void send_signals(struct lg_universe_table *table, bool again)
{
	struct task_struct *g, *task;
	struct lg_task_state *state;

	rcu_read_lock();
	for_each_process_thread(g, task) {
		state = lg_universe_get(table, task, 0);
		if (!state || READ_ONCE(state->universe) == lg_target_state)
			continue;
		if (state->signaled == table->epoch && !again)
			continue;
		WRITE_ONCE(state->signaled, table->epoch);
		if (task->flags & PF_KTHREAD)
			lg_ksym.wake_up_state(task, TASK_INTERRUPTIBLE);
		else
			poke_user_task(task, state, true);
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
	lg_check_clear();
	cancel_delayed_work(&transition_work);

	for (i = 0; i < LG_MOVED_NR; i++)
		patch->stats.moved[i] = atomic_read(&moved_count[i]);
	patch->stats.signals = atomic_read(&signal_count);
	if (start_mono_ns)
		patch->stats.duration_ns = ktime_get_ns() - start_mono_ns;

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
	unsigned int lost_forks;

	lockdep_assert_held(&lg_mutex);
	table = rcu_dereference_protected(lg_table, lockdep_is_held(&lg_mutex));
	/* Without spare entries, new tasks allocate their own. */
	lg_universe_reserve();

	/*
	 * Count down from 0 during the scan, so that a task counted unmoved
	 * below and moving before the scan ends is not lost.
	 */
	atomic_set(&lg_unmoved, 0);
	lost_forks = lg_universe_lost_forks(table);
	rcu_read_lock();
	for_each_process_thread(g, task) {
		tasks++;
		if (!try_switch_task(table, task))
			unmoved++;
	}
	rcu_read_unlock();
	lg_universe_visit_departed(table, switch_departed, &unmoved);
	/*
	 * Every task is in the target, so is every parent of a new task: a
	 * task that gets no entry at fork belongs there too. But one that got
	 * none since this scan began runs in the start universe and the scan
	 * may have missed it: then look again.
	 */
	if (!unmoved && !lg_universe_flip(table, lost_forks, lg_target_state))
		unmoved++;
	unmoved += switch_idle_tasks(table);
	if (!patch->stats.tasks)
		patch->stats.tasks = tasks;

	if (!unmoved) {
		lg_complete_transition();
		if (!patch->enabled)
			lg_free_patch_async(patch);
		return true;
	}

	patch->stats.retries++;
	if (signal_delay_ms && time_after_eq(jiffies, signal_at)) {
		if (!stall_reported) {
			report_stall(unmoved);
			stall_reported = true;
		}
		send_signals(table, false);
		signal_at = jiffies + msecs_to_jiffies(signal_delay_ms);
	}
	/* The moves from here on count down to the next attempt. */
	if (atomic_add_return(unmoved, &lg_unmoved) <= 0)
		retry_ms = 0;
	mod_delayed_work(lg_wq, &transition_work, msecs_to_jiffies(retry_ms));
	retry_ms = clamp(retry_ms * 2, RETRY_MIN_MS, RETRY_MAX_MS);
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
	ret = lg_exits_pin(rcu_dereference_protected(lg_table,
						     lockdep_is_held(&lg_mutex)));
	if (ret) {
		lg_universe_destroy();
		goto err;
	}
	start_mono_ns = 0;

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
 * lg_start_transition() - let the tasks move. Must hold lg_mutex.
 *
 * Every function of the patch is redirected and every pre-callback has
 * run: from here on a task that moves finds the code of its new universe
 * in place. The caller then makes the first attempt,
 * lg_try_complete_transition().
 */
void lg_start_transition(void)
{
	struct lg_live_patch *patch = lg_transition_patch;
	struct lg_universe_table *table;

	lockdep_assert_held(&lg_mutex);
	table = rcu_dereference_protected(lg_table, lockdep_is_held(&lg_mutex));
	lg_check_update();
	pr_notice("'%s': starting %s transition\n", patch->name,
		  state_name(lg_target_state));
	patch->stats.transitions++;
	patch->stats.start_ns = ktime_get_real_ns();
	start_mono_ns = ktime_get_ns();
	patch->stats.duration_ns = 0;
	restart_attempts();
	/* Pairs with smp_load_acquire() in open_table(). */
	smp_store_release(&table->open, true);
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
	struct lg_universe_table *table;

	lockdep_assert_held(&lg_mutex);
	pr_debug("'%s': reversing transition from %s to %s\n", patch->name,
		 state_name(lg_target_state), state_name(!lg_target_state));
	table = rcu_dereference_protected(lg_table, lockdep_is_held(&lg_mutex));

	/*
	 * A task that decided to move for the old target must have written
	 * its move before the target flips: close the table and wait for
	 * every mover, which moves under rcu_read_lock() after seeing it
	 * open, as the kernel's klp_reverse_transition() does.
	 */
	WRITE_ONCE(table->open, false);
	synchronize_rcu();

	patch->enabled = !patch->enabled;
	WRITE_ONCE(lg_target_state, !lg_target_state);
	table->epoch++;
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
					       lockdep_is_held(&lg_mutex)), true);
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

struct pending_buf {
	char *buf;
	size_t size;
	ssize_t len;
};

static void format_departed(struct lg_task_state *state, void *arg)
{
	struct pending_buf *out = arg;

	if (READ_ONCE(state->universe) == lg_target_state)
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
 * Runs on the CPU whose idle task must move: that task is switched out in
 * schedule_idle(), called from the idle loop, the point where the kernel's
 * livepatch moves idle tasks (klp_update_patch_state() in do_idle()). Its
 * stack is not checked, as there: the boot CPU's idle stack returns into
 * freed init code, which no reliable unwinder accepts; the idle loop is
 * trusted not to be patched.
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
	/*
	 * A task_work callback that dropped the last reference on us may
	 * not have returned out of our text yet; it cannot reach a
	 * voluntary switch or user space before it has.
	 */
	synchronize_rcu_tasks();
	irq_work_sync(&transition_kick);
	cancel_delayed_work_sync(&transition_work);
	destroy_workqueue(lg_wq);
	free_percpu(idle_kick);
}
