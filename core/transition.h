/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LIVEGRAFT_TRANSITION_H
#define _LIVEGRAFT_TRANSITION_H

#include <linux/types.h>

struct lg_live_patch;
struct task_struct;

/* The two universes; LG_UNDEFINED when no transition runs. */
#define LG_UNDEFINED	-1
#define LG_UNPATCHED	0
#define LG_PATCHED	1

/* How a task reached the target universe, for stats. */
enum lg_moved_by {
	LG_MOVED_STACK,		/* its stack was checked while it slept */
	LG_MOVED_USER,		/* at our task_work, by its own stack */
	LG_MOVED_SIGNAL,	/* woken by a fake signal, then as above */
	LG_MOVED_IDLE,		/* an idle task, switched out for a work */
	LG_MOVED_SAFE,		/* a kthread's lg_task_safe() */
	LG_MOVED_FORCE,		/* an operator's force */
	LG_MOVED_EXIT,		/* exiting, by its own stack */
	LG_MOVED_NR,
};

/* The patch in transition and where it goes. lg_mutex writes. */
extern struct lg_live_patch *lg_transition_patch;
extern int lg_target_state;

int lg_transition_init_module(void);
void lg_transition_exit_module(void);

/* Must hold lg_mutex. */
int lg_init_transition(struct lg_live_patch *patch, int state);
void lg_start_transition(void);
bool lg_try_complete_transition(void);
void lg_cancel_transition(void);
void lg_reverse_transition(void);
void lg_force_transition(void);
void lg_signal_transition(void);

/* Any context: events that may complete the transition (switch.c). */
void lg_transition_moved(struct task_struct *task, enum lg_moved_by how);
void lg_transition_exiting(void);
void lg_transition_kick(void);

/* The worker's queue; idle tasks move while a work of it runs. */
extern struct workqueue_struct *lg_wq;

#endif /* _LIVEGRAFT_TRANSITION_H */
