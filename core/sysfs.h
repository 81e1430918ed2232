/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LIVEGRAFT_SYSFS_H
#define _LIVEGRAFT_SYSFS_H

struct kobject;

/* /sys/kernel/livegraft: one directory per patch lives under it. */
extern struct kobject *lg_root_kobj;

int lg_sysfs_init(void);
void lg_sysfs_exit(void);

#endif /* _LIVEGRAFT_SYSFS_H */
