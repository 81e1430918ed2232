/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LIVEGRAFT_EXITS_H
#define _LIVEGRAFT_EXITS_H

struct lg_universe_table;

int lg_exits_init(void);
void lg_exits_exit(void);
void lg_exits_record(void);
int lg_exits_pin(struct lg_universe_table *table);

#endif /* _LIVEGRAFT_EXITS_H */
