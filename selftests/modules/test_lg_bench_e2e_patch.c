// SPDX-License-Identifier: GPL-2.0
/*
 * test_lg_bench_e2e_patch.c - livegraft's replacement of the getpid system
 * call by an identical copy, for the end-to-end benchmark.
 */

#include <linux/module.h>
#include <livegraft.h>
#include "test_lg_bench_e2e.h"

static struct lg_func funcs[] = {
	{ .old_name = TEST_LG_E2E_OLD_NAME, .new_func = test_lg_e2e_getpid },
	{ }
};

static struct lg_object objs[] = {
	{ .funcs = funcs },
	{ }
};

static struct lg_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init test_lg_bench_e2e_patch_init(void)
{
	return lg_enable_patch(&patch);
}

static void __exit test_lg_bench_e2e_patch_exit(void)
{
}

module_init(test_lg_bench_e2e_patch_init);
module_exit(test_lg_bench_e2e_patch_exit);
MODULE_DESCRIPTION("livegraft benchmark: patch getpid with its own copy");
MODULE_LICENSE("GPL");
