// SPDX-License-Identifier: GPL-2.0
/*
 * test_lg_klp.c - a patch for the kernel's own livepatch (x86_64, where
 * Debian builds it), to test livegraft beside it: "target" picks
 * cmdline_proc_show (the same function as livegraft's tests) or
 * meminfo_proc_show (a different one).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>

static char *target = "meminfo";
module_param(target, charp, 0400);
MODULE_PARM_DESC(target, "cmdline or meminfo");

static int test_lg_klp_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s: this has been live patched\n", THIS_MODULE->name);
	return 0;
}

static struct klp_func funcs[] = {
	{
		.new_func = test_lg_klp_show,
	}, { }
};

static struct klp_object objs[] = {
	{
		.funcs = funcs,
	}, { }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init test_lg_klp_init(void)
{
	if (!strcmp(target, "cmdline"))
		funcs[0].old_name = "cmdline_proc_show";
	else if (!strcmp(target, "meminfo"))
		funcs[0].old_name = "meminfo_proc_show";
	else
		return -EINVAL;
	return klp_enable_patch(&patch);
}

static void __exit test_lg_klp_exit(void)
{
}

module_init(test_lg_klp_init);
module_exit(test_lg_klp_exit);
MODULE_DESCRIPTION("livegraft selftest: a patch for the kernel's livepatch");
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
