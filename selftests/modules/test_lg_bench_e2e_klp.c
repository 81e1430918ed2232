// SPDX-License-Identifier: GPL-2.0
/*
 * test_lg_bench_e2e_klp.c - the kernel's own livepatch replacing the
 * getpid system call by an identical copy, to compare with livegraft's.
 */

#include <linux/livepatch.h>
#include <linux/module.h>
#include "test_lg_bench_e2e.h"

static struct klp_func funcs[] = {
	{ .old_name = TEST_LG_E2E_OLD_NAME, .new_func = test_lg_e2e_getpid },
	{ }
};

static struct klp_object objs[] = {
	{ .funcs = funcs },
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init test_lg_bench_e2e_klp_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit test_lg_bench_e2e_klp_exit(void)
{
}

module_init(test_lg_bench_e2e_klp_init);
module_exit(test_lg_bench_e2e_klp_exit);
MODULE_DESCRIPTION("livegraft benchmark: the kernel's livepatch of getpid, for comparison");
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
