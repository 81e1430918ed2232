// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs.c - the operator's interface under /sys/kernel/livegraft.
 *
 * The root is not /sys/kernel/livepatch: that one belongs to the kernel's
 * own livepatch, which may be present and in use at the same time.
 *
 *   <patch>/enabled        rw  1/0; see enabled_store()
 *   <patch>/transition     ro  1 while tasks move between universes
 *   <patch>/force          wo  1: move every remaining task now
 *   <patch>/signal         wo  1: poke the tasks that block the transition
 *   <patch>/replace        ro  1 for a cumulative patch
 *   <patch>/pending        ro  the tasks not yet in the target universe
 *   <patch>/stats          ro  "key: value" figures of the transitions
 *   <patch>/<object>/patched      ro
 *   <patch>/<object>/<function,sympos>/
 *
 * Every write that changes state needs CAP_SYS_ADMIN in the initial user
 * namespace (may_write()), and takes only a whole, well-formed value
 * (parse_bool()); each refusal says why in one log line.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/user_namespace.h>

#include "core.h"
#include "fault.h"
#include "pending.h"
#include "sysfs.h"
#include "transition.h"

struct kobject *lg_root_kobj;

#define to_patch(k) container_of(k, struct lg_live_patch, kobj)
#define to_object(k) container_of(k, struct lg_live_object, kobj)
#define to_func(k) container_of(k, struct lg_live_func, kobj)

/*
 * The file modes check only the opener's uid, at open: root of a user
 * namespace that maps uid 0 (unshare -U -r run by root) passes them, and
 * a descriptor root opened may be handed to anyone. Changing what runs in
 * the kernel needs CAP_SYS_ADMIN in the initial user namespace, checked
 * on the writer at the write. Rate-limited: anyone the mode lets through
 * can cause it.
 */
static int may_write(const char *patch, const char *file)
{
	if (capable(CAP_SYS_ADMIN))
		return 0;
	if (patch)
		pr_warn_ratelimited("'%s': %s: writing needs CAP_SYS_ADMIN in the initial user namespace\n",
				    patch, file);
	else
		pr_warn_ratelimited("parameter %s: writing needs CAP_SYS_ADMIN in the initial user namespace\n",
				    file);
	return -EPERM;
}

/*
 * A boolean, the whole of it: kstrtobool()'s words spelled out, any case,
 * one trailing newline allowed. kstrtobool() itself reads only the first
 * characters: it takes "10", "1garbage" or a page of 1s for 1.
 */
static int bool_word(const char *buf, size_t len, bool *val)
{
	static const char * const words[] = {
		"1", "y", "yes", "t", "true", "on",
		"0", "n", "no", "f", "false", "off",
	};
	int i;

	if (len && buf[len - 1] == '\n')
		len--;
	/* No word holds a NUL: a write with one in it matches none. */
	for (i = 0; i < ARRAY_SIZE(words); i++) {
		if (strlen(words[i]) == len && !strncasecmp(buf, words[i], len)) {
			*val = i < ARRAY_SIZE(words) / 2;
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_bool(const char *patch, const char *file, const char *buf,
		      size_t count, bool *val)
{
	int ret = bool_word(buf, count, val);

	if (ret)
		pr_err("'%s': %s: invalid value, write 1 or 0\n", patch, file);
	return ret;
}

/*
 * Writing 0 disables an enabled patch; writing the opposite of the value
 * during the patch's own transition turns it around. A disabled patch
 * cannot come back (load its module again), and writing the current value
 * is an error.
 */
static ssize_t enabled_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	struct lg_live_patch *patch = to_patch(kobj);
	bool enabled;
	int ret;

	ret = may_write(patch->name, "enabled");
	if (!ret)
		ret = parse_bool(patch->name, "enabled", buf, count, &enabled);
	if (ret)
		return ret;

	mutex_lock(&lg_mutex);
	if (patch == lg_transition_patch && patch->enabled != enabled) {
		lg_reverse_transition();
		ret = 0;
	} else if (patch->enabled == enabled) {
		pr_err("'%s': already %s\n", patch->name,
		       enabled ? "enabled" : "disabled");
		ret = -EINVAL;
	} else if (enabled) {
		pr_err("'%s': a disabled patch cannot be enabled again, load its module anew\n",
		       patch->name);
		ret = -EINVAL;
	} else {
		ret = lg_disable_patch(patch);
	}
	mutex_unlock(&lg_mutex);

	return ret ?: count;
}

static ssize_t enabled_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", to_patch(kobj)->enabled);
}

static ssize_t transition_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n",
			  READ_ONCE(lg_transition_patch) == to_patch(kobj));
}

