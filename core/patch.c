// SPDX-License-Identifier: GPL-2.0
/*
 * patch.c - the life of a patch: check, register, enable, disable, free.
 *
 * lg_enable_patch() checks the whole description and resolves every
 * function of the loaded objects before anything changes; only then does
 * it create the sysfs tree, run pre_patch callbacks and redirect. A patch
 * that is disabled is freed once its unpatching transition completes; its
 * module can then be removed.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kallsyms.h>
#include <linux/slab.h>

#include "core.h"
#include "fault.h"
#include "modules.h"
#include "redirect.h"
#include "reloc.h"
#include "replace.h"
#include "state.h"
#include "symbols.h"
#include "sysfs.h"
#include "transition.h"

/* See core.h: serialises every change of patch state. */
DEFINE_MUTEX(lg_mutex);
LIST_HEAD(lg_patches);
/* The last patch's stats.enable_seq. lg_mutex. */
static u64 lg_enable_seq;

/*
 * Runs free_patch_work(), which releases patch modules: livegraft itself
 * may go right after, so its exit drains this queue first.
 */
static struct workqueue_struct *lg_free_wq;

/* The arrays of the description end with an all-zero entry. */
static bool is_last_object(const struct lg_object *o)
{
	return !o->name && !o->funcs;
}

static bool is_last_func(const struct lg_func *f)
{
	return !f->old_name && !f->new_func && !f->old_sympos;
}

bool lg_same_object(const struct lg_object *a, const struct lg_object *b)
{
	if (!a->name || !b->name)
		return !a->name && !b->name;
	return !strcmp(a->name, b->name);
}

/* Sympos 0 and 1 are the same function: the only or the first one. */
bool lg_same_func(const struct lg_func *a, const struct lg_func *b)
{
	return !strcmp(a->old_name, b->old_name) &&
	       (a->old_sympos ?: 1) == (b->old_sympos ?: 1);
}

static int check_object(const char *name, const struct lg_object *o)
{
	const struct lg_func *f;
	unsigned int count = 0;

	if (!o->funcs) {
		pr_err("'%s': object '%s' has no function list\n", name,
		       o->name ?: "vmlinux");
		return -EINVAL;
	}
	/* The name becomes a sysfs directory: kobject_add() WARNs on "". */
	if (o->name && (!*o->name || !strcmp(o->name, "vmlinux") ||
			strnlen(o->name, MODULE_NAME_LEN) >= MODULE_NAME_LEN)) {
		pr_err("'%s': invalid object name '%.*s'\n", name,
		       (int)MODULE_NAME_LEN, o->name);
		return -EINVAL;
	}
	for (f = o->funcs; !is_last_func(f); f++) {
		if (!f->old_name || !*f->old_name || !f->new_func) {
			pr_err("'%s': function %u of object '%s' needs an old_name and a new_func\n",
			       name, count, o->name ?: "vmlinux");
			return -EINVAL;
		}
		if (strnlen(f->old_name, KSYM_NAME_LEN) >= KSYM_NAME_LEN) {
			pr_err("'%s': function %u of object '%s': old_name longer than %d characters\n",
			       name, count, o->name ?: "vmlinux", KSYM_NAME_LEN - 1);
			return -EINVAL;
		}
		count++;
	}
	return count;
}

/*
 * The whole description, before anything changes: well formed, at least
 * one function, no object or function listed twice.
 */
static int check_patch(struct lg_patch *desc)
{
	const struct lg_object *o, *p;
	const struct lg_func *f, *g;
	const char *name;
	int ret;

	if (!desc || !desc->mod) {
		pr_err("invalid patch: it needs its module\n");
		return -EINVAL;
	}
	name = desc->mod->name;
	if (!desc->objs) {
		pr_err("'%s': the patch has no objects\n", name);
		return -EINVAL;
	}
	for (o = desc->objs; !is_last_object(o); o++) {
		ret = check_object(name, o);
		if (ret < 0)
			return ret;
		ret = lg_relocs_check_desc(desc->mod, o);
		if (ret)
			return ret;
		for (p = desc->objs; p != o; p++) {
			if (lg_same_object(p, o)) {
				pr_err("'%s': object '%s' is listed twice\n",
				       name, o->name ?: "vmlinux");
				return -EEXIST;
			}
		}
		for (f = o->funcs; !is_last_func(f); f++) {
			for (g = o->funcs; g != f; g++) {
				if (lg_same_func(g, f)) {
					pr_err("'%s': function '%s' is listed twice\n",
					       name, f->old_name);
					return -EEXIST;
				}
			}
		}
	}
	/* No function at all is fine: callbacks, states, or a replace. */
	return 0;
}

