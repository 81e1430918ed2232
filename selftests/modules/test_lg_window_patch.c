// SPDX-License-Identifier: GPL-2.0
/*
 * test_lg_window_patch.c - replaces test_lg_window_fn() and
 * test_lg_window_inner(). The new function calls inner, and counts in
 * "mixed" the calls that get the old one: a task that runs the new
 * function in the unpatched universe.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <livegraft.h>

#include "test_lg_window.h"

static unsigned int mixed;
module_param(mixed, uint, 0444);
MODULE_PARM_DESC(mixed, "calls of the new function that found the old inner");

static int new_inner(void)
{
	return 2;
}

static void new_fn(void)
{
	if (test_lg_window_inner() != 2)
		WRITE_ONCE(mixed, mixed + 1);
}

static struct lg_func funcs[] = {
	{ .old_name = "test_lg_window_fn", .new_func = new_fn },
	{ .old_name = "test_lg_window_inner", .new_func = new_inner },
	{ }
};

static struct lg_object objs[] = {
	{ .name = "test_lg_window", .funcs = funcs },
	{ }
};

static struct lg_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init test_lg_window_patch_init(void)
{
	return lg_enable_patch(&patch);
}

static void __exit test_lg_window_patch_exit(void)
{
}

module_init(test_lg_window_patch_init);
module_exit(test_lg_window_patch_exit);
MODULE_DESCRIPTION("livegraft selftest: the new function in the wrong universe");
MODULE_LICENSE("GPL");
