// SPDX-License-Identifier: GPL-2.0
/*
 * livegraft-sample-lookup.c - new code that needs an unexported kernel
 * function. Out of tree there are no klp relocations: resolve it once, at
 * init, with lg_lookup_symbol(), before the patch is enabled.
 *
 *   insmod livegraft-sample-lookup.ko
 *   cat /proc/cmdline   -> livegraft_sample_lookup: 57 processes
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/sched/stat.h>
#include <linux/seq_file.h>
#include <livegraft.h>

/* nr_processes() is not exported: found through kallsyms at init. */
static typeof(nr_processes) *lookup_nr_processes;

static int livegraft_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s: %d processes\n", THIS_MODULE->name,
		   lookup_nr_processes());
	return 0;
}

static struct lg_func funcs[] = {
	{
		.old_name = "cmdline_proc_show",
		.new_func = livegraft_cmdline_proc_show,
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

static int __init livegraft_sample_lookup_init(void)
{
	unsigned long addr;
	int ret;

	ret = lg_lookup_symbol(NULL, "nr_processes", 0, &addr);
	if (ret)
		return ret;
	lookup_nr_processes = (void *)addr;

	return lg_enable_patch(&patch);
}

static void __exit livegraft_sample_lookup_exit(void)
{
}

module_init(livegraft_sample_lookup_init);
module_exit(livegraft_sample_lookup_exit);
MODULE_DESCRIPTION("livegraft sample: call an unexported function");
MODULE_LICENSE("GPL");
