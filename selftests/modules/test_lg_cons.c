// SPDX-License-Identifier: GPL-2.0
/*
 * test_lg_cons.c - the consistency probe. test_lg_cons_outer() calls
 * test_lg_cons_inner(), sleeps, and calls it again; test_lg_cons_patch
 * replaces both, and its new outer expects the new inner. A task that
 * ever mixes the universes within one call of outer is counted in
 * "mixed", which must stay 0. User tasks call outer through
 * /proc/test_lg_cons, and "threads" kthreads call it in a loop.
 *
 * With "task_safe", the kthreads call lg_task_safe() at the top of their
 * loop. With "busy", the wait between the two calls of inner spins on
 * the CPU, preemption off, instead of sleeping. With
 * "task_work", the wait runs the task's pending task_work the way
 * io_uring's io_run_task_work() does, in the middle of the call:
 * livegraft's own task_work then runs with outer on the stack. With
 * "irq", a timer on each CPU calls outer in hard interrupt context, every
 * 6 ms, spinning 3 ms between the two calls of inner: on an idle CPU it
 * runs on the idle task, in the middle of its idle loop. With
 * "departed", a kthread keeps starting kthreads that nap, then exit,
 * inside test_lg_cons_exit_inside(), which the patch replaces: each
 * reaps itself in exit_notify() and runs the rest of do_exit() off the
 * task list, unmoved. A return probe on release_task() calls outer right
 * there, spinning 20 ms inside it.
 *
 * /proc/test_lg_cons reads "old <n> new <n> mixed <n> tw <n> idle <n>
 * departed <n>", tw being how many times task_work ran inside outer, idle
 * how many calls of outer the timers made on an idle task, and departed
 * how many calls of outer ran on a task off the task list.
 *
 * With "holder", one more kthread calls outer in a loop, and stays inside
 * it while "hold" is set: a transition cannot complete meanwhile.
 *
 * With "newborn" (and busy), a kthread keeps starting threads that call
 * outer as the first thing they ever run, never switched out before
 * (user_mode_thread(): they run from ret_from_fork() straight away):
 * their saved context is still the one fork gave them, which a walk
 * reads as an empty stack.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/kprobes.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/task_work.h>
#include <livegraft.h>

#include "test_lg_cons.h"

static unsigned int threads = 2;
module_param(threads, uint, 0444);
MODULE_PARM_DESC(threads, "kthreads calling test_lg_cons_outer()");

static bool task_safe;
module_param(task_safe, bool, 0444);
MODULE_PARM_DESC(task_safe, "the kthreads call lg_task_safe() in their loop");

static bool busy;
module_param(busy, bool, 0444);
MODULE_PARM_DESC(busy, "outer waits on the CPU, never sleeping");

static bool task_work;
module_param(task_work, bool, 0444);
MODULE_PARM_DESC(task_work, "outer runs pending task_work mid-call, as io_uring does");

static bool irq;
module_param(irq, bool, 0444);
MODULE_PARM_DESC(irq, "a timer on each CPU calls outer in interrupt context");

static bool departed;
module_param(departed, bool, 0444);
MODULE_PARM_DESC(departed, "outer on exiting tasks off the task list");

static bool holder;
module_param(holder, bool, 0444);
MODULE_PARM_DESC(holder, "a kthread that stays inside outer while hold is set");

static bool hold;
module_param(hold, bool, 0644);
MODULE_PARM_DESC(hold, "the holder kthread stays inside outer");

static bool newborn;
module_param(newborn, bool, 0444);
MODULE_PARM_DESC(newborn, "with busy: new threads call outer on their first run");

static void (*task_work_run_fn)(void);
static typeof(do_exit) *do_exit_fn;
/* The same in 6.1 and 6.12, unlike kernel_thread(). */
static typeof(user_mode_thread) *user_mode_thread_fn;
static atomic_t calls_old, calls_new, calls_mixed, calls_tw, calls_idle;
static atomic_t calls_departed;
static struct task_struct *spawner, *newborn_spawner, *holder_thread;
static DEFINE_PER_CPU(struct hrtimer, cons_timer);
static struct task_struct *workers[8];
static int old_version = TEST_LG_CONS_OLD;

/**
 * test_lg_cons_record() - count one call of an outer function
 * @expected:	the version of the outer function that made the calls
 * @a:		what inner returned first
 * @b:		what inner returned after the sleep
 */
void test_lg_cons_record(int expected, int a, int b)
{
	if (a == expected && b == expected) {
		atomic_inc(expected == TEST_LG_CONS_OLD ? &calls_old : &calls_new);
		return;
	}
	atomic_inc(&calls_mixed);
	/* Who mixed, for the transcript. */
	pr_warn_ratelimited("mixed %d %d %d: %s/%d%s%s%s\n", expected, a, b,
			    current->comm, task_pid_nr(current),
			    in_hardirq() ? " in an interrupt" : "",
			    is_idle_task(current) ? " idle" : "",
			    current->flags & PF_EXITING ? " exiting" : "");
}
EXPORT_SYMBOL_GPL(test_lg_cons_record);

