// SPDX-License-Identifier: GPL-2.0
/*
 * test_lg_cons_patch.c - new versions of test_lg_cons's outer and inner:
 * the new outer expects the new inner, twice, across a sleep.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/module.h>
#include <livegraft.h>

#include "test_lg_cons.h"

static int new_version = TEST_LG_CONS_NEW;

static int new_inner(void)
{
	return READ_ONCE(new_version);
}

/* Calls the old inner by name: ftrace sends each call where it belongs. */
static void new_outer(void)
{
	int a, b;

	a = test_lg_cons_inner();
	usleep_range(200, 400);
	b = test_lg_cons_inner();
	test_lg_cons_record(TEST_LG_CONS_NEW, a, b);
}

static struct lg_func funcs[] = {
	{ .old_name = "test_lg_cons_inner", .new_func = new_inner },
	{ .old_name = "test_lg_cons_outer", .new_func = new_outer },
	{ }
};

static struct lg_object objs[] = {
	{ .name = "test_lg_cons", .funcs = funcs },
	{ }
};

static struct lg_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init test_lg_cons_patch_init(void)
{
	return lg_enable_patch(&patch);
}

static void __exit test_lg_cons_patch_exit(void)
{
}

module_init(test_lg_cons_patch_init);
module_exit(test_lg_cons_patch_exit);
MODULE_DESCRIPTION("livegraft selftest: consistent new outer and inner");
MODULE_LICENSE("GPL");