static struct lg_live_patch *find_patch(const char *name)
{
	struct lg_live_patch *patch;

	list_for_each_entry(patch, &lg_patches, node)
		if (!strcmp(patch->name, name))
			return patch;
	return NULL;
}

static void free_patch_work(struct work_struct *work);

/*
 * The live tree of a patch, every kobject initialised so that one
 * teardown, free_patch_start() then free_patch_finish(), undoes any part.
 */
static struct lg_live_patch *alloc_patch(struct lg_patch *desc)
{
	struct lg_live_patch *patch;
	struct lg_live_object *obj;
	struct lg_live_func *func;
	struct lg_object *o;
	struct lg_func *f;

	patch = lg_kzalloc(sizeof(*patch), GFP_KERNEL, LG_KIND_PATCH);
	if (!patch)
		return NULL;
	patch->desc = desc;
	patch->name = desc->mod->name;
	INIT_LIST_HEAD(&patch->objs);
	INIT_LIST_HEAD(&patch->node);
	INIT_WORK(&patch->free_work, free_patch_work);
	init_completion(&patch->finish);
	lg_sysfs_init_patch(patch);

	for (o = desc->objs; !is_last_object(o); o++) {
		obj = lg_kzalloc(sizeof(*obj), GFP_KERNEL, LG_KIND_OBJECT);
		if (!obj)
			goto err_free;
		obj->desc = o;
		obj->patch = patch;
		INIT_LIST_HEAD(&obj->funcs);
		lg_sysfs_init_object(obj);
		list_add_tail(&obj->node, &patch->objs);

		for (f = o->funcs; !is_last_func(f); f++) {
			func = lg_kzalloc(sizeof(*func), GFP_KERNEL, LG_KIND_FUNC);
			if (!func)
				goto err_free;
			func->desc = f;
			func->new_func = f->new_func;
			func->obj = obj;
			INIT_LIST_HEAD(&func->stack_node);
			lg_sysfs_init_func(func);
			list_add_tail(&func->node, &obj->funcs);
		}
	}
	return patch;

err_free:
	lg_sysfs_put_objects(patch);
	kobject_put(&patch->kobj);
	lg_kfree(patch, LG_KIND_PATCH);
	return NULL;
}

/* Must hold lg_mutex: unpublish the patch, drop its objects. */
static void free_patch_start(struct lg_live_patch *patch)
{
	lockdep_assert_held(&lg_mutex);
	list_del_init(&patch->node);
	lg_sysfs_put_objects(patch);
}

/*
 * Without lg_mutex: removing the patch's sysfs directory waits for running
 * sysfs handlers of the patch, which may be waiting for lg_mutex.
 */
static void free_patch_finish(struct lg_live_patch *patch)
{
	struct module *mod = patch->desc->mod;
	bool forced = patch->forced;

	kobject_put(&patch->kobj);
	wait_for_completion(&patch->finish);
	lg_kfree(patch, LG_KIND_PATCH);
	/* A forced transition may have left tasks in its code: keep it. */
	if (!forced)
		module_put(mod);
}

static void free_patch_work(struct work_struct *work)
{
	free_patch_finish(container_of(work, struct lg_live_patch, free_work));
}

/**
 * lg_free_patch_async() - free a disabled patch and release its module
 * @patch: a patch whose unpatching transition completed
 *
 * Called from a sysfs write to the patch itself, which must return before
 * the patch's directory can go: the rest runs from a work item.
 * Must hold lg_mutex.
 */
void lg_free_patch_async(struct lg_live_patch *patch)
{
	free_patch_start(patch);
	queue_work(lg_free_wq, &patch->free_work);
}

