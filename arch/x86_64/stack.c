// SPDX-License-Identifier: GPL-2.0
/*
 * stack.c - x86_64: sleeping tasks are checked with the kernel's own
 * ORC-based reliable unwinder, the one the in-kernel livepatch trusts.
 */

#include <linux/stacktrace.h>

#include "arch.h"
#include "ksyms.h"

static typeof(stack_trace_save_tsk_reliable) *save_tsk_reliable;

int lg_arch_ksyms_init(void)
{
	save_tsk_reliable = lg_ksym_require("stack_trace_save_tsk_reliable");
	return save_tsk_reliable ? 0 : -ENOENT;
}

const char *lg_arch_stack_checker(void)
{
	return "orc";
}

int lg_arch_save_stack(struct task_struct *task, unsigned long *store,
		       unsigned int size)
{
	return save_tsk_reliable(task, store, size);
}
