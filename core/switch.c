// SPDX-License-Identifier: GPL-2.0
/*
 * switch.c - how a task moves to the target universe, and who checks it.
 *
 * Each mover moves a task only where none of the code it would leave can
 * be on its stack (check.c):
 *
 *  - sleeping, when its stack proves it: lg_switch_task(), from the
 *    worker's scan, under task_call_func() so that it cannot run meanwhile;
 *  - wherever a task_work of ours runs, after checking its own stack
 *    there: on the way back to user space its kernel stack is empty, but
 *    io_uring and KVM run task_work in the middle of system calls, with
 *    anything below; running and blocked user tasks get one;
 *  - when it exits, after the same check of its own stack; until it is
 *    dead, the worker also checks it after it left the task list, where
 *    it still runs the end of do_exit() (exits.c, lg_switch_departed());
 *  - an idle task, while a work item the worker queued on its CPU runs:
 *    the idle task is then switched out in its idle loop;
 *  - a kthread at lg_task_safe();
 *  - after signal_delay_ms, tasks still blocked get one poke: user tasks
 *    a fake signal (TIF_NOTIFY_SIGNAL on their task_work, no real signal:
 *    an interrupted system call restarts), sleeping kthreads a wake-up.
 *
 * Every move from an event decrements lg_unmoved; the last one kicks the
 * worker, which completes the transition at once. The events move tasks
 * under rcu_read_lock() after seeing the table open; a reversal closes it
 * and waits for them before the target flips.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/task_work.h>

#include "check.h"
#include "core.h"
#include "exits.h"
#include "fault.h"
#include "ksyms.h"
#include "switch.h"
#include "transition.h"
#include "universe.h"

atomic_t lg_unmoved;
atomic_t lg_moved_count[LG_MOVED_NR];
atomic_t lg_signal_count;
/* Stacks checked: what a transition's scans cost, per task (stats). */
atomic_t lg_check_count;
/* Of which walked: the scan of their words found a candidate (check.c). */
atomic_t lg_walk_count;

/* Per CPU: the kick that moves its idle task, and lg_sync_cpus()' work. */
struct cpu_works {
	struct work_struct idle_kick;
	struct work_struct sync;
};

static struct cpu_works __percpu *cpu_works;

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
		lg_transition_kick();
}

/* The caller saw @table open, in the same RCU read-side section. */
void lg_move_task(struct lg_universe_table *table, struct task_struct *task,
		  enum lg_moved_by how)
{
	struct lg_task_state *state = lg_universe_get(table, task, 0);
	int target = READ_ONCE(lg_target_state);

	if (!state || READ_ONCE(state->universe) == target)
		return;
	WRITE_ONCE(state->universe, target);
	atomic_inc(&lg_moved_count[how]);
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
		lg_move_task(table, task, how);
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

	atomic_inc(&lg_check_count);
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
		lg_move_task(table, current, how);
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
	lg_kfree(work, LG_KIND_TASK_WORK);
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
static void queue_task_work(struct lg_universe_table *table,
			    struct task_struct *task, struct lg_task_state *state,
			    enum task_work_notify_mode mode)
{
	struct lg_task_work *work;