noinline int test_lg_cons_inner(void)
{
	return READ_ONCE(old_version);
}
EXPORT_SYMBOL_GPL(test_lg_cons_inner);

/**
 * test_lg_cons_wait() - the pause between the two calls of inner
 *
 * With task_work set, what io_uring's io_run_task_work() does while
 * io_uring_enter() waits for completions.
 */
void test_lg_cons_wait(void)
{
	unsigned int i;

	if (current->flags & PF_EXITING) {
		/* Off the task list for as long as a few scans take. */
		mdelay(20);
		return;
	}
	if (busy || in_hardirq()) {
		/* Not switched out: the task stays on its CPU, inside outer. */
		preempt_disable();
		mdelay(in_hardirq() ? 3 : 2);
		preempt_enable();
		return;
	}
	if (!task_work) {
		usleep_range(200, 400);
		/* Holds the transition up, in whichever version of outer. */
		while (READ_ONCE(hold) && current == holder_thread &&
		       !kthread_should_stop())
			msleep(20);
		return;
	}
	for (i = 0; i < 4; i++) {
		usleep_range(50, 100);
		if (test_thread_flag(TIF_NOTIFY_SIGNAL))
			clear_notify_signal();
		if (task_work_pending(current)) {
			__set_current_state(TASK_RUNNING);
			task_work_run_fn();
			atomic_inc(&calls_tw);
		}
	}
}
EXPORT_SYMBOL_GPL(test_lg_cons_wait);

static noinline void test_lg_cons_outer(void)
{
	int a, b;

	a = test_lg_cons_inner();
	test_lg_cons_wait();
	b = test_lg_cons_inner();
	test_lg_cons_record(TEST_LG_CONS_OLD, a, b);
}

static int cons_thread(void *data)
{
	while (!kthread_should_stop()) {
		if (task_safe)
			lg_task_safe();
		test_lg_cons_outer();
		usleep_range(500, 1000);
	}
	return 0;
}

static enum hrtimer_restart cons_timer_fn(struct hrtimer *timer)
{
	if (is_idle_task(current))
		atomic_inc(&calls_idle);
	test_lg_cons_outer();
	hrtimer_forward_now(timer, ms_to_ktime(6));
	return HRTIMER_RESTART;
}

static DECLARE_COMPLETION(short_done);

/**
 * test_lg_cons_short_exit() - end a short-lived kthread, in this module's
 * code whichever patch called it, so that only this module must stay
 */
void test_lg_cons_short_exit(void)
{
	kthread_complete_and_exit(&short_done, 0);
}
EXPORT_SYMBOL_GPL(test_lg_cons_short_exit);

/**
 * test_lg_cons_exit_inside() - a short-lived kthread naps, then exits, in
 * here: replaced by the patch, it is on the stack of the exiting task, so
 * that the task cannot move when it exits and must be waited for until
 * it is dead
 */
noinline void test_lg_cons_exit_inside(void)
{
	int guard = 0;

	msleep(20);
	test_lg_cons_short_exit();
	/* Not a tail call: this function stays on the stack. */
	barrier_data(&guard);
}
EXPORT_SYMBOL_GPL(test_lg_cons_exit_inside);

static int short_thread(void *data)
{
	test_lg_cons_exit_inside();
	return 0;
}

/*
 * A short-lived kthread that has just reaped itself: in the rest of
 * do_exit(), before its last switch, it is on no task list.
 */
static int release_task_ret(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	if ((current->flags & PF_KTHREAD) && !pid_alive(current) &&
	    kthread_func(current) == short_thread) {
		atomic_inc(&calls_departed);
		test_lg_cons_outer();
	}
	return 0;
}

static struct kretprobe release_task_probe = {
	.kp.symbol_name	= "release_task",
	.handler	= release_task_ret,
	.maxactive	= 8,
};

/*
 * Kthreads reap themselves in exit_notify(), then run the rest of
 * do_exit(). A few at a time; each one completes short_done as it exits,
 * so that none is left in this module's code when the spawner stops.
 */
static int spawner_thread(void *data)
{
	unsigned int alive = 0;

	while (!kthread_should_stop()) {
		if (alive >= 4) {
			wait_for_completion(&short_done);
			alive--;
		}
		if (IS_ERR(kthread_run(short_thread, NULL, "test_lg_short"))) {
			msleep(20);
			continue;
		}
		alive++;
		usleep_range(2000, 4000);
	}
	while (alive--)
		wait_for_completion(&short_done);
	return 0;
}

