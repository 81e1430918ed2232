// SPDX-License-Identifier: GPL-2.0
/*
 * stack.c - x86_64: sleeping tasks are checked with the kernel's own
 * ORC-based reliable unwinder, the one the in-kernel livepatch trusts.
 *
 * Before the walk, check.c scans the task's words: every call pushes its
 * return address on the stack, and a task that is switched out saved
 * its registers and the return into __schedule() on its stack too
 * (struct inactive_task_frame), at thread.sp; an interrupt's or
 * exception's pt_regs, its ip included, are on it as well. A task that
 * is not running is always on its own stack, never on an IRQ or
 * exception stack.
 */

#include <linux/llist.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/stacktrace.h>

#include "arch.h"
#include "ksyms.h"

static typeof(stack_trace_save_tsk_reliable) *save_tsk_reliable;
static typeof(put_task_stack) *put_stack;

int lg_arch_ksyms_init(void)
{
	save_tsk_reliable = lg_ksym_require("stack_trace_save_tsk_reliable");
	put_stack = lg_ksym_require("put_task_stack");
	return save_tsk_reliable && put_stack ? 0 : -ENOENT;
}

bool lg_arch_get_stack_words(struct task_struct *task,
			     struct lg_arch_stack_words *sw)
{
	unsigned long low, sp;

	if (!try_get_task_stack(task))
		return false;
	low = (unsigned long)task_stack_page(task);
	sp = READ_ONCE(task->thread.sp);
	if (sp < low || sp >= low + THREAD_SIZE || !IS_ALIGNED(sp, sizeof(long))) {
		put_stack(task);
		return false;
	}
	sw->lo = (const unsigned long *)sp;
	sw->hi = (const unsigned long *)(low + THREAD_SIZE);
	sw->regs = NULL;
	sw->nr_regs = 0;
	return true;
}

void lg_arch_put_stack_words(struct task_struct *task)
{
	put_stack(task);
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