/**
 * lg_patch_object() - redirect every function of a loaded object
 * @obj: a resolved object
 *
 * Return: 0, or an error with nothing of the object redirected.
 */
int lg_patch_object(struct lg_live_object *obj)
{
	struct lg_live_func *func;
	int ret;

	lockdep_assert_held(&lg_mutex);
	if (WARN_ON_ONCE(obj->patched))
		return -EINVAL;

	lg_for_each_func(obj, func) {
		/*
		 * A func joins its stack already marked when a transition
		 * runs, so no handler picks it for a task that has not moved.
		 */
		func->transition = lg_transition_patch == obj->patch;
		ret = lg_redirect_func(func);
		if (ret) {
			lg_unpatch_object(obj);
			return ret;
		}
	}
	obj->patched = true;
	return 0;
}

/**
 * lg_unpatch_object() - undo lg_patch_object(), also a partial one
 * @obj: the object
 */
void lg_unpatch_object(struct lg_live_object *obj)
{
	struct lg_live_func *func;

	lockdep_assert_held(&lg_mutex);
	lg_for_each_func(obj, func)
		if (func->patched)
			lg_unredirect_func(func);
	obj->patched = false;
}

void lg_unpatch_objects(struct lg_live_patch *patch)
{
	struct lg_live_object *obj;

	lg_for_each_object(patch, obj)
		if (obj->patched)
			lg_unpatch_object(obj);
}

static int __lg_enable_patch(struct lg_live_patch *patch)
{
	struct lg_live_object *obj;
	int ret;

	lockdep_assert_held(&lg_mutex);
	pr_notice("enabling patch '%s'\n", patch->name);
	/* What the kernel's add_taint_module() does for a livepatch module. */
	add_taint(TAINT_LIVEPATCH, LOCKDEP_STILL_OK);
	set_bit(TAINT_LIVEPATCH, &patch->desc->mod->taints);
	ret = lg_init_transition(patch, LG_PATCHED);
	if (ret) {
		pr_warn("failed to enable patch '%s'\n", patch->name);
		return ret;
	}

	/*
	 * Make func->transition, set by lg_init_transition(), visible before
	 * the funcs join their stacks and become visible to the handler.
	 * Pairs with the first smp_rmb() in lg_ftrace_handler().
	 */
	smp_wmb();

	lg_for_each_object(patch, obj) {
		if (!obj->loaded)
			continue;
		ret = lg_pre_patch_callback(obj);
		if (ret) {
			pr_warn("'%s': pre-patch callback failed for object '%s'\n",
				patch->name, lg_object_name(obj));
			goto err;
		}
		ret = lg_patch_object(obj);
		if (ret) {
			pr_warn("'%s': failed to patch object '%s'\n",
				patch->name, lg_object_name(obj));
			goto err;
		}
	}

	lg_start_transition();
	patch->enabled = true;
	lg_try_complete_transition();
	return 0;

err:
	pr_warn("failed to enable patch '%s'\n", patch->name);
	lg_cancel_transition();
	return ret;
}

/*
 * Find the loaded objects' functions and the symbols of their relocations:
 * the last check before any change. Then write the relocations, so that
 * the patch's code is complete before pre_patch callbacks or anything
 * else can run it.
 */
