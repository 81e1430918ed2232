// SPDX-License-Identifier: GPL-2.0
/*
 * livegraft-target.c - an ordinary module with a bug, for the samples to
 * fix. /proc/livegraft_target shows what livegraft_target_answer()
 * returns; each open of it is a session, with an object of its own that
 * a fix may want to attach data to (livegraft-sample-shadow.c).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

/* One per open of /proc/livegraft_target. */
struct livegraft_target_session {
	unsigned long opened;
};

/* noinline: a function the compiler folds into its callers cannot be patched. */
static noinline int livegraft_target_answer(void)
{
	return 41;
}

static noinline struct livegraft_target_session *livegraft_target_session_new(void)
{
	struct livegraft_target_session *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (s)
		s->opened = jiffies;
	return s;
}

static noinline void livegraft_target_session_free(struct livegraft_target_session *s)
{
	kfree(s);
}

/* m->private is the session. */
static noinline int livegraft_target_show(struct seq_file *m, void *v)
{
	seq_printf(m, "the answer is %d\n", livegraft_target_answer());
	return 0;
}

static int target_open(struct inode *inode, struct file *file)
{
	struct livegraft_target_session *s = livegraft_target_session_new();
	int ret;

	if (!s)
		return -ENOMEM;
	ret = single_open(file, livegraft_target_show, s);
	if (ret)
		livegraft_target_session_free(s);
	return ret;
}

static int target_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;

	livegraft_target_session_free(m->private);
	return single_release(inode, file);
}

static const struct proc_ops target_ops = {
	.proc_open	= target_open,
	.proc_read	= seq_read,
	.proc_lseek	= seq_lseek,
	.proc_release	= target_release,
};

static int __init livegraft_target_init(void)
{
	if (!proc_create("livegraft_target", 0444, NULL, &target_ops))
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
