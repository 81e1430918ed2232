/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LIVEGRAFT_SYSFS_H
#define _LIVEGRAFT_SYSFS_H

#include <linux/moduleparam.h>

struct kobject;
struct lg_live_patch;
struct lg_live_object;
struct lg_live_func;

/* /sys/kernel/livegraft: one directory per patch lives under it. */
extern struct kobject *lg_root_kobj;

/*
 * Module parameters writable at run time use these: writes need
 * CAP_SYS_ADMIN (or CAP_SYS_MODULE) in the initial user namespace.
 */
extern const struct kernel_param_ops lg_param_ops_uint;
extern const struct kernel_param_ops lg_param_ops_bool;
int lg_param_set(const char *val, const struct kernel_param *kp,
		 int (*set)(const char *val, const struct kernel_param *kp));

int lg_sysfs_init(void);
void lg_sysfs_exit(void);

void lg_sysfs_init_patch(struct lg_live_patch *patch);
void lg_sysfs_init_object(struct lg_live_object *obj);
void lg_sysfs_init_func(struct lg_live_func *func);
int lg_sysfs_add_patch(struct lg_live_patch *patch);
void lg_sysfs_put_objects(struct lg_live_patch *patch);

#endif /* _LIVEGRAFT_SYSFS_H */