static int resolve_loaded_objects(struct lg_live_patch *patch)
{
	struct lg_live_object *obj;
	int ret;

	lg_for_each_object(patch, obj) {
		if (obj->desc->name) {
			obj->mod = lg_module_present(obj->desc->name);
			if (!obj->mod)
				continue;
		}
		obj->loaded = true;
		ret = lg_resolve_object(obj) ?: lg_relocs_check(obj);
		if (ret)
			return ret;
	}
	lg_for_each_object(patch, obj) {
		if (!obj->loaded)
			continue;
		ret = lg_relocs_write(obj);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * lg_enable_patch() - see include/livegraft.h
 */
int lg_enable_patch(struct lg_patch *desc)
{
	struct lg_live_patch *patch;
	int ret;

	ret = check_patch(desc);
	if (ret)
		return ret;

	mutex_lock(&lg_mutex);
	if (find_patch(desc->mod->name)) {
		pr_err("'%s': a patch of this name is already registered\n",
		       desc->mod->name);
		ret = -EEXIST;
		goto out_unlock;
	}
	if (lg_transition_patch) {
		pr_err("'%s': patch '%s' is in transition, try again once it completes\n",
		       desc->mod->name, lg_transition_patch->name);
		ret = -EBUSY;
		goto out_unlock;
	}
	ret = lg_states_compatible(desc);
	if (ret)
		goto out_unlock;
	if (lg_fault(-ENODEV) || !try_module_get(desc->mod)) {
		pr_err("'%s': its module is going away\n", desc->mod->name);
		ret = -ENODEV;
		goto out_unlock;
	}

	patch = alloc_patch(desc);
	if (!patch) {
		module_put(desc->mod);
		ret = -ENOMEM;
		goto out_unlock;
	}
	ret = desc->replace ? lg_add_nops(patch) : 0;
	if (!ret)
		ret = resolve_loaded_objects(patch);
	if (!ret) {
		ret = lg_sysfs_add_patch(patch);
		if (ret)
			pr_err("'%s': cannot create the patch's sysfs directories (%d)\n",
			       patch->name, ret);
	}
	if (!ret) {
		/*
		 * Each function's replacements stack in the order of this
		 * number: tools read the top patch from it.
		 */
		patch->stats.enable_seq = ++lg_enable_seq;
		list_add_tail(&patch->node, &lg_patches);
		ret = __lg_enable_patch(patch);
	}
	if (ret) {
		free_patch_start(patch);
		mutex_unlock(&lg_mutex);
		free_patch_finish(patch);
		return ret;
	}

out_unlock:
	mutex_unlock(&lg_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(lg_enable_patch);

/**
 * lg_disable_patch() - start unpatching an enabled patch
 * @patch: the patch, not in transition
 *
 * Return: 0, -EBUSY while another patch is in transition, or -ENOMEM.
 * Must hold lg_mutex.
 */
int lg_disable_patch(struct lg_live_patch *patch)
{
	struct lg_live_object *obj;
	int ret;

	lockdep_assert_held(&lg_mutex);
	if (WARN_ON_ONCE(!patch->enabled))
		return -EINVAL;
	if (lg_transition_patch) {
		pr_err("'%s': patch '%s' is in transition, try again once it completes\n",
		       patch->name, lg_transition_patch->name);
		return -EBUSY;
	}

	ret = lg_init_transition(patch, LG_UNPATCHED);
	if (ret) {
		pr_err("'%s': cannot start the unpatching transition (%d), the patch stays enabled\n",
		       patch->name, ret);
		return ret;
	}
	lg_for_each_object(patch, obj)
		if (obj->patched)
			lg_pre_unpatch_callback(obj);

	lg_start_transition();
	patch->enabled = false;
	lg_try_complete_transition();
	return 0;
}

int lg_pre_patch_callback(struct lg_live_object *obj)
{
	int ret = 0;

	/* As the kernel's klp_object.mod, which callbacks read. */
	obj->desc->mod = obj->mod;
	if (obj->desc->callbacks.pre_patch)
		ret = obj->desc->callbacks.pre_patch(obj->desc);
	obj->post_unpatch_ok = !ret;
	return ret;
}

void lg_post_patch_callback(struct lg_live_object *obj)
{
	if (obj->desc->callbacks.post_patch)
		obj->desc->callbacks.post_patch(obj->desc);
}

void lg_pre_unpatch_callback(struct lg_live_object *obj)
{
	if (obj->desc->callbacks.pre_unpatch)
		obj->desc->callbacks.pre_unpatch(obj->desc);
}

/* Only for an object whose pre_patch succeeded, and only once. */
void lg_post_unpatch_callback(struct lg_live_object *obj)
{
	if (obj->post_unpatch_ok && obj->desc->callbacks.post_unpatch)
		obj->desc->callbacks.post_unpatch(obj->desc);
	obj->post_unpatch_ok = false;
}

int lg_patch_init(void)
{
	if (lg_fault(-ENOMEM))
		return -ENOMEM;
	lg_free_wq = alloc_workqueue("livegraft_free", 0, 0);
	return lg_free_wq ? 0 : -ENOMEM;
}

void lg_patch_exit(void)
{
	destroy_workqueue(lg_free_wq);
}
