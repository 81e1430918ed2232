// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs.c - the operator's interface under /sys/kernel/livegraft.
 *
 * The root is not /sys/kernel/livepatch: that one belongs to the kernel's
 * own livepatch, which may be present and in use at the same time.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kobject.h>

#include "sysfs.h"

struct kobject *lg_root_kobj;

int lg_sysfs_init(void)
{
	lg_root_kobj = kobject_create_and_add("livegraft", kernel_kobj);
	if (!lg_root_kobj) {
		pr_err("cannot create /sys/kernel/livegraft\n");
		return -ENOMEM;
	}
	return 0;
}

void lg_sysfs_exit(void)
{
	kobject_put(lg_root_kobj);
	lg_root_kobj = NULL;
}
