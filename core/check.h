/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LIVEGRAFT_CHECK_H
#define _LIVEGRAFT_CHECK_H

struct task_struct;

/* Must hold lg_mutex. */
void lg_check_update(void);
void lg_check_clear(void);

int lg_check_stack(struct task_struct *task, const char **blocker);

int lg_check_init(void);
void lg_check_exit(void);

#endif /* _LIVEGRAFT_CHECK_H */
