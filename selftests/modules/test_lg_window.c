// SPDX-License-Identifier: GPL-2.0
/*
 * test_lg_window.c - a kthread that calls test_lg_window_fn() back to
 * back, at the lowest priority, so that CPU hogs preempt it anywhere -
 * often inside the ftrace handler and trampoline that redirect the
 * function. test_lg_window_patch replaces it and test_lg_window_inner();
 * its new function counts the calls that find the old inner: a task whose
 * stack check let it move to the unpatched universe while its jump to the
 * replacement was already decided.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched.h>

#include "test_lg_window.h"

static struct task_struct *thread;
static unsigned long calls, spins, loops;

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
	thread = kthread_run(window_thread, NULL, "test_lg_window");
	return PTR_ERR_OR_ZERO(thread);
}

static void __exit test_lg_window_exit(void)
{
	kthread_stop(thread);
}

module_init(test_lg_window_init);
module_exit(test_lg_window_exit);
MODULE_DESCRIPTION("livegraft selftest: calls preempted inside the ftrace handler");
MODULE_LICENSE("GPL");
