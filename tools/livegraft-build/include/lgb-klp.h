/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lgb-klp.h - the kernel's shadow variable API, as livegraft's.
 *
 * livegraft-build puts this header (-include) ahead of every file it
 * compiles, before and after the fix, but for kernel/livepatch/ itself: a
 * fix written for kpatch-build calls klp_shadow_*(), and its patch module
 * must call livegraft's lg_shadow_*() (same arguments, same semantics),
 * not the kernel's livepatch, which arm64 has not even got. The names are
 * mapped here rather than in the patch module's symbols so that a kernel
 * without CONFIG_LIVEPATCH (whose <linux/livepatch.h> declares none of
 * them) compiles the fix too.
 *
 * It comes before the file's own #includes, and so includes nothing: a
 * header read this early would define pr_fmt() before the file does. The
 * declarations use the compiler's types, which are the kernel's (size_t,
 * and gfp_t for GCC); the kernel's and livegraft's declarations of the same
 * functions that follow are compatible with them.
 *
 * What else of the kernel's klp_ API a fix calls, livegraft-build refuses.
 */
#ifndef _LGB_KLP_H
#define _LGB_KLP_H

typedef int (*klp_shadow_ctor_t)(void *obj, void *shadow_data, void *ctor_data);
typedef void (*klp_shadow_dtor_t)(void *obj, void *shadow_data);

void *lg_shadow_get(void *obj, unsigned long id);
void *lg_shadow_alloc(void *obj, unsigned long id, __SIZE_TYPE__ size,
		      unsigned int gfp, klp_shadow_ctor_t ctor, void *ctor_data);
void *lg_shadow_get_or_alloc(void *obj, unsigned long id, __SIZE_TYPE__ size,
			     unsigned int gfp, klp_shadow_ctor_t ctor,
			     void *ctor_data);
void lg_shadow_free(void *obj, unsigned long id, klp_shadow_dtor_t dtor);
void lg_shadow_free_all(unsigned long id, klp_shadow_dtor_t dtor);

#define klp_shadow_get		lg_shadow_get
#define klp_shadow_alloc	lg_shadow_alloc
#define klp_shadow_get_or_alloc	lg_shadow_get_or_alloc
#define klp_shadow_free		lg_shadow_free
#define klp_shadow_free_all	lg_shadow_free_all

#endif /* _LGB_KLP_H */
