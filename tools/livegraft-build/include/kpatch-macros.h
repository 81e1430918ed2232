/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kpatch-macros.h - kpatch's macros, for fixes written for kpatch-build and
 * built by livegraft-build (its include path has this directory).
 *
 * Callbacks: KPATCH_{PRE,POST}_{PATCH,UNPATCH}_CALLBACK(fn) name a function
 * of the fix's file that livegraft calls around patching the object that
 * file belongs to (vmlinux, or its module): livegraft-build makes it that
 * lg_object's callbacks (include/livegraft.h, struct lg_callbacks). Each
 * receives livegraft's object, whose name and mod are the livepatch ones;
 * struct klp_object is that object from here on. One of each kind per
 * object.
 *
 * The macro leaves a global pointer to the function, named for its kind
 * and the object's module name (__KBUILD_MODNAME: unique in the patch
 * module unless two files of one module have the same kind of callback,
 * which the link refuses). lg-diff carries it as new data, the driver
 * finds it by its name. That the pointer holds the function's address also
 * keeps objtool from sealing the function's ENDBR (x86 IBT): livegraft
 * calls it indirectly.
 *
 * KPATCH_LOAD_HOOK and KPATCH_UNLOAD_HOOK, kpatch's older hooks, are a
 * post_patch and a pre_unpatch callback. KPATCH_IGNORE_SECTION,
 * KPATCH_IGNORE_FUNCTION and KPATCH_FORCE_UNSAFE have no livegraft meaning
 * (lg-diff ignores no change it sees, and livegraft never skips the
 * consistency model): they fail the compile with the reason.
 */
#ifndef _LGB_KPATCH_MACROS_H
#define _LGB_KPATCH_MACROS_H

#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/livepatch.h>
#include <livegraft.h>

#define klp_object	lg_object
#define patch_object	struct lg_object

typedef int (*kpatch_pre_patch_call_t)(patch_object *obj);
typedef void (*kpatch_post_patch_call_t)(patch_object *obj);
typedef void (*kpatch_pre_unpatch_call_t)(patch_object *obj);
typedef void (*kpatch_post_unpatch_call_t)(patch_object *obj);
typedef void (*kpatch_loadcall_t)(void);
typedef void (*kpatch_unloadcall_t)(void);

#define __LGB_CB_NAME2(kind, mod)	__lgb_kpatch_##kind##_##mod
#define __LGB_CB_NAME(kind, mod)	__LGB_CB_NAME2(kind, mod)
#define __LGB_CALLBACK(kind, type, fn)					\
	const type __LGB_CB_NAME(kind, __KBUILD_MODNAME) __used = (fn)

#define KPATCH_PRE_PATCH_CALLBACK(fn)					\
	__LGB_CALLBACK(pre_patch, kpatch_pre_patch_call_t, fn)
#define KPATCH_POST_PATCH_CALLBACK(fn)					\
	__LGB_CALLBACK(post_patch, kpatch_post_patch_call_t, fn)
#define KPATCH_PRE_UNPATCH_CALLBACK(fn)					\
	__LGB_CALLBACK(pre_unpatch, kpatch_pre_unpatch_call_t, fn)
#define KPATCH_POST_UNPATCH_CALLBACK(fn)				\
	__LGB_CALLBACK(post_unpatch, kpatch_post_unpatch_call_t, fn)

#define KPATCH_LOAD_HOOK(fn)						\
	static void __lgb_load_hook(patch_object *obj)			\
	{								\
		kpatch_loadcall_t hook = (fn);				\
		hook();							\
	}								\
	KPATCH_POST_PATCH_CALLBACK(__lgb_load_hook)
#define KPATCH_UNLOAD_HOOK(fn)						\
	static void __lgb_unload_hook(patch_object *obj)		\
	{								\
		kpatch_unloadcall_t hook = (fn);			\
		hook();							\
	}								\
	KPATCH_PRE_UNPATCH_CALLBACK(__lgb_unload_hook)

#define KPATCH_IGNORE_SECTION(sec)					\
	static_assert(0,						\
	"KPATCH_IGNORE_SECTION is refused: lg-diff carries or refuses a change")
#define KPATCH_IGNORE_FUNCTION(fn)					\
	static_assert(0,						\
	"KPATCH_IGNORE_FUNCTION is refused: a changed function is patched")
#define KPATCH_FORCE_UNSAFE(fn)						\
	static_assert(0,						\
	"KPATCH_FORCE_UNSAFE is refused: livegraft keeps its consistency model")

#endif /* _LGB_KPATCH_MACROS_H */
