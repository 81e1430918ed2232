// SPDX-License-Identifier: GPL-2.0
/*
 * livegraft-target.c - an ordinary module with a bug, for
 * livegraft-sample-mod.c to fix. /proc/livegraft_target shows what
 * livegraft_target_answer() returns.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

/* noinline: a function the compiler folds into its callers cannot be patched. */
static noinline int livegraft_target_answer(void)
{
	return 41;
}

static int target_show(struct seq_file *m, void *v)
{
	seq_printf(m, "the answer is %d\n", livegraft_target_answer());
	return 0;
}

static int __init livegraft_target_init(void)
{
	if (!proc_create_single("livegraft_target", 0444, NULL, target_show))
		return -ENOMEM;
	return 0;
}

static void __exit livegraft_target_exit(void)
{
	remove_proc_entry("livegraft_target", NULL);
}

module_init(livegraft_target_init);
module_exit(livegraft_target_exit);
MODULE_DESCRIPTION("livegraft sample: a module to be patched");
MODULE_LICENSE("GPL");
