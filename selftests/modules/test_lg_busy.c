// SPDX-License-Identifier: GPL-2.0
/*
 * test_lg_busy.c - tasks that block a transition, for test_lg_busy_patch:
 *
 *  - a kthread that sleeps inside test_lg_busy_sleep() while "block" is
 *    set (else it sleeps in its loop, outside); with "task_safe" set it
 *    sleeps only inside test_lg_busy_nap() instead, over and over, and
 *    calls lg_task_safe() between two naps;
 *  - readers of /proc/test_lg_busy, which wait inside test_lg_busy_wait()
 *    while "read_block" is set, interruptibly, or in D state with
 *    "read_uninterruptible".
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/wait.h>
#include <livegraft.h>

static bool block = true;
module_param(block, bool, 0644);
MODULE_PARM_DESC(block, "the kthread stays in test_lg_busy_sleep()");

static bool task_safe;
module_param(task_safe, bool, 0644);
MODULE_PARM_DESC(task_safe, "the kthread calls lg_task_safe() in its loop");

static bool read_block = true;
module_param(read_block, bool, 0644);
MODULE_PARM_DESC(read_block, "readers wait in test_lg_busy_wait()");

static bool stop;
module_param(stop, bool, 0644);
MODULE_PARM_DESC(stop, "the kthread exits at the end of its loop");

static bool read_uninterruptible;
module_param(read_uninterruptible, bool, 0644);
MODULE_PARM_DESC(read_uninterruptible, "readers wait in D state, deaf to signals");

static struct task_struct *thread;

/* The replaced versions return at once: they never block. */
static noinline void test_lg_busy_sleep(void)
{
	while (READ_ONCE(block) && !kthread_should_stop())
		schedule_timeout_interruptible(msecs_to_jiffies(20));
}

static unsigned long naps;

/* Counts after the sleep, so that msleep() is no tail call: on the stack. */
static noinline void test_lg_busy_nap(void)
{
	msleep(20);
	WRITE_ONCE(naps, naps + 1);
}

static noinline int test_lg_busy_wait(void)
{
	/* -ERESTARTSYS on a signal: the read restarts, invisibly. */
	while (READ_ONCE(read_block)) {
		if (READ_ONCE(read_uninterruptible))
			msleep(20);
		else if (msleep_interruptible(20))
			return -ERESTARTSYS;
	}
	return 0;
}

static int busy_thread(void *data)
{
	while (!kthread_should_stop()) {
		if (READ_ONCE(task_safe)) {
			lg_task_safe();
			test_lg_busy_nap();
			continue;
		}
		test_lg_busy_sleep();
		if (READ_ONCE(stop))
			break;
		msleep(20);
	}
	return 0;
}

static int busy_show(struct seq_file *m, void *v)
{
	int ret = test_lg_busy_wait();

	if (ret < 0)
		return ret;
	seq_printf(m, "%s\n", ret ? "patched" : "unpatched");
	return 0;
}

static int __init test_lg_busy_init(void)
{
	if (!proc_create_single("test_lg_busy", 0444, NULL, busy_show))
		return -ENOMEM;
	thread = kthread_run(busy_thread, NULL, "test_lg_busy");
	if (IS_ERR(thread)) {
		remove_proc_entry("test_lg_busy", NULL);
		return PTR_ERR(thread);
	}
	/* It may exit on its own ("stop"): kthread_stop() needs it still. */
	get_task_struct(thread);
	return 0;
}

static void __exit test_lg_busy_exit(void)
{
	WRITE_ONCE(block, false);
	WRITE_ONCE(read_block, false);
	kthread_stop(thread);
	put_task_struct(thread);
	remove_proc_entry("test_lg_busy", NULL);
}

module_init(test_lg_busy_init);
module_exit(test_lg_busy_exit);
MODULE_DESCRIPTION("livegraft selftest: tasks that block a transition");
MODULE_LICENSE("GPL");
