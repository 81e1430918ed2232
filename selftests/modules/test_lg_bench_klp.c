// SPDX-License-Identifier: GPL-2.0
/*
 * test_lg_bench_klp.c - the kernel's own livepatch replacing
 * test_lg_bench_fn2(), to compare with livegraft in the same boot.
 */

#include <linux/livepatch.h>
#include <linux/module.h>

static int new_fn(int x)
{
	return x + 1;
}

static struct klp_func funcs[] = {
	{ .old_name = "test_lg_bench_fn2", .new_func = new_fn },
	{ }
};

static struct klp_object objs[] = {
	{ .name = "test_lg_bench", .funcs = funcs },
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init test_lg_bench_klp_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit test_lg_bench_klp_exit(void)
{
}

module_init(test_lg_bench_klp_init);
module_exit(test_lg_bench_klp_exit);
MODULE_DESCRIPTION("livegraft benchmark: the kernel's livepatch, for comparison");
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
