/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LIVEGRAFT_REDIRECT_H
#define _LIVEGRAFT_REDIRECT_H

struct lg_live_func;
struct lg_live_patch;

/* Must hold lg_mutex. */
int lg_redirect_check(struct lg_live_func *func);
int lg_redirect_func(struct lg_live_func *func);
void lg_unredirect_func(struct lg_live_func *func);
int lg_redirect_update(struct lg_live_patch *patch);
void lg_synchronize(void);
struct lg_live_func *lg_redirect_below(struct lg_live_func *func);

#endif /* _LIVEGRAFT_REDIRECT_H */
