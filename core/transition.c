// SPDX-License-Identifier: GPL-2.0
/*
 * transition.c - the transition state machine.
 *
 * A transition takes one patch to a target state, patched or unpatched.
 * lg_init_transition() puts every task in the start universe (universe.c)
 * and marks the patch's functions, so that the ftrace handler asks each
 * task's universe. Tasks may move only once lg_start_transition() opened
 * the table: every function is redirected and every pre-callback has run.
 * From then on tasks move to the target as switch.c lets them; the worker,
 * lg_try_complete_transition(), scans for those left, pokes them after
 * signal_delay_ms, and completes the transition when every task is in the
 * target. The last move from an event kicks the worker through an
 * irq_work (safe under the scheduler's locks); otherwise it retries with a
 * growing delay, for tasks whose stacks must be checked again.
 *
 * A reversal turns the target around; force moves everyone at once.
 * lg_mutex serialises everything here but the events and the handler.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/irq_work.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <linux/sched/signal.h>

#include "check.h"
#include "core.h"
#include "exits.h"
#include "fault.h"
#include "ksyms.h"
#include "pending.h"
#include "redirect.h"
#include "replace.h"
#include "switch.h"
#include "sysfs.h"
#include "transition.h"
#include "universe.h"

static unsigned int signal_delay_ms = 1000;
module_param_cb(signal_delay_ms, &lg_param_ops_uint, &signal_delay_ms, 0644);
MODULE_PARM_DESC(signal_delay_ms,
		 "how long tasks may block a transition before they get a fake signal (ms, 0: never)");

#define RETRY_MIN_MS	10
#define RETRY_MAX_MS	500

struct lg_live_patch *lg_transition_patch;
int lg_target_state = LG_UNDEFINED;

/* Numbers transitions, so that a late task_work can tell its own. lg_mutex. */
static unsigned long transition_gen;

/* Worker state, lg_mutex. */
static u64 start_mono_ns;
static long start_bytes;
static unsigned int retry_ms;
static unsigned long signal_at;
static bool stall_reported;

struct workqueue_struct *lg_wq;
static void transition_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(transition_work, transition_work_fn);

static void kick_fn(struct irq_work *work)
{
	mod_delayed_work(lg_wq, &transition_work, 0);
}

static DEFINE_IRQ_WORK(transition_kick, kick_fn);

/* The last task the worker waited for moved. Any context. */
void lg_transition_kick(void)
{
	irq_work_queue(&transition_kick);
}

static const char *state_name(int state)
{
	return state == LG_PATCHED ? "patching" : "unpatching";
}

/* What a transition allocates: its table, entries, ranges, task_works. */
static long transition_bytes(void)
{
	return atomic_long_read(&lg_bytes[LG_KIND_TABLE]) +
	       atomic_long_read(&lg_bytes[LG_KIND_CHUNK]) +
	       atomic_long_read(&lg_bytes[LG_KIND_RANGES]) +
	       atomic_long_read(&lg_bytes[LG_KIND_TASK_WORK]);
}

static void set_transition(struct lg_live_patch *patch, bool transition)
{
	struct lg_live_object *obj;
	struct lg_live_func *func;

	lg_for_each_object(patch, obj)
		lg_for_each_func(obj, func)
			WRITE_ONCE(func->transition, transition);
}

