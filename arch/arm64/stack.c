// SPDX-License-Identifier: GPL-2.0
/*
 * stack.c - arm64: the kernel has no reliable unwinder here, so livegraft
 * walks frame records itself and gives up on anything it cannot prove.
 *
 * A sleeping task's walk starts at the frame saved by cpu_switch_to(), the
 * current task's at its own frame, and must end exactly at the final frame
 * record in its pt_regs, which every task gets at creation. A task without
 * a stack (a zombie) has a reliably empty one, as the kernel's
 * stack_trace_save_tsk_reliable() says. On the way every record must lie
 * on the task's stack, 16-byte aligned, above the one before, and hold a return address
 * in kernel text (after stripping its pointer authentication code) that is
 * not in the exception entry code, except for the last one: an exception
 * taken in the kernel leaves its frame in the middle of the stack, and it
 * hides whether the interrupted function had saved its own frame yet.
 * Return addresses rewritten by the function graph tracer or kretprobes
 * are refused as well.
 *
 * Before the walk, check.c scans the task's words: the stack from the sp
 * cpu_switch_to() saved, where every frame record and every exception's
 * pt_regs (pc and lr included) lie, and the registers cpu_switch_to()
 * kept in thread.cpu_context instead: x19-x29 and the return into
 * __schedule(). A leaf's return address in x30 is in pt_regs when it was
 * interrupted, and a function that called further saved x30 in its frame
 * record. A task that is not running is always on its own stack. With a
 * shadow call stack the return addresses are elsewhere: no scan.
 */

#include <linux/kernel.h>
#include <linux/sched/task_stack.h>
#include <asm/stacktrace.h>

#include "arch.h"
#include "ksyms.h"

static typeof(kernel_text_address) *text_address;
static typeof(put_task_stack) *put_stack;
static unsigned long entry_start, entry_end, irq_start, irq_end;
static unsigned long graph_return, kretprobe_return;

int lg_arch_ksyms_init(void)
{
	text_address = lg_ksym_require("kernel_text_address");
	put_stack = lg_ksym_require("put_task_stack");
	entry_start = (unsigned long)lg_ksym_require("__entry_text_start");
	entry_end = (unsigned long)lg_ksym_require("__entry_text_end");
	if (!text_address || !put_stack || !entry_start || !entry_end)
		return -ENOENT;
	/* Absent when their features are built out: nothing to refuse. */
	irq_start = lg_ksym.kallsyms_lookup_name("__irqentry_text_start");
	irq_end = lg_ksym.kallsyms_lookup_name("__irqentry_text_end");
	graph_return = lg_ksym.kallsyms_lookup_name("return_to_handler");
	kretprobe_return = lg_ksym.kallsyms_lookup_name("__kretprobe_trampoline");
	return 0;
}

const char *lg_arch_stack_checker(void)
{
	return "frame-records";
}

static bool trusted_return(unsigned long pc)
{
	if (!text_address(pc))
		return false;
	if (pc >= entry_start && pc < entry_end)
		return false;
	if (irq_start && pc >= irq_start && pc < irq_end)
		return false;
	return pc != graph_return && pc != kretprobe_return;
}

bool lg_arch_get_stack_words(struct task_struct *task,
			     struct lg_arch_stack_words *sw)
{
	struct cpu_context *ctx = &task->thread.cpu_context;
	unsigned long low, sp;

	/* x19-x28, fp, sp, pc, in this order: all thirteen are scanned. */
	BUILD_BUG_ON(offsetof(struct cpu_context, pc) !=
		     offsetof(struct cpu_context, x19) + 12 * sizeof(long));
	if (IS_ENABLED(CONFIG_SHADOW_CALL_STACK) || !try_get_task_stack(task))
		return false;
	low = (unsigned long)task_stack_page(task);
	sp = READ_ONCE(ctx->sp);
	if (sp < low || sp >= low + THREAD_SIZE || !IS_ALIGNED(sp, 16)) {
		put_stack(task);
		return false;
	}
	sw->lo = (const unsigned long *)sp;
	sw->hi = (const unsigned long *)(low + THREAD_SIZE);
	sw->regs = &ctx->x19;
	sw->nr_regs = 13;
	return true;
}

void lg_arch_put_stack_words(struct task_struct *task)
{
	put_stack(task);
}

/* Not inlined: the walk of current starts at this function's own frame. */
noinline int lg_arch_save_stack(struct task_struct *task, unsigned long *store,
				unsigned int size)
{
	unsigned long low, high, fp, prev_fp = 0, pc;
	unsigned long final;
	unsigned int nr = 0;
	int ret = -EINVAL;

	if (!try_get_task_stack(task))
		return 0;

	low = (unsigned long)task_stack_page(task);
	high = low + THREAD_SIZE;
	final = (unsigned long)task_pt_regs(task)->stackframe;
	if (task == current) {
		/* Its saved context is stale: start from here. */
		fp = (unsigned long)__builtin_frame_address(0);
		pc = _THIS_IP_;
	} else {
		fp = thread_saved_fp(task);
		pc = thread_saved_pc(task);
	}

	while (nr < size) {
		/*
		 * The final record ends the walk; the return address that
		 * led to it is the entry code's (el0t_64_sync for a syscall,
		 * ret_from_fork for a new task), the only place where entry
		 * code is fine.
		 */
		if (fp == final) {
			store[nr++] = pc;
			ret = nr;
			break;
		}
		if (!trusted_return(pc))
			break;
		store[nr++] = pc;

		if (fp & 0xf || fp < low || fp > high - 16 || fp <= prev_fp)
			break;
		prev_fp = fp;
		pc = lg_arch_strip_pac(READ_ONCE_NOCHECK(*(unsigned long *)(fp + 8)));
		fp = READ_ONCE_NOCHECK(*(unsigned long *)fp);
	}

	put_stack(task);
	return ret;
}
