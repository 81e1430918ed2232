// SPDX-License-Identifier: GPL-2.0
/*
 * livegraft-sample.c - the smallest useful patch: /proc/cmdline, fixed.
 *
 *   insmod livegraft.ko
 *   insmod livegraft-sample.ko
 *   cat /proc/cmdline             -> livegraft_sample: this has been live patched
 *   echo 0 > /sys/kernel/livegraft/livegraft_sample/enabled
 *   rmmod livegraft_sample
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/seq_file.h>
#include <livegraft.h>

/* The replacement has the old function's prototype. */
static int livegraft_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s: this has been live patched\n", THIS_MODULE->name);
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
		/* name NULL: vmlinux */
		.funcs = funcs,
	}, { }
};

static struct lg_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init livegraft_sample_init(void)
{
	return lg_enable_patch(&patch);
}

/* Nothing to do: livegraft frees the patch once it is disabled. */
static void __exit livegraft_sample_exit(void)
{
}

module_init(livegraft_sample_init);
module_exit(livegraft_sample_exit);
MODULE_DESCRIPTION("livegraft sample: patch /proc/cmdline");
MODULE_LICENSE("GPL");
