// SPDX-License-Identifier: GPL-2.0
/*
 * replace.c - atomic replace: a cumulative patch supersedes every patch
 * before it in one transition.
 *
 * For each function that an older patch replaces and the new one does
 * not, the new patch gets a nop: a function of its own whose code is the
 * original one. A task in the new universe thus runs exactly the new
 * patch's set, one in the old universe the old set, as for any stacked
 * patch. When the patching transition completes, the older patches are
 * taken off their functions and disabled, the nops go, and the older
 * patches are freed: their directories go and their modules may be
 * removed. A transition reversed before that removes the new patch,
 * nops included, and leaves the old set as it was. As in the kernel's
 * livepatch, only the new patch's callbacks run.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>

#include "core.h"
#include "fault.h"
#include "redirect.h"
#include "replace.h"
#include "sysfs.h"

static struct lg_live_object *find_object(struct lg_live_patch *patch,
					  const struct lg_object *o)
{
	struct lg_live_object *obj;

	lg_for_each_object(patch, obj)
		if (lg_same_object(obj->desc, o))
			return obj;
	return NULL;
}

static bool has_func(struct lg_live_object *obj, const struct lg_func *f)
{
	struct lg_live_func *func;

	lg_for_each_func(obj, func)
		if (lg_same_func(func->desc, f))
			return true;
	return false;
}

static struct lg_live_object *add_dynamic_object(struct lg_live_patch *patch,
						 const char *name)
{
	struct lg_live_object *obj;
	struct lg_object *desc;

	obj = lg_kzalloc(sizeof(*obj), GFP_KERNEL, LG_KIND_OBJECT);
	desc = lg_kzalloc(sizeof(*desc), GFP_KERNEL, LG_KIND_DESC);
	if (!obj || !desc)
		goto err;
	if (name) {
		desc->name = lg_kstrdup(name, GFP_KERNEL, LG_KIND_DESC);
		if (!desc->name)
			goto err;
	}
	obj->desc = desc;
	obj->patch = patch;
	obj->dynamic = true;
	INIT_LIST_HEAD(&obj->funcs);
	lg_sysfs_init_object(obj);
	list_add_tail(&obj->node, &patch->objs);
	return obj;

err:
	lg_kfree(desc, LG_KIND_DESC);
	lg_kfree(obj, LG_KIND_OBJECT);
	return NULL;
}

static int add_nop(struct lg_live_object *obj, const struct lg_func *f)
{
	struct lg_live_func *func;
	struct lg_func *desc;

	func = lg_kzalloc(sizeof(*func), GFP_KERNEL, LG_KIND_FUNC);
	desc = lg_kzalloc(sizeof(*desc), GFP_KERNEL, LG_KIND_DESC);
	if (!func || !desc)
		goto err;
	desc->old_name = lg_kstrdup(f->old_name, GFP_KERNEL, LG_KIND_DESC);
	if (!desc->old_name)
		goto err;
	desc->old_sympos = f->old_sympos;
	func->desc = desc;
	func->nop = true;
	func->obj = obj;
	INIT_LIST_HEAD(&func->stack_node);
	lg_sysfs_init_func(func);
	list_add_tail(&func->node, &obj->funcs);
	return 0;

err:
	lg_kfree(desc, LG_KIND_DESC);
	lg_kfree(func, LG_KIND_FUNC);
	return -ENOMEM;
}

/**
 * lg_add_nops() - give a replace patch a nop for every function of the
 * installed patches that it does not replace itself
 * @patch: the new patch, not yet in lg_patches nor in sysfs
 *
 * Return: 0 or -ENOMEM; the patch's teardown frees what was added.
 * Must hold lg_mutex.
 */
int lg_add_nops(struct lg_live_patch *patch)
{
	struct lg_live_object *old_obj, *obj;
	struct lg_live_func *old_func;
	struct lg_live_patch *old;
	int ret;

	lockdep_assert_held(&lg_mutex);
	list_for_each_entry(old, &lg_patches, node) {
		lg_for_each_object(old, old_obj) {
			obj = find_object(patch, old_obj->desc);
			lg_for_each_func(old_obj, old_func) {
				if (obj && has_func(obj, old_func->desc))
					continue;
				if (!obj)
					obj = add_dynamic_object(patch,
								 old_obj->desc->name);
				if (!obj)
					return -ENOMEM;
				ret = add_nop(obj, old_func->desc);
				if (ret)
					return ret;
			}
		}
	}
	return 0;
}

/**
 * lg_replace_older_patches() - the replace patch's patching transition
 * completes: take every older patch off its functions, and the nops too
 * @patch: the replace patch
 *
 * Every task runs the new set: below the new patch's functions and nops,
 * nothing is picked any more. A handler may still see what was taken off
 * until the caller's lg_synchronize(); lg_discard_nops() and
 * lg_free_replaced_patches() free it after.
 * Must hold lg_mutex.
 */
void lg_replace_older_patches(struct lg_live_patch *patch)
{
	struct lg_live_object *obj;
	struct lg_live_func *func;
	struct lg_live_patch *old;

	lockdep_assert_held(&lg_mutex);
	list_for_each_entry(old, &lg_patches, node) {
		if (old == patch)
			continue;
		lg_unpatch_objects(old);
		old->enabled = false;
		pr_notice("'%s': replaced by '%s'\n", old->name, patch->name);
	}
	lg_for_each_object(patch, obj)
		lg_for_each_func(obj, func)
			if (func->nop && func->patched)
				lg_unredirect_func(func);
}

/**
 * lg_discard_nops() - free the nops and the objects made for them
 * @patch: the replace patch, whose transition completed, with no handler
 *	   left that could see a nop
 *
 * Must hold lg_mutex.
 */
void lg_discard_nops(struct lg_live_patch *patch)
{
	struct lg_live_object *obj, *tmp_obj;
	struct lg_live_func *func, *tmp_func;

	lockdep_assert_held(&lg_mutex);
	list_for_each_entry_safe(obj, tmp_obj, &patch->objs, node) {
		list_for_each_entry_safe(func, tmp_func, &obj->funcs, node) {
			if (!func->nop)
				continue;
			list_del(&func->node);
			kobject_put(&func->kobj);
		}
		if (obj->dynamic) {
			list_del(&obj->node);
			kobject_put(&obj->kobj);
		}
	}
}

/**
 * lg_free_replaced_patches() - free the patches a replace patch replaced
 * @patch: the replace patch, whose transition and callbacks completed
 *
 * They leave sysfs and release their modules, as a disabled patch does.
 * Their callbacks found them until now, through lg_get_prev_state().
 * Must hold lg_mutex.
 */
void lg_free_replaced_patches(struct lg_live_patch *patch)
{
	struct lg_live_patch *old, *tmp;

	lockdep_assert_held(&lg_mutex);
	list_for_each_entry_safe(old, tmp, &lg_patches, node)
		if (old != patch)
			lg_free_patch_async(old);
}
