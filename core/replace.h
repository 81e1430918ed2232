/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LIVEGRAFT_REPLACE_H
#define _LIVEGRAFT_REPLACE_H

struct lg_live_patch;

/* Must hold lg_mutex. */
int lg_add_nops(struct lg_live_patch *patch);
void lg_replace_older_patches(struct lg_live_patch *patch);
void lg_discard_nops(struct lg_live_patch *patch);
void lg_free_replaced_patches(struct lg_live_patch *patch);

#endif /* _LIVEGRAFT_REPLACE_H */