static void lg_complete_transition(void)
{
	struct lg_live_patch *patch = lg_transition_patch;
	struct lg_live_object *obj;
	bool replace;
	int i;

	pr_debug("'%s': completing %s transition\n", patch->name,
		 state_name(lg_target_state));

	if (lg_target_state == LG_UNPATCHED) {
		lg_unpatch_objects(patch);
		/* No handler may still see the funcs just taken off. */
		lg_synchronize();
	}
	replace = patch->desc->replace && lg_target_state == LG_PATCHED;
	if (replace)
		lg_replace_older_patches(patch);

	/*
	 * Every task is in the target universe: without the marks the
	 * handler picks the same function as with them. Wait for handlers
	 * that saw a mark, and may still read the table, before it goes.
	 */
	set_transition(patch, false);
	/* The same answer for every task: direct-called ones may go fast. */
	lg_redirect_update(patch);
	lg_synchronize();
	if (replace)
		lg_discard_nops(patch);
	lg_universe_destroy();
	lg_check_clear();
	cancel_delayed_work(&transition_work);

	for (i = 0; i < LG_MOVED_NR; i++)
		patch->stats.moved[i] = atomic_read(&lg_moved_count[i]);
	patch->stats.signals = atomic_read(&lg_signal_count);
	patch->stats.stack_checks = atomic_read(&lg_check_count);
	patch->stats.stack_walks = atomic_read(&lg_walk_count);
	patch->stats.memory_bytes = transition_bytes() - start_bytes;
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

/*
 * Let the CPU go in the middle of a scan of the task list, which checks
 * the stacks of ten thousand tasks under rcu_read_lock(): on a kernel
 * without preemptible RCU (Debian's arm64 kernels) that is a long time
 * without a reschedule. The scan goes on from @g and @t if both are still
 * on the list, as check_hung_uninterruptible_tasks() does.
 *
 * Return: false if they left it: the scan cannot go on. Under
 * rcu_read_lock(), which it drops and takes again.
 */
static bool scan_break(struct task_struct *g, struct task_struct *t)
{
	bool alive;

	get_task_struct(g);
	get_task_struct(t);
	rcu_read_unlock();
	cond_resched();
	rcu_read_lock();
	alive = pid_alive(g) && pid_alive(t);
	put_task_struct(t);
	put_task_struct(g);
	return alive;
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
	bool whole = true;

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
		if (!lg_switch_task(table, task))
			unmoved++;
		if (need_resched() && !scan_break(g, task)) {
			/* The rest of the list is out of reach: scan again. */
			unmoved++;
			whole = false;
			goto scanned;
		}
	}
scanned:
	rcu_read_unlock();
	lg_universe_visit_departed(table, lg_switch_departed, &unmoved);
	/*
	 * Every task is in the target, so is every parent of a new task: a
	 * task that gets no entry at fork belongs there too. But one that got
	 * none since this scan began runs in the start universe and the scan
	 * may have missed it: then look again.
	 */
	if (!unmoved && !lg_universe_flip(table, lost_forks, lg_target_state))
		unmoved++;
	unmoved += lg_switch_idle_tasks(table);
	if (!patch->stats.tasks && whole)
		patch->stats.tasks = tasks;

	if (!unmoved) {
		lg_complete_transition();
		if (!patch->enabled)
			lg_free_patch_async(patch);
		else if (patch->desc->replace)
			lg_free_replaced_patches(patch);
		return true;
	}

	patch->stats.retries++;
	if (signal_delay_ms && time_after_eq(jiffies, signal_at)) {
		if (!stall_reported) {
			lg_report_stall(unmoved);
			stall_reported = true;
		}
		lg_send_signals(table, false);
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
		atomic_set(&lg_moved_count[i], 0);
	atomic_set(&lg_signal_count, 0);
	atomic_set(&lg_check_count, 0);
	atomic_set(&lg_walk_count, 0);
	atomic_set(&lg_unmoved, INT_MAX);
	start_bytes = transition_bytes();

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
	/*
	 * Before the table opens, every direct-called function of the patch
	 * must ask the universe. Only an unpatching transition has any yet;
	 * a patching one's join their stacks marked (lg_redirect_func()).
	 */
	ret = lg_redirect_update(patch);
	if (ret) {
		set_transition(patch, false);
		lg_redirect_update(patch);
		/* A slow trampoline may have seen a mark and read the table. */
		lg_synchronize();
		lg_universe_destroy();
		goto err;
	}
	/* A transition that cannot start keeps the figures of the last. */
	memset(&patch->stats.moved, 0, sizeof(patch->stats.moved));
	patch->stats.tasks = 0;
	patch->stats.retries = 0;
	patch->stats.signals = 0;
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
	struct lg_live_patch *patch;
	struct lg_universe_table *table;
	struct task_struct *g, *task;
	int cpu;

	lockdep_assert_held(&lg_mutex);
	pr_warn("'%s': forcing remaining tasks to the %s state, the patch module can no longer be removed\n",
		lg_transition_patch->name,
		lg_target_state == LG_PATCHED ? "patched" : "unpatched");
	/*
	 * A task may be left in any patch's code, that of a patch this one
	 * replaces included: every module stays, as in the kernel.
	 */
	list_for_each_entry(patch, &lg_patches, node)
		patch->forced = true;

	table = rcu_dereference_protected(lg_table, lockdep_is_held(&lg_mutex));
	lg_universe_reserve();
	rcu_read_lock();
	for_each_process_thread(g, task)
		lg_move_task(table, task, LG_MOVED_FORCE);
	rcu_read_unlock();
	for_each_possible_cpu(cpu)
		lg_move_task(table, lg_ksym.idle_task(cpu), LG_MOVED_FORCE);
	lg_try_complete_transition();
}

/**
 * lg_signal_transition() - poke the blocking tasks now. Must hold lg_mutex.
 */
void lg_signal_transition(void)
{
	lockdep_assert_held(&lg_mutex);
	lg_send_signals(rcu_dereference_protected(lg_table,
						  lockdep_is_held(&lg_mutex)),
			true);
	signal_at = jiffies + msecs_to_jiffies(signal_delay_ms);
	mod_delayed_work(lg_wq, &transition_work, 0);
}

int lg_transition_init_module(void)
{
	int ret;

	if (lg_fault(-ENOMEM))
		return -ENOMEM;
	lg_wq = alloc_workqueue("livegraft", 0, 0);
	if (!lg_wq)
		return -ENOMEM;
	ret = lg_switch_init();
	if (ret)
		destroy_workqueue(lg_wq);
	return ret;
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
	lg_switch_exit();
}
