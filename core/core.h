/* SPDX-License-Identifier: GPL-2.0 */
/*
 * core.h - livegraft's own view of a patch.
 *
 * The public structs (include/livegraft.h) are the patch author's
 * description and stay read-only, but for lg_object.mod, kept for the
 * callbacks; every patch gets a tree of the structs below, which carry
 * all of the framework's state.
 */
#ifndef _LIVEGRAFT_CORE_H
#define _LIVEGRAFT_CORE_H

#include <linux/completion.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>
#include <livegraft.h>

#include "transition.h"

/**
 * struct lg_live_func - one replaced function, as applied
 * @new_func:	the replacement, copied from @desc: the handler's one read;
 *		NULL for a nop, which runs the original code
 * @desc:	the author's description; a nop's is livegraft's own
 * @obj:	the object it belongs to
 * @old_addr:	the resolved address of the old function, 0 while unloaded
 * @old_size:	its size, for stack checks
 * @new_size:	the size of the replacement, for stack checks
 * @node:	in @obj->funcs
 * @stack_node:	in the func_stack of the lg_ops for @old_addr
 * @kobj:	sysfs <patch>/<object>/<function,sympos>
 * @patched:	on a func_stack: the handler may pick it
 * @transition:	the handler must ask the current task's universe
 * @nop:	added by a replace patch for a function that an older patch
 *		replaces and it does not: the way back to the original code,
 *		for the transition only (replace.c)
 *
 * @patched and @transition together: 0/0 not applied; 1/1 being applied
 * or reverted, the task's universe decides; 1/0 applied for everyone.
 */
struct lg_live_func {
	void *new_func;
	const struct lg_func *desc;
	struct lg_live_object *obj;
	unsigned long old_addr;
	unsigned long old_size;
	unsigned long new_size;
	struct list_head node;
	struct list_head stack_node;
	struct kobject kobj;
	bool patched;
	bool transition;
	bool nop;
};

/**
 * struct lg_live_object - the part of a patch for one object
 * @desc:	the author's description
 * @patch:	the patch it belongs to
 * @funcs:	its lg_live_funcs
 * @node:	in @patch->objs
 * @kobj:	sysfs <patch>/<object>
 * @mod:	the target module while it is loaded; NULL for vmlinux
 * @loaded:	the object's code is in the kernel (always, for vmlinux)
 * @patched:	its functions are on their func_stacks
 * @post_unpatch_ok: pre_patch succeeded, so post_unpatch is owed
 * @dynamic:	made by a replace patch to hold nops; its @desc is
 *		livegraft's own, without callbacks
 */
struct lg_live_object {
	struct lg_object *desc;
	struct lg_live_patch *patch;
	struct list_head funcs;
	struct list_head node;
	struct kobject kobj;
	struct module *mod;
	bool loaded;
	bool patched;
	bool post_unpatch_ok;
	bool dynamic;
};

/**
 * struct lg_live_patch - a registered patch
 * @desc:	the author's description
 * @name:	the patch module's name
 * @objs:	its lg_live_objects
 * @node:	in lg_patches, oldest first
 * @kobj:	sysfs <patch>
 * @enabled:	the target of the patch's last transition is "patched"
 * @forced:	a forced transition involved it: its module stays for good
 * @free_work:	removes it from sysfs and releases its module
 * @finish:	completed when @kobj is released
 * @stats:	figures of its last transition, for sysfs stats
 */
struct lg_live_patch {
	struct lg_patch *desc;
	const char *name;
	struct list_head objs;
	struct list_head node;
	struct kobject kobj;
	bool enabled;
	bool forced;
	struct work_struct free_work;
	struct completion finish;
	struct {
		unsigned int transitions;
		unsigned int reversals;
		u64 start_ns;
		u64 duration_ns;
		unsigned int tasks;
		unsigned int retries;
		unsigned int signals;
		unsigned int stack_checks;
		unsigned int stack_walks;
		u64 memory_bytes;
		unsigned int moved[LG_MOVED_NR];
		u64 enable_seq;
	} stats;
};

/*
 * lg_mutex serialises every change of patch state: registration, sysfs
 * writes, module notifiers, transitions. Only the ftrace handler runs
 * without it, reading func_stacks under RCU-sched.
 */
extern struct mutex lg_mutex;

/* Patches that are enabled or in transition, oldest first. lg_mutex. */
extern struct list_head lg_patches;

#define lg_for_each_object(patch, obj) \
	list_for_each_entry(obj, &(patch)->objs, node)

#define lg_for_each_func(obj, func) \
	list_for_each_entry(func, &(obj)->funcs, node)

static inline const char *lg_object_name(const struct lg_live_object *obj)
{
	return obj->desc->name ?: "vmlinux";
}

static inline unsigned long lg_func_sympos(const struct lg_live_func *func)
{
	return func->desc->old_sympos ?: 1;
}

/* patch.c */
bool lg_same_object(const struct lg_object *a, const struct lg_object *b);
bool lg_same_func(const struct lg_func *a, const struct lg_func *b);
int lg_patch_init(void);
void lg_patch_exit(void);
int lg_patch_object(struct lg_live_object *obj);
void lg_unpatch_object(struct lg_live_object *obj);
void lg_unpatch_objects(struct lg_live_patch *patch);
int lg_disable_patch(struct lg_live_patch *patch);
void lg_free_patch_async(struct lg_live_patch *patch);

/* callbacks, run with lg_mutex held */
int lg_pre_patch_callback(struct lg_live_object *obj);
void lg_post_patch_callback(struct lg_live_object *obj);
void lg_pre_unpatch_callback(struct lg_live_object *obj);
void lg_post_unpatch_callback(struct lg_live_object *obj);

#endif /* _LIVEGRAFT_CORE_H */
