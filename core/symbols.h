/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LIVEGRAFT_SYMBOLS_H
#define _LIVEGRAFT_SYMBOLS_H

struct lg_live_object;

int lg_find_symbol(const char *patch, const char *objname, const char *name,
		   unsigned long sympos, unsigned long *addr);

/* Must hold lg_mutex. */
int lg_resolve_object(struct lg_live_object *obj);
void lg_forget_object(struct lg_live_object *obj);

#endif /* _LIVEGRAFT_SYMBOLS_H */
