/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LIVEGRAFT_HOOKS_H
#define _LIVEGRAFT_HOOKS_H

int lg_hooks_init(void);
void lg_hooks_exit(void);

#endif /* _LIVEGRAFT_HOOKS_H */