	work = lg_kzalloc(sizeof(*work), GFP_ATOMIC, LG_KIND_TASK_WORK);
	if (!work)
		return;
	init_task_work(&work->cb, lg_task_work_fn);
	work->gen = table->gen;
	__module_get(THIS_MODULE);
	/* Before the work can run and clear it. */
	WRITE_ONCE(state->work_queued, true);
	if (lg_fault(-ESRCH) ?: task_work_add(task, &work->cb, mode)) {
		/* The task is exiting: it will not need to move. */
		WRITE_ONCE(state->work_queued, false);
		lg_kfree(work, LG_KIND_TASK_WORK);
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
static void poke_user_task(struct lg_universe_table *table,
			   struct task_struct *task, struct lg_task_state *state,
			   bool signal)
{
	if (!READ_ONCE(state->work_queued))
		queue_task_work(table, task, state,
				signal ? TWA_SIGNAL : TWA_RESUME);
	else if (signal)
		notify_signal(task);
}

/* Under task_call_func(): the task cannot start running meanwhile. */
static int check_and_move(struct task_struct *task, void *arg)
{
	struct lg_task_state *state = arg;
	int ret;

	/*
	 * Acquire: a task that has just been switched out is seen with the
	 * stack pointer and stack of that switch (finish_task() releases).
	 */
	if (smp_load_acquire(&task->on_cpu) && task != current) {
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
bool lg_switch_task(struct lg_universe_table *table, struct task_struct *task)
{
	struct lg_task_state *state = lg_universe_get(table, task, 0);

	if (!state)
		return false;
	if (READ_ONCE(state->universe) == lg_target_state)
		return true;

	if (!lg_ksym.task_call_func(task, check_and_move, state)) {
		atomic_inc(&lg_moved_count[LG_MOVED_STACK]);
		return true;
	}
	/* Counted in lg_unmoved by this scan. */
	state->uncounted = false;

	if (!(task->flags & PF_KTHREAD)) {
		poke_user_task(table, task, state, false);
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
void lg_switch_departed(struct lg_task_state *state, void *unmoved)
{
	struct lg_universe_table *table = rcu_dereference(lg_table);
	struct task_struct *task = state->task;

	if (!lg_switch_task(table, task)) {
		(*(unsigned int *)unmoved)++;
		return;
	}
	/* Off the task list for good: no scan looks it up again. */
	if (!pid_alive(task) && lg_task_dead(task))
		lg_universe_release(table, state);
}

/* Idle tasks move while a work of ours runs on their CPU: queue them. */
unsigned int lg_switch_idle_tasks(struct lg_universe_table *table)
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
			lg_move_task(table, idle, LG_MOVED_IDLE);
			continue;
		}
		queue_work_on(cpu, lg_wq, &per_cpu_ptr(cpu_works, cpu)->idle_kick);
		unmoved++;
	}
	cpus_read_unlock();
	return unmoved;
}

/*
 * Poke every task that has not moved: once per direction of the
 * transition, unless @again (an operator's request) pokes those already
 * poked as well.
 */
void lg_send_signals(struct lg_universe_table *table, bool again)
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
			poke_user_task(table, task, state, true);
		atomic_inc(&lg_signal_count);
	}
	rcu_read_unlock();
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

static void sync_fn(struct work_struct *work)
{
}

/**
 * lg_sync_cpus() - make every CPU schedule
 *
 * Whatever ran with preemption disabled on any CPU when this was called
 * has finished when it returns: what synchronize_rcu_tasks_rude() waits
 * for, and how, but without the pause of 100 ms its kthread takes
 * between grace periods, which a transition's completion would pay each
 * time. The kernel's livepatch calls schedule_on_each_cpu() likewise.
 * Cannot fail: the works are allocated with livegraft. Process context.
 */
void lg_sync_cpus(void)
{
	int cpu;

	cpus_read_lock();
	for_each_online_cpu(cpu)
		queue_work_on(cpu, lg_wq, &per_cpu_ptr(cpu_works, cpu)->sync);
	/* A work queued by another caller and not run yet does as well. */
	for_each_online_cpu(cpu)
		flush_work(&per_cpu_ptr(cpu_works, cpu)->sync);
	cpus_read_unlock();
}

int lg_switch_init(void)
{
	int cpu;

	if (lg_fault(-ENOMEM))
		return -ENOMEM;
	cpu_works = alloc_percpu(struct cpu_works);
	if (!cpu_works)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		INIT_WORK(&per_cpu_ptr(cpu_works, cpu)->idle_kick, idle_kick_fn);
		INIT_WORK(&per_cpu_ptr(cpu_works, cpu)->sync, sync_fn);
	}
	return 0;
}

/* After lg_wq is gone: no work of ours is queued or running. */
void lg_switch_exit(void)
{
	free_percpu(cpu_works);
}
