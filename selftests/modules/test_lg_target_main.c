// SPDX-License-Identifier: GPL-2.0
/*
 * test_lg_target - an ordinary module for patches to target. Its functions
 * show through /proc/test_lg_target. Two static functions named
 * test_lg_target_dup (this file and test_lg_target_dup.c) make a name
 * that needs old_sympos; test_lg_target_notrace cannot be traced.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

int test_lg_target_dup_b(void);

/*
 * The functions read their results from variables so that the compiler
 * cannot fold a known return value into the callers.
 */
static const char *message = "unpatched";
static int dup_a = 1;
static int notrace_val;

static noinline const char *test_lg_target_message(void)
{
	return READ_ONCE(message);
}

static noinline int test_lg_target_dup(void)
{
	return READ_ONCE(dup_a);
}

static noinline notrace int test_lg_target_notrace(void)
{
	return READ_ONCE(notrace_val);
}

static int target_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s %d %d %d\n", test_lg_target_message(),
		   test_lg_target_dup(), test_lg_target_dup_b(),
		   test_lg_target_notrace());
	return 0;
}

static int __init test_lg_target_init(void)
{
	if (!proc_create_single("test_lg_target", 0444, NULL, target_show))
		return -ENOMEM;
	pr_info("loaded\n");
	return 0;
}

static void __exit test_lg_target_exit(void)
{
	remove_proc_entry("test_lg_target", NULL);
	pr_info("unloaded\n");
}

module_init(test_lg_target_init);
module_exit(test_lg_target_exit);
MODULE_DESCRIPTION("livegraft selftest: a module to patch");
MODULE_LICENSE("GPL");