/* Shared by force and signal: both act on a transition that runs. */
static ssize_t transition_action(struct kobject *kobj, const char *buf,
				 size_t count, const char *what,
				 void (*action)(void))
{
	struct lg_live_patch *patch = to_patch(kobj);
	bool val;
	int ret;

	ret = may_write(patch->name, what);
	if (!ret)
		ret = parse_bool(patch->name, what, buf, count, &val);
	if (ret)
		return ret;
	if (!val)
		return count;

	mutex_lock(&lg_mutex);
	if (lg_transition_patch != patch) {
		pr_err("'%s': cannot %s: the patch is not in transition\n",
		       patch->name, what);
		ret = -EINVAL;
	} else {
		action();
	}
	mutex_unlock(&lg_mutex);

	return ret ?: count;
}

static ssize_t force_store(struct kobject *kobj, struct kobj_attribute *attr,
			   const char *buf, size_t count)
{
	return transition_action(kobj, buf, count, "force",
				 lg_force_transition);
}

static ssize_t signal_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t count)
{
	return transition_action(kobj, buf, count, "signal",
				 lg_signal_transition);
}

static ssize_t replace_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", to_patch(kobj)->desc->replace);
}

static ssize_t pending_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	ssize_t len;

	mutex_lock(&lg_mutex);
	len = lg_transition_pending(to_patch(kobj), buf);
	mutex_unlock(&lg_mutex);
	return len;
}

static ssize_t stats_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	ssize_t len;

	mutex_lock(&lg_mutex);
	len = lg_transition_stats(to_patch(kobj), buf);
	mutex_unlock(&lg_mutex);
	return len;
}

static struct kobj_attribute enabled_kobj_attr = __ATTR_RW(enabled);
static struct kobj_attribute transition_kobj_attr = __ATTR_RO(transition);
static struct kobj_attribute force_kobj_attr = __ATTR_WO(force);
static struct kobj_attribute signal_kobj_attr = __ATTR_WO(signal);
static struct kobj_attribute replace_kobj_attr = __ATTR_RO(replace);
static struct kobj_attribute pending_kobj_attr = __ATTR_RO_MODE(pending, 0400);
static struct kobj_attribute stats_kobj_attr = __ATTR_RO(stats);

static struct attribute *lg_patch_attrs[] = {
	&enabled_kobj_attr.attr,
	&transition_kobj_attr.attr,
	&force_kobj_attr.attr,
	&signal_kobj_attr.attr,
	&replace_kobj_attr.attr,
	&pending_kobj_attr.attr,
	&stats_kobj_attr.attr,
	NULL
};
ATTRIBUTE_GROUPS(lg_patch);

static ssize_t patched_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", to_object(kobj)->patched);
}

static struct kobj_attribute patched_kobj_attr = __ATTR_RO(patched);

static struct attribute *lg_object_attrs[] = {
	&patched_kobj_attr.attr,
	NULL
};
ATTRIBUTE_GROUPS(lg_object);

/* The patch struct itself is freed by free_patch_finish() once this ran. */
static void patch_release(struct kobject *kobj)
{
	complete(&to_patch(kobj)->finish);
}

static void object_release(struct kobject *kobj)
{
	struct lg_live_object *obj = to_object(kobj);

	if (obj->dynamic) {
		lg_kfree(obj->desc->name, LG_KIND_DESC);
		lg_kfree(obj->desc, LG_KIND_DESC);
	}
	lg_kfree(obj, LG_KIND_OBJECT);
}

static void func_release(struct kobject *kobj)
{
	struct lg_live_func *func = to_func(kobj);

	if (func->nop) {
		lg_kfree(func->desc->old_name, LG_KIND_DESC);
		lg_kfree(func->desc, LG_KIND_DESC);
	}
	lg_kfree(func, LG_KIND_FUNC);
}

static const struct kobj_type lg_patch_ktype = {
	.release = patch_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = lg_patch_groups,
};

