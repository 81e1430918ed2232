// SPDX-License-Identifier: GPL-2.0
/*
 * test_lg_livepatch.c - patches /proc/cmdline; test_lg_stack.c and
 * test_lg_meminfo.c are built from this file with another name and target.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/seq_file.h>
#include <livegraft.h>

#ifndef TEST_LG_OLD_NAME
#define TEST_LG_OLD_NAME "cmdline_proc_show"
#endif

static int test_lg_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s: this has been live patched\n", THIS_MODULE->name);
	return 0;
}

static struct lg_func funcs[] = {
	{
		.old_name = TEST_LG_OLD_NAME,
		.new_func = test_lg_proc_show,
	}, { }
};

static struct lg_object objs[] = {
	{
		.funcs = funcs,
	}, { }
};

static struct lg_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init test_lg_init(void)
{
	return lg_enable_patch(&patch);
}

static void __exit test_lg_exit(void)
{
}

module_init(test_lg_init);
module_exit(test_lg_exit);
MODULE_DESCRIPTION("livegraft selftest: patch a /proc show function");
MODULE_LICENSE("GPL");
