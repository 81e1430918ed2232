// SPDX-License-Identifier: GPL-2.0
/*
 * test_lg_fault_patch.c - the patches test-fault.sh fails step by step,
 * built as test_lg_fault_v1 and test_lg_fault_v2 (TEST_LG_FAULT_VERSION).
 *
 * v1 patches /proc/cmdline (vmlinux) and three functions of test_lg_target,
 * the two test_lg_target_dup() by position: /proc/test_lg_target then reads
 * "test_lg_fault_v1 11 12 0". v2 is a replace patch of
 * test_lg_target_message() only: replacing v1 takes nops for the other
 * three, cmdline_proc_show()'s in an object of its own, and leaves
 * "test_lg_fault_v2 1 2 0". Every object's callbacks log, so that a test
 * can see each pre_patch matched by a post_unpatch.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/seq_file.h>
#include <livegraft.h>

static const char *obj_name(struct lg_object *obj)
{
	return obj->name ?: "vmlinux";
}

static int pre_patch_callback(struct lg_object *obj)
{
	pr_info("%s: %s\n", __func__, obj_name(obj));
	return 0;
}

static void post_patch_callback(struct lg_object *obj)
{
	pr_info("%s: %s\n", __func__, obj_name(obj));
}

static void pre_unpatch_callback(struct lg_object *obj)
{
	pr_info("%s: %s\n", __func__, obj_name(obj));
}

static void post_unpatch_callback(struct lg_object *obj)
{
	pr_info("%s: %s\n", __func__, obj_name(obj));
}

#define CALLBACKS {						\
	.pre_patch = pre_patch_callback,			\
	.post_patch = post_patch_callback,			\
	.pre_unpatch = pre_unpatch_callback,			\
	.post_unpatch = post_unpatch_callback,			\
}

static const char *new_message(void)
{
	return KBUILD_MODNAME;
}

#if TEST_LG_FAULT_VERSION == 1

static int new_cmdline_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s: this has been live patched\n", KBUILD_MODNAME);
	return 0;
}

static int new_dup_a(void)
{
	return 11;
}

static int new_dup_b(void)
{
	return 12;
}

static struct lg_func vmlinux_funcs[] = {
	{ .old_name = "cmdline_proc_show", .new_func = new_cmdline_show },
	{ }
};

static struct lg_func target_funcs[] = {
	{ .old_name = "test_lg_target_message", .new_func = new_message },
	{ .old_name = "test_lg_target_dup", .new_func = new_dup_a, .old_sympos = 1 },
	{ .old_name = "test_lg_target_dup", .new_func = new_dup_b, .old_sympos = 2 },
	{ }
};

static struct lg_object objs[] = {
	{ .funcs = vmlinux_funcs, .callbacks = CALLBACKS },
	{ .name = "test_lg_target", .funcs = target_funcs, .callbacks = CALLBACKS },
	{ }
};

#else

static struct lg_func target_funcs[] = {
	{ .old_name = "test_lg_target_message", .new_func = new_message },
	{ }
};

static struct lg_object objs[] = {
	{ .name = "test_lg_target", .funcs = target_funcs, .callbacks = CALLBACKS },
	{ }
};

#endif

static struct lg_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = TEST_LG_FAULT_VERSION != 1,
};

static int __init test_lg_fault_init(void)
{
	return lg_enable_patch(&patch);
}

static void __exit test_lg_fault_exit(void)
{
}

module_init(test_lg_fault_init);
module_exit(test_lg_fault_exit);
MODULE_DESCRIPTION("livegraft selftest: a patch for fault injection");
MODULE_LICENSE("GPL");
