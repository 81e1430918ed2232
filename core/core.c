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
#include "check.h"
#include "core.h"
#include "hooks.h"
#include "ksyms.h"
#include "modules.h"
#include "shadow.h"
#include "sysfs.h"
#include "transition.h"

static int __init livegraft_init(void)
{
	int ret;

	ret = lg_ksyms_init();
	if (ret)
		return ret;

	ret = lg_hooks_init();
	if (ret)
		return ret;

	ret = lg_check_init();
	if (ret)
		goto err_hooks;

	ret = lg_transition_init_module();
	if (ret)
		goto err_check;

	ret = lg_patch_init();
	if (ret)
		goto err_transition;

	ret = lg_sysfs_init();
	if (ret)
		goto err_patch;

	ret = lg_modules_init();
	if (ret)
		goto err_sysfs;

	pr_notice("loaded (stack check: %s)\n", lg_arch_stack_checker());
	return 0;

err_sysfs:
	lg_sysfs_exit();
err_patch:
	lg_patch_exit();
err_transition:
	lg_transition_exit_module();
err_check:
	lg_check_exit();
err_hooks:
	lg_hooks_exit();
	return ret;
}

/*
 * Every patch module depends on livegraft's exports, so no patch is left
 * when this runs.
 */
static void __exit livegraft_exit(void)
{
	lg_modules_exit();
	lg_sysfs_exit();
	lg_patch_exit();
	lg_transition_exit_module();
	lg_check_exit();
	lg_hooks_exit();
	lg_shadow_exit();
	pr_notice("unloaded\n");
}

module_init(livegraft_init);
module_exit(livegraft_exit);
MODULE_DESCRIPTION("livegraft: kGraft-style live patching, out of tree");
MODULE_LICENSE("GPL");
