/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LIVEGRAFT_PENDING_H
#define _LIVEGRAFT_PENDING_H

#include <linux/types.h>

struct lg_live_patch;

/* Must hold lg_mutex. */
ssize_t lg_transition_pending(struct lg_live_patch *patch, char *buf);
ssize_t lg_transition_stats(struct lg_live_patch *patch, char *buf);
void lg_report_stall(unsigned int unmoved);

#endif /* _LIVEGRAFT_PENDING_H */
