// SPDX-License-Identifier: GPL-2.0
/*
 * stack.c - x86_64: sleeping tasks are checked with the kernel's own
 * ORC-based reliable unwinder, the one the in-kernel livepatch trusts.
 */

#include <linux/llist.h>
#include <linux/sched.h>
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
#ifdef CONFIG_RETHOOK
	/*
	 * A task preempted inside a function with a return probe (kretprobe)
	 * has the rethook trampoline on its stack, where the unwinder stops
	 * for a task in TASK_RUNNING that is not current: 6.12's
	 * rethook_find_ret_addr() returns 0, 6.1's WARNs first (a panic
	 * under panic_on_warn). Unreliable without the walk, as it would be
	 * after it; task_call_func() keeps the task off the CPU meanwhile.
	 */
	if (task != current && task_is_running(task) &&
	    !llist_empty(&task->rethooks))
		return -EINVAL;
#endif
	return save_tsk_reliable(task, store, size);
}
