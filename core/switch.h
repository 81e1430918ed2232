/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LIVEGRAFT_SWITCH_H
#define _LIVEGRAFT_SWITCH_H

#include <linux/atomic.h>
#include <linux/types.h>

#include "transition.h"

struct lg_task_state;
struct lg_universe_table;
struct task_struct;

/* Tasks found unmoved by the last scan, less the moves since. */
extern atomic_t lg_unmoved;
/* The running transition's moves and pokes, for stats. */
extern atomic_t lg_moved_count[LG_MOVED_NR];
extern atomic_t lg_signal_count;
extern atomic_t lg_check_count;
extern atomic_t lg_walk_count;

int lg_switch_init(void);
void lg_switch_exit(void);
void lg_sync_cpus(void);

/* The worker's movers. Must hold lg_mutex. */
void lg_move_task(struct lg_universe_table *table, struct task_struct *task,
		  enum lg_moved_by how);
bool lg_switch_task(struct lg_universe_table *table, struct task_struct *task);
void lg_switch_departed(struct lg_task_state *state, void *unmoved);
unsigned int lg_switch_idle_tasks(struct lg_universe_table *table);
void lg_send_signals(struct lg_universe_table *table, bool again);

#endif /* _LIVEGRAFT_SWITCH_H */
