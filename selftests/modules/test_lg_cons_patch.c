// SPDX-License-Identifier: GPL-2.0
/*
 * test_lg_cons_patch.c - new versions of test_lg_cons's outer and inner:
 * the new outer expects the new inner, twice, across a sleep.
 *
 * Built a second time as test_lg_cons_fail (TEST_LG_CONS_FAIL): then the
 * patch has a second object, vmlinux, whose pre_patch callback sleeps
 * for fail_ms and fails, while the first object is already redirected.
 * Built again as test_lg_cons_v3 and test_lg_cons_v4, cumulative
 * successors whose inner returns 3 and 4 (TEST_LG_CONS_VERSION).
 * Built again as test_lg_cons_soak (TEST_LG_CONS_SOAK): then the patch
 * also replaces test_lg_target_message(), in a module the soak test loads
 * and unloads all the time.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <livegraft.h>

#include "test_lg_cons.h"

#ifndef TEST_LG_CONS_VERSION
#define TEST_LG_CONS_VERSION	TEST_LG_CONS_NEW
#endif

static bool replace;
module_param(replace, bool, 0444);
MODULE_PARM_DESC(replace, "a cumulative patch, replacing every patch before it");

static int new_version = TEST_LG_CONS_VERSION;

static int new_inner(void)
{
	return READ_ONCE(new_version);
}

/* Calls the old inner by name: ftrace sends each call where it belongs. */
static void new_outer(void)
{
	int a, b;

	a = test_lg_cons_inner();
	test_lg_cons_wait();
	b = test_lg_cons_inner();
	test_lg_cons_record(TEST_LG_CONS_VERSION, a, b);
}

/* A short-lived kthread of test_lg_cons naps, then exits, in here. */
static void new_exit_inside(void)
{
	int guard = 0;

	msleep(20);
	test_lg_cons_short_exit();
	/* Not a tail call: this function stays on the stack. */
	barrier_data(&guard);
}

static struct lg_func funcs[] = {
	{ .old_name = "test_lg_cons_inner", .new_func = new_inner },
	{ .old_name = "test_lg_cons_outer", .new_func = new_outer },
	{ .old_name = "test_lg_cons_exit_inside", .new_func = new_exit_inside },
	{ }
};

#ifdef TEST_LG_CONS_FAIL
static unsigned int fail_ms = 300;
module_param(fail_ms, uint, 0444);
MODULE_PARM_DESC(fail_ms, "how long the failing pre_patch sleeps");

/* Never runs: the object's pre_patch fails before it is redirected. */
static int new_cmdline_proc_show(struct seq_file *m, void *v)
{
	return 0;
}

static struct lg_func vmlinux_funcs[] = {
	{ .old_name = "cmdline_proc_show", .new_func = new_cmdline_proc_show },
	{ }
};

static int slow_failing_pre_patch(struct lg_object *obj)
{
	msleep(fail_ms);
	pr_info("pre_patch of vmlinux fails after %u ms\n", fail_ms);
	return -EINVAL;
}
#endif

#ifdef TEST_LG_CONS_SOAK
static const char *new_target_message(void)
{
	return "patched";
}

static struct lg_func target_funcs[] = {
	{ .old_name = "test_lg_target_message", .new_func = new_target_message },
	{ }
};
#endif

static struct lg_object objs[] = {
	{ .name = "test_lg_cons", .funcs = funcs },
#ifdef TEST_LG_CONS_SOAK
	{ .name = "test_lg_target", .funcs = target_funcs },
#endif
#ifdef TEST_LG_CONS_FAIL
	{ .funcs = vmlinux_funcs,
	  .callbacks.pre_patch = slow_failing_pre_patch },
#endif
	{ }
};

static struct lg_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init test_lg_cons_patch_init(void)
{
	patch.replace = replace;
	return lg_enable_patch(&patch);
}

static void __exit test_lg_cons_patch_exit(void)
{
}

module_init(test_lg_cons_patch_init);
module_exit(test_lg_cons_patch_exit);
MODULE_DESCRIPTION("livegraft selftest: consistent new outer and inner");
MODULE_LICENSE("GPL");
