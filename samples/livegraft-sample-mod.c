// SPDX-License-Identifier: GPL-2.0
/*
 * livegraft-sample-mod.c - patch a function of a module, which may load
 * before or after the patch (or never).
 *
 *   insmod livegraft-sample-mod.ko   # the target is not loaded yet
 *   insmod livegraft-target.ko       # patched as it loads, before its init
 *   cat /proc/livegraft_target       -> the answer is 42
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <livegraft.h>

static int livegraft_target_answer(void)
{
	return 42;
}

static int fix_applied(struct lg_object *obj)
{
	pr_info("fixing module %s\n", obj->name);
	return 0;
}

static struct lg_func funcs[] = {
	{
		.old_name = "livegraft_target_answer",
		.new_func = livegraft_target_answer,
	}, { }
};

static struct lg_object objs[] = {
	{
		.name = "livegraft_target",
		.funcs = funcs,
		.callbacks = {
			.pre_patch = fix_applied,
		},
	}, { }
};

static struct lg_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init livegraft_sample_mod_init(void)
{
	return lg_enable_patch(&patch);
}

static void __exit livegraft_sample_mod_exit(void)
{
}

module_init(livegraft_sample_mod_init);
module_exit(livegraft_sample_mod_exit);
MODULE_DESCRIPTION("livegraft sample: patch a module's function");
MODULE_LICENSE("GPL");
