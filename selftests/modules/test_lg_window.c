// SPDX-License-Identifier: GPL-2.0
/*
 * test_lg_window.c - a kthread that calls test_lg_window_fn() back to
 * back, at the lowest priority, so that CPU hogs preempt it anywhere.
 * test_lg_window_patch replaces it and test_lg_window_inner(); its new
 * function counts the calls that find the old inner: a task whose stack
 * check let it move to the unpatched universe while its jump to the
 * replacement was already decided.
 *
 * To make that window certain rather than rare, a second ftrace_ops of
 * ours on test_lg_window_fn() asks for a reschedule on every "every"th
 * call: registered before livegraft's, it runs after livegraft's handler
 * has decided, and under preempt=full the task is preempted as the ftrace
 * callbacks end, its stack showing only the old function's ftrace return
 * site.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/ftrace.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched.h>

#include "test_lg_window.h"

static unsigned int every = 512;
module_param(every, uint, 0644);
MODULE_PARM_DESC(every, "force a preemption after the ftrace handlers of every Nth call (0: never)");

static struct task_struct *thread;
static unsigned long calls, spins, loops;
static unsigned int traced;

/* 1 here, 2 in the patch. */
noinline int test_lg_window_inner(void)
{
	return 1;
}
EXPORT_SYMBOL_GPL(test_lg_window_inner);

static noinline void test_lg_window_fn(void)
{
	WRITE_ONCE(calls, calls + 1);
}

static void notrace window_ftrace_cb(unsigned long ip, unsigned long parent_ip,
				     struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	unsigned int n = READ_ONCE(every);

	if (n && current == thread && !(++traced % n)) {
		set_tsk_need_resched(current);
		set_preempt_need_resched();
	}
}

static struct ftrace_ops window_ops = {
	.func = window_ftrace_cb,
};

/*
 * About as long outside the function as in it, through ftrace: preempted
 * often outside, where it may move, and often between the handler's
 * decision and the jump, where it must not.
 */
static int window_thread(void *data)
{
	unsigned int i;

	sched_set_normal(current, MAX_NICE);
	while (!kthread_should_stop()) {
		test_lg_window_fn();
		for (i = 0; i < 20; i++)
			WRITE_ONCE(spins, spins + 1);
		/*
		 * Sleep now and then: ftrace's unregistration waits for
		 * every task to pass a voluntary switch (RCU tasks), which
		 * cond_resched() is not.
		 */
		if (!(++loops % 1024))
			usleep_range(100, 200);
		else
			cond_resched();
	}
	return 0;
}

static int __init test_lg_window_init(void)
{
	int ret;

	ret = ftrace_set_filter_ip(&window_ops, (unsigned long)test_lg_window_fn, 0, 0);
	if (ret)
		return ret;
	ret = register_ftrace_function(&window_ops);
	if (ret)
		goto err_filter;
	thread = kthread_run(window_thread, NULL, "test_lg_window");
	if (IS_ERR(thread)) {
		ret = PTR_ERR(thread);
		goto err_ops;
	}
	return 0;

err_ops:
	unregister_ftrace_function(&window_ops);
err_filter:
	ftrace_free_filter(&window_ops);
	return ret;
}

static void __exit test_lg_window_exit(void)
{
	kthread_stop(thread);
	unregister_ftrace_function(&window_ops);
	ftrace_free_filter(&window_ops);
}

module_init(test_lg_window_init);
module_exit(test_lg_window_exit);
MODULE_DESCRIPTION("livegraft selftest: calls preempted inside the ftrace handler");
MODULE_LICENSE("GPL");
