/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LIVEGRAFT_EXITS_H
#define _LIVEGRAFT_EXITS_H

struct lg_universe_table;
struct task_struct;

int lg_exits_init(void);
void lg_exits_exit(void);
void lg_exits_record(void);
void lg_exits_catch_up(void);
bool lg_task_dead(struct task_struct *task);
int lg_exits_pin(struct lg_universe_table *table);

#endif /* _LIVEGRAFT_EXITS_H */
