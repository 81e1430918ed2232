// SPDX-License-Identifier: GPL-2.0
/*
 * test_lg_bench_patch.c - livegraft's replacement of test_lg_bench_fn1(),
 * or of the function test_lg_bench_handler_patch.c names.
 */

#include <linux/module.h>
#include <livegraft.h>

#ifndef TEST_LG_BENCH_FN
#define TEST_LG_BENCH_FN "test_lg_bench_fn1"
#endif

static int new_fn(int x)
{
	return x + 1;
}

static struct lg_func funcs[] = {
	{ .old_name = TEST_LG_BENCH_FN, .new_func = new_fn },
	{ }
};

static struct lg_object objs[] = {
	{ .name = "test_lg_bench", .funcs = funcs },
	{ }
};

static struct lg_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init test_lg_bench_patch_init(void)
{
	return lg_enable_patch(&patch);
}

static void __exit test_lg_bench_patch_exit(void)
{
}

module_init(test_lg_bench_patch_init);
module_exit(test_lg_bench_patch_exit);
MODULE_DESCRIPTION("livegraft benchmark: patch " TEST_LG_BENCH_FN);
MODULE_LICENSE("GPL");
