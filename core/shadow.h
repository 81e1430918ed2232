/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LIVEGRAFT_SHADOW_H
#define _LIVEGRAFT_SHADOW_H

/* Frees what the patches left; at livegraft's exit only. */
void lg_shadow_exit(void);

#endif /* _LIVEGRAFT_SHADOW_H */
