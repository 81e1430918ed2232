/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one boundary between livegraft's arch-neutral core and arch/<arch>/.
 * Every difference between architectures and kernel versions sits behind
 * these functions; core/ calls them unconditionally.
 */
#ifndef _LIVEGRAFT_ARCH_H
#define _LIVEGRAFT_ARCH_H

/*
 * arch/<arch>/lg_arch.h: the handler's hot-path helpers, inline.
 * LG_ARCH_FTRACE_FLAGS are the ftrace_ops flags of a redirecting ops;
 * lg_arch_set_ip(fregs, ip) makes ftrace return into ip;
 * LG_ARCH_FENTRY_RET_MAX is the largest offset from a traced function's
 * symbol of the return address of its ftrace call.
 */
#include <lg_arch.h>

struct task_struct;

/**
 * lg_arch_ksyms_init() - resolve the kernel functions this arch needs
 *
 * Return: 0, or -ENOENT after lg_ksym_require() named the missing one.
 */
int lg_arch_ksyms_init(void);

/**
 * lg_arch_stack_checker() - what proves that a sleeping task's stack is clean
 *
 * Return: a short name for logs and sysfs ("orc", "frame-records").
 */
const char *lg_arch_stack_checker(void);

/**
 * lg_arch_save_stack() - the return addresses on a task's kernel stack,
 * only if they can all be trusted
 * @task:	a task that cannot run meanwhile (under task_call_func())
 * @store:	where to put them
 * @size:	room in @store
 *
 * Return: how many were stored, or a negative error when the stack cannot
 * be walked reliably to its end: an exception frame, an address outside
 * kernel text, a frame that breaks the chain, more frames than @size.
 */
int lg_arch_save_stack(struct task_struct *task, unsigned long *store,
		       unsigned int size);

#endif /* _LIVEGRAFT_ARCH_H */
