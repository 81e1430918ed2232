/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/livepatch.h for patch modules written for the kernel's livepatch,
 * built against livegraft: `make extmod M=DIR` puts this directory ahead
 * of the kernel's headers. The kernel's own header is read first, so that
 * the kernel headers that include it keep their declarations; from here
 * on, the livepatch API that patch modules use names livegraft's, which
 * has the same structures, fields and semantics. The module then calls
 * only lg_ symbols, never the kernel's klp_ ones: it runs on livegraft,
 * under /sys/kernel/livegraft, with or without the kernel's livepatch.
 *
 * What a module cannot have this way: klp relocations (.klp.rela
 * sections, made by kpatch-build or klp-convert, not by a compiler; use
 * lg_lookup_symbol()), and the internal fields of the kernel's structures
 * (klp_patch.enabled and the like: read sysfs). Documentation/porting.md
 * has the details.
 */
#ifndef _LIVEGRAFT_KLP_LIVEPATCH_H
#define _LIVEGRAFT_KLP_LIVEPATCH_H

#include_next <linux/livepatch.h>
#include <livegraft.h>

#define klp_func		lg_func
#define klp_object		lg_object
#define klp_callbacks		lg_callbacks
#define klp_state		lg_state
#define klp_patch		lg_patch
#define klp_shadow_ctor_t	lg_shadow_ctor_t
#define klp_shadow_dtor_t	lg_shadow_dtor_t

#define klp_enable_patch	lg_enable_patch
#define klp_shadow_get		lg_shadow_get
#define klp_shadow_alloc	lg_shadow_alloc
#define klp_shadow_get_or_alloc	lg_shadow_get_or_alloc
#define klp_shadow_free		lg_shadow_free
#define klp_shadow_free_all	lg_shadow_free_all
#define klp_get_state		lg_get_state
#define klp_get_prev_state	lg_get_prev_state

/*
 * MODULE_INFO(livepatch, "Y") would make the module loader hand the
 * module to the kernel's livepatch, or refuse it (ENOEXEC) where there
 * is none: it becomes the "livegraft=Y" tag, which nothing acts on.
 */
#define livepatch		livegraft

#endif /* _LIVEGRAFT_KLP_LIVEPATCH_H */
