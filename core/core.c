// SPDX-License-Identifier: GPL-2.0
/*
 * core.c - livegraft module life cycle.
 *
 * Each concern of the framework has an lg_<concern>_init()/_exit() pair;
 * init calls them in order and unwinds in exact reverse, exit mirrors it.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "arch.h"
#include "ksyms.h"
#include "sysfs.h"

static int __init livegraft_init(void)
{
	int ret;

	ret = lg_ksyms_init();
	if (ret)
		return ret;

	ret = lg_sysfs_init();
	if (ret)
		return ret;

	pr_notice("loaded (stack check: %s)\n", lg_arch_stack_checker());
	return 0;
}

static void __exit livegraft_exit(void)
{
	lg_sysfs_exit();
	pr_notice("unloaded\n");
}

module_init(livegraft_init);
module_exit(livegraft_exit);
MODULE_DESCRIPTION("livegraft: kGraft-style live patching, out of tree");
MODULE_LICENSE("GPL");
