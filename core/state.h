/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LIVEGRAFT_STATE_H
#define _LIVEGRAFT_STATE_H

struct lg_patch;

/* Must hold lg_mutex. */
int lg_states_compatible(struct lg_patch *desc);

#endif /* _LIVEGRAFT_STATE_H */