static const struct kobj_type lg_object_ktype = {
	.release = object_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = lg_object_groups,
};

static const struct kobj_type lg_func_ktype = {
	.release = func_release,
	.sysfs_ops = &kobj_sysfs_ops,
};

void lg_sysfs_init_patch(struct lg_live_patch *patch)
{
	kobject_init(&patch->kobj, &lg_patch_ktype);
}

void lg_sysfs_init_object(struct lg_live_object *obj)
{
	kobject_init(&obj->kobj, &lg_object_ktype);
}

void lg_sysfs_init_func(struct lg_live_func *func)
{
	kobject_init(&func->kobj, &lg_func_ktype);
}

/**
 * lg_sysfs_add_patch() - publish a patch's directory tree
 * @patch: a patch whose kobjects lg_sysfs_init_*() initialised
 *
 * Return: 0 or an error; either way lg_sysfs_put_objects() and a put of
 * the patch's kobject undo it.
 */
int lg_sysfs_add_patch(struct lg_live_patch *patch)
{
	struct lg_live_object *obj;
	struct lg_live_func *func;
	int ret;

	ret = lg_fault(-ENOMEM) ?:
	      kobject_add(&patch->kobj, lg_root_kobj, "%s", patch->name);
	if (ret)
		return ret;

	lg_for_each_object(patch, obj) {
		ret = lg_fault(-ENOMEM) ?:
		      kobject_add(&obj->kobj, &patch->kobj, "%s",
				  lg_object_name(obj));
		if (ret)
			return ret;
		lg_for_each_func(obj, func) {
			ret = lg_fault(-ENOMEM) ?:
			      kobject_add(&func->kobj, &obj->kobj, "%s,%lu",
					  func->desc->old_name,
					  lg_func_sympos(func));
			if (ret)
				return ret;
		}
	}
	return 0;
}

/**
 * lg_sysfs_put_objects() - drop a patch's objects and functions
 * @patch: a patch no handler and no transition uses any more
 */
void lg_sysfs_put_objects(struct lg_live_patch *patch)
{
	struct lg_live_object *obj, *tmp_obj;
	struct lg_live_func *func, *tmp_func;

	list_for_each_entry_safe(obj, tmp_obj, &patch->objs, node) {
		list_for_each_entry_safe(func, tmp_func, &obj->funcs, node) {
			list_del(&func->node);
			kobject_put(&func->kobj);
		}
		list_del(&obj->node);
		kobject_put(&obj->kobj);
	}
}

/*
 * livegraft's module parameters, under /sys/module/livegraft/parameters:
 * the same rule as the files above. A value given at load time comes from
 * the loader, which finit_module() checked for CAP_SYS_MODULE, and a task
 * that may load any module may as well set these; the parameters' files
 * exist while livegraft_init() runs, hence no test of the module's state.
 * Not audited: a denial here is no event while CAP_SYS_ADMIN may follow.
 */
int lg_param_set(const char *val, const struct kernel_param *kp,
		 int (*set)(const char *, const struct kernel_param *))
{
	int ret;

	if (!ns_capable_noaudit(&init_user_ns, CAP_SYS_MODULE)) {
		ret = may_write(NULL, kp->name);
		if (ret)
			return ret;
	}
	ret = set(val, kp);
	if (ret)
		pr_err("parameter %s: invalid value (%d)\n", kp->name, ret);
	return ret;
}

static int param_set_admin_uint(const char *val, const struct kernel_param *kp)
{
	return lg_param_set(val, kp, param_set_uint);
}

/* As param_set_bool(), with bool_word()'s whole words. */
static int set_bool_word(const char *val, const struct kernel_param *kp)
{
	if (!val)
		val = "1";
	return bool_word(val, strlen(val), kp->arg);
}

static int param_set_admin_bool(const char *val, const struct kernel_param *kp)
{
	return lg_param_set(val, kp, set_bool_word);
}

const struct kernel_param_ops lg_param_ops_uint = {
	.set = param_set_admin_uint,
	.get = param_get_uint,
};

const struct kernel_param_ops lg_param_ops_bool = {
	.flags = KERNEL_PARAM_OPS_FL_NOARG,
	.set = param_set_admin_bool,
	.get = param_get_bool,
};

int lg_sysfs_init(void)
{
	if (!lg_fault(-ENOMEM))
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
