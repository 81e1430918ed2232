// SPDX-License-Identifier: GPL-2.0
/*
 * modules.c - objects in modules that load after the patch, or go away.
 *
 * A module notifier plays the part of the kernel's klp_module_coming() and
 * klp_module_going(): a loading module is patched when it is COMING (ftrace
 * already knows its functions, its init has not run), and reverted when it
 * is GOING (its exit has run, ftrace still knows its functions). Patching
 * a loading module needs no transition: none of its code has run yet.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>

#include "check.h"
#include "core.h"
#include "fault.h"
#include "ksyms.h"
#include "modules.h"
#include "reloc.h"
#include "symbols.h"
#include "transition.h"

/*
 * Modules our notifier saw COMING and that are not LIVE yet. A patch
 * enabled in that window must patch them itself; one enabled before the
 * notifier ran must leave them to it. lg_mutex.
 */
struct coming {
	struct list_head node;
	struct module *mod;
};

static LIST_HEAD(coming_list);

static bool seen_coming(struct module *mod)
{
	struct coming *c;

	list_for_each_entry(c, &coming_list, node)
		if (c->mod == mod)
			return true;
	return false;
}

static void forget_coming(struct module *mod)
{
	struct coming *c, *tmp;

	list_for_each_entry_safe(c, tmp, &coming_list, node) {
		if (c->mod == mod) {
			list_del(&c->node);
			lg_kfree(c, LG_KIND_COMING);
		}
	}
}

/**
 * lg_module_present() - a module whose objects a new patch must patch now
 * @name: the module's name
 *
 * Return: the module if it is live, or coming and already past our
 * notifier; else NULL. Must hold lg_mutex, which keeps a returned module
 * from going: its GOING notification waits for the mutex.
 */
struct module *lg_module_present(const char *name)
{
	struct module *mod;

	lockdep_assert_held(&lg_mutex);
	preempt_disable();
	mod = lg_ksym.find_module(name);
	if (mod && mod->state != MODULE_STATE_LIVE &&
	    !(mod->state == MODULE_STATE_COMING && seen_coming(mod)))
		mod = NULL;
	preempt_enable();
	return mod;
}

/*
 * @applied: apply_object() completed, so its post_patch callback ran unless
 * its patch is in transition, and pre_unpatch is owed first: whether the
 * module goes, or a later patch refuses its load (the kernel's
 * klp_cleanup_module_patches_limited() does the same).
 */
static void revert_object(struct lg_live_object *obj, bool applied,
			  bool going)
{
	struct lg_live_patch *patch = obj->patch;

	if (applied && patch != lg_transition_patch)
		lg_pre_unpatch_callback(obj);
	if (going)
		pr_notice("'%s': reverting patch on unloading module '%s'\n",
			  patch->name, obj->mod->name);
	else if (applied)
		pr_notice("'%s': reverting patch on refused module '%s'\n",
			  patch->name, obj->mod->name);
	lg_unpatch_object(obj);
	if (patch == lg_transition_patch)
		lg_check_update();
	lg_post_unpatch_callback(obj);
	lg_forget_object(obj);
	obj->mod = NULL;
	obj->desc->mod = NULL;
	obj->loaded = false;
}

/*
 * Revert the module's objects, of every patch or (on a refused load) of the
 * patches before @last.
 */
static void revert_module(struct module *mod, struct lg_live_patch *last,
			  bool going)
{
	struct lg_live_patch *patch;
	struct lg_live_object *obj;

	list_for_each_entry(patch, &lg_patches, node) {
		if (patch == last)
			break;
		lg_for_each_object(patch, obj)
			if (obj->mod == mod)
				revert_object(obj, true, going);
	}
}

static int apply_object(struct lg_live_object *obj, struct module *mod)
{
	struct lg_live_patch *patch = obj->patch;
	int ret;

	obj->mod = mod;
	obj->loaded = true;
	pr_notice("'%s': applying patch to loading module '%s'\n",
		  patch->name, mod->name);
	ret = lg_resolve_object(obj) ?: lg_relocs_check(obj) ?:
	      lg_relocs_write(obj);
	if (ret)
		goto err;

	ret = lg_pre_patch_callback(obj);
	if (ret) {
		pr_warn("'%s': pre-patch callback failed for object '%s'\n",
			patch->name, mod->name);
		goto err;
	}
	ret = lg_patch_object(obj);
	if (ret) {
		pr_warn("'%s': failed to patch object '%s'\n", patch->name,
			mod->name);
		goto err;
	}
	/* Its code can be on a stack as soon as the module runs. */
	if (patch == lg_transition_patch)
		lg_check_update();
	else
		lg_post_patch_callback(obj);
	return 0;

err:
	revert_object(obj, false, false);
	return ret;
}

static int module_coming(struct module *mod)
{
	struct lg_live_patch *patch;
	struct lg_live_object *obj;
	struct coming *c;
	int ret;

	c = lg_kzalloc(sizeof(*c), GFP_KERNEL, LG_KIND_COMING);
	if (!c) {
		pr_warn("out of memory, refusing to load module '%s'\n",
			mod->name);
		return -ENOMEM;
	}
	c->mod = mod;

	mutex_lock(&lg_mutex);
	list_add(&c->node, &coming_list);
	list_for_each_entry(patch, &lg_patches, node) {
		lg_for_each_object(patch, obj) {
			if (!obj->desc->name || strcmp(obj->desc->name, mod->name))
				continue;
			ret = apply_object(obj, mod);
			if (ret) {
				pr_warn("'%s': patch failed for module '%s', refusing to load module '%s'\n",
					patch->name, mod->name, mod->name);
				revert_module(mod, patch, false);
				forget_coming(mod);
				mutex_unlock(&lg_mutex);
				return ret;
			}
		}
	}
	mutex_unlock(&lg_mutex);
	return 0;
}

static void module_going(struct module *mod)
{
	mutex_lock(&lg_mutex);
	forget_coming(mod);
	revert_module(mod, NULL, true);
	mutex_unlock(&lg_mutex);
}

static int lg_module_notify(struct notifier_block *nb, unsigned long action,
			    void *data)
{
	struct module *mod = data;

	switch (action) {
	case MODULE_STATE_COMING:
		return notifier_from_errno(module_coming(mod));
	case MODULE_STATE_LIVE:
		mutex_lock(&lg_mutex);
		forget_coming(mod);
		mutex_unlock(&lg_mutex);
		break;
	case MODULE_STATE_GOING:
		module_going(mod);
		break;
	}
	return NOTIFY_OK;
}

static struct notifier_block lg_module_nb = {
	.notifier_call = lg_module_notify,
	/* Patch a coming module before other notifiers see it. */
	.priority = INT_MAX,
};

int lg_modules_init(void)
{
	return lg_fault(-EEXIST) ?: register_module_notifier(&lg_module_nb);
}

void lg_modules_exit(void)
{
	unregister_module_notifier(&lg_module_nb);
}
