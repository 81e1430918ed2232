// SPDX-License-Identifier: GPL-2.0
/*
 * test_lg_busy_patch.c - replaces the functions test_lg_busy's tasks
 * block in, with versions that do not block, unless "block" is set: then
 * the kthread sleeps in the new test_lg_busy_sleep(), in this module.
 * Built a second time as test_lg_busy_patch2, to stack on this one.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <livegraft.h>

static bool block;
module_param(block, bool, 0644);
MODULE_PARM_DESC(block, "the kthread stays in the new test_lg_busy_sleep()");

static bool replace;
module_param(replace, bool, 0444);
MODULE_PARM_DESC(replace, "a cumulative patch, replacing every patch before it");

static bool sleep_too = true;
module_param(sleep_too, bool, 0444);
MODULE_PARM_DESC(sleep_too, "replace test_lg_busy_sleep() too (0: a replace patch drops it)");

static void new_sleep(void)
{
	while (READ_ONCE(block) && !kthread_should_stop())
		schedule_timeout_interruptible(msecs_to_jiffies(20));
}

static void new_nap(void)
{
	msleep(20);
}

static int new_wait(void)
{
	return 1;
}

static struct lg_func funcs[] = {
	{ .old_name = "test_lg_busy_sleep", .new_func = new_sleep },
	{ .old_name = "test_lg_busy_nap", .new_func = new_nap },
	{ .old_name = "test_lg_busy_wait", .new_func = new_wait },
	{ }
};

static struct lg_object objs[] = {
	{ .name = "test_lg_busy", .funcs = funcs },
	{ }
};

static struct lg_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init test_lg_busy_patch_init(void)
{
	patch.replace = replace;
	/* test_lg_busy_sleep is first. */
	if (!sleep_too)
		objs[0].funcs = &funcs[1];
	return lg_enable_patch(&patch);
}

static void __exit test_lg_busy_patch_exit(void)
{
}

module_init(test_lg_busy_patch_init);
module_exit(test_lg_busy_patch_exit);
MODULE_DESCRIPTION("livegraft selftest: patch the busy functions");
MODULE_LICENSE("GPL");
