/* SPDX-License-Identifier: GPL-2.0 */
/*
 * reloc.h - the lg_reloc entries of a patch: references from its code to
 * symbols the kernel does not export, written into the patch module when
 * an object is patched.
 */
#ifndef _LIVEGRAFT_RELOC_H
#define _LIVEGRAFT_RELOC_H

struct lg_live_object;
struct lg_object;
struct module;

int lg_relocs_check_desc(struct module *mod, const struct lg_object *o);

/* Must hold lg_mutex; the object is loaded and resolved. */
int lg_relocs_check(struct lg_live_object *obj);
int lg_relocs_write(struct lg_live_object *obj);

#endif /* _LIVEGRAFT_RELOC_H */