/*
 * On each CPU: a pinned timer stays on the CPU that started it. Odd CPUs
 * spin while even ones do not, so that whatever runs on one CPU finds the
 * other inside outer more often than not.
 */
static void cons_timer_start(void *unused)
{
	struct hrtimer *timer = this_cpu_ptr(&cons_timer);
	unsigned int phase = smp_processor_id() & 1 ? 3 : 0;

	hrtimer_start(timer, ms_to_ktime(6 + phase), HRTIMER_MODE_REL_PINNED);
}

static DECLARE_COMPLETION(newborn_done);

/*
 * Straight from ret_from_fork(): it leaves through do_exit(), since
 * returning would take it to user space.
 */
static int newborn_thread(void *data)
{
	preempt_disable();
	test_lg_cons_outer();
	preempt_enable();
	complete(&newborn_done);
	do_exit_fn(0);
	return 0;
}

/* Its children reap themselves: a kthread ignores SIGCHLD. */
static int newborn_spawner_thread(void *data)
{
	while (!kthread_should_stop()) {
		reinit_completion(&newborn_done);
		if (user_mode_thread_fn(newborn_thread, NULL,
					CLONE_FS | CLONE_FILES | SIGCHLD) < 0) {
			msleep(20);
			continue;
		}
		wait_for_completion(&newborn_done);
	}
	return 0;
}

static int cons_show(struct seq_file *m, void *v)
{
	test_lg_cons_outer();
	seq_printf(m, "old %d new %d mixed %d tw %d idle %d departed %d\n",
		   atomic_read(&calls_old), atomic_read(&calls_new),
		   atomic_read(&calls_mixed), atomic_read(&calls_tw),
		   atomic_read(&calls_idle), atomic_read(&calls_departed));
	return 0;
}

static int __init test_lg_cons_init(void)
{
	unsigned long addr;
	unsigned int i;
	int cpu, ret;

	/* Not exported: io_uring is built in. */
	ret = lg_lookup_symbol(NULL, "task_work_run", 0, &addr);
	if (ret)
		return ret;
	task_work_run_fn = (void *)addr;
	ret = lg_lookup_symbol(NULL, "user_mode_thread", 0, &addr);
	if (ret)
		return ret;
	user_mode_thread_fn = (void *)addr;
	ret = lg_lookup_symbol(NULL, "do_exit", 0, &addr);
	if (ret)
		return ret;
	do_exit_fn = (void *)addr;
	threads = min_t(unsigned int, threads, ARRAY_SIZE(workers));
	if (departed) {
		ret = register_kretprobe(&release_task_probe);
		if (ret) {
			pr_err("no return probe on release_task(): %d\n", ret);
			return ret;
		}
	}
	if (!proc_create_single("test_lg_cons", 0444, NULL, cons_show)) {
		if (departed)
			unregister_kretprobe(&release_task_probe);
		return -ENOMEM;
	}
	for (i = 0; i < threads; i++)
		workers[i] = kthread_run(cons_thread, NULL, "test_lg_cons/%u", i);
	for_each_possible_cpu(cpu) {
		struct hrtimer *timer = per_cpu_ptr(&cons_timer, cpu);

		hrtimer_init(timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED);
		timer->function = cons_timer_fn;
	}
	if (irq)
		on_each_cpu(cons_timer_start, NULL, 1);
	if (departed)
		spawner = kthread_run(spawner_thread, NULL, "test_lg_spawner");
	if (holder)
		holder_thread = kthread_run(cons_thread, NULL, "test_lg_holder");
	if (busy && newborn)
		newborn_spawner = kthread_run(newborn_spawner_thread, NULL,
					      "test_lg_newborns");
	return 0;
}

static void __exit test_lg_cons_exit(void)
{
	unsigned int i;
	int cpu;

	if (!IS_ERR_OR_NULL(spawner))
		kthread_stop(spawner);
	if (departed)
		unregister_kretprobe(&release_task_probe);
	if (!IS_ERR_OR_NULL(newborn_spawner)) {
		kthread_stop(newborn_spawner);
		/* The last newborn may still be on its way out of our code. */
		synchronize_rcu_tasks();
	}
	for_each_possible_cpu(cpu)
		hrtimer_cancel(per_cpu_ptr(&cons_timer, cpu));
	for (i = 0; i < threads; i++)
		if (!IS_ERR_OR_NULL(workers[i]))
			kthread_stop(workers[i]);
	if (!IS_ERR_OR_NULL(holder_thread))
		kthread_stop(holder_thread);
	remove_proc_entry("test_lg_cons", NULL);
}

module_init(test_lg_cons_init);
module_exit(test_lg_cons_exit);
MODULE_DESCRIPTION("livegraft selftest: consistency probe");
MODULE_LICENSE("GPL");
