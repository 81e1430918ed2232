// SPDX-License-Identifier: GPL-2.0
/*
 * test_lg_callbacks.c - a patch with callbacks on every object, after the
 * kernel's test_klp_callbacks_demo: each callback logs its name and object,
 * every pre_patch returns the pre_patch_ret parameter. The test_lg_target
 * object also replaces test_lg_target_message(), the test_lg_busy object
 * test_lg_busy_sleep(), where that module's kthread can hold up a
 * transition.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <livegraft.h>

static int pre_patch_ret;
module_param(pre_patch_ret, int, 0644);
MODULE_PARM_DESC(pre_patch_ret, "what every pre_patch callback returns");

static const char *obj_name(struct lg_object *obj)
{
	return obj->name ?: "vmlinux";
}

static int pre_patch_callback(struct lg_object *obj)
{
	pr_info("%s: %s\n", __func__, obj_name(obj));
	return pre_patch_ret;
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

static const char *patched_message(void)
{
	return "patched";
}

static struct lg_func no_funcs[] = {
	{ }
};

static struct lg_func target_funcs[] = {
	{
		.old_name = "test_lg_target_message",
		.new_func = patched_message,
	}, { }
};

static void busy_sleep(void)
{
}

static struct lg_func busy_funcs[] = {
	{
		.old_name = "test_lg_busy_sleep",
		.new_func = busy_sleep,
	}, { }
};

#define CALLBACKS {						\
	.pre_patch = pre_patch_callback,			\
	.post_patch = post_patch_callback,			\
	.pre_unpatch = pre_unpatch_callback,			\
	.post_unpatch = post_unpatch_callback,			\
}

static struct lg_object objs[] = {
	{
		.funcs = no_funcs,
		.callbacks = CALLBACKS,
	}, {
		.name = "test_lg_target",
		.funcs = target_funcs,
		.callbacks = CALLBACKS,
	}, {
		.name = "test_lg_busy",
		.funcs = busy_funcs,
		.callbacks = CALLBACKS,
	}, { }
};

static struct lg_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init test_lg_callbacks_init(void)
{
	return lg_enable_patch(&patch);
}

static void __exit test_lg_callbacks_exit(void)
{
}

module_init(test_lg_callbacks_init);
module_exit(test_lg_callbacks_exit);
MODULE_DESCRIPTION("livegraft selftest: callbacks");
MODULE_LICENSE("GPL");
