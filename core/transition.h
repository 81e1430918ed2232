/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LIVEGRAFT_TRANSITION_H
#define _LIVEGRAFT_TRANSITION_H

#include <linux/compiler.h>
#include <linux/types.h>

struct lg_live_patch;
struct task_struct;

/* The two universes; LG_UNDEFINED when no transition runs. */
#define LG_UNDEFINED	-1
#define LG_UNPATCHED	0
#define LG_PATCHED	1

/* The patch in transition and where it goes. lg_mutex. */
extern struct lg_live_patch *lg_transition_patch;
extern int lg_target_state;

/*
 * The universe every task is in during a transition. Tasks move all at
 * once for now; the per-task model replaces this with a lookup of @task.
 */
extern int lg_universe;

/**
 * lg_task_universe() - which universe a task runs in, during a transition
 * @task: the task, normally current
 *
 * Lock-free, any context: the ftrace handler calls it.
 */
static __always_inline int lg_task_universe(struct task_struct *task)
{
	return READ_ONCE(lg_universe);
}

/* Must hold lg_mutex. */
void lg_init_transition(struct lg_live_patch *patch, int state);
void lg_start_transition(void);
bool lg_try_complete_transition(void);
void lg_cancel_transition(void);

#endif /* _LIVEGRAFT_TRANSITION_H */
