// SPDX-License-Identifier: GPL-2.0
/* test_lg_bench_patch.c - livegraft's replacement of test_lg_bench_fn1(). */

#include <linux/module.h>
#include <livegraft.h>

static int new_fn(int x)
{
	return x + 1;
}

static struct lg_func funcs[] = {
	{ .old_name = "test_lg_bench_fn1", .new_func = new_fn },
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
MODULE_DESCRIPTION("livegraft benchmark: patch the timed function");
MODULE_LICENSE("GPL");
