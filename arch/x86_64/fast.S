/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fast.S - x86_64: the pool of direct-call trampolines (core/direct.c).
 *
 * Slot n has two trampolines, which ftrace's direct call at the old
 * function's __fentry__ site calls (or, when another ftrace user shares
 * the function, ftrace_regs_caller returns into with the same stack):
 *
 *  lg_fast_<n>: no transition covers the function, every task runs the
 *	top replacement: drop the return address into the old function and
 *	jump to it, a direct jump that core/direct.c writes.
 *  lg_slow_<n>: a transition covers it: ask lg_fast_choose(), which does
 *	what the ftrace handler does, then return into its answer, or into
 *	the old function for 0 (the original code).
 *
 * On entry the stack holds the return address into the old function (just
 * after its fentry call), then the one into its caller.
 */

#include <linux/linkage.h>
#include <asm/nospec-branch.h>
#include <asm/unwind_hints.h>

#include "../fast_pool.h"

#define LG_SLOT_SIZE	24	/* struct lg_fast_slot */

.macro LG_FAST_SLOT n
SYM_FUNC_START_LOCAL(lg_fast_\n)
	addq	$8, %rsp
	/* Now exactly as at the old function's entry: a tail call. */
	UNWIND_HINT_FUNC
	/*
	 * A direct jmp rel32, rewritten (core/direct.c) only while no
	 * call site calls this trampoline: no indirect branch, no
	 * retpoline, no ENDBR needed at the target.
	 */
.Lfast_jmp_\n:
	.byte	0xe9
	.long	lg_fast_unset - (. + 4)
	int3
SYM_FUNC_END(lg_fast_\n)

SYM_FUNC_START_LOCAL(lg_slow_\n)
	leaq	lg_fast_slots+(\n * LG_SLOT_SIZE)(%rip), %r11
	jmp	lg_slow_common
SYM_FUNC_END(lg_slow_\n)

	.pushsection .rodata
	.quad	lg_fast_\n, lg_slow_\n
	.popsection
.endm

	.text
/*
 * %r11: the slot. Saves what a C call may clobber of the arguments.
 * The first code of the pool (core/check.c blocks all of it).
 */
SYM_FUNC_START(lg_slow_common)
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rdi
	pushq	%rsi
	pushq	%rdx
	pushq	%rcx
	pushq	%r8
	pushq	%r9
	pushq	%rax
	pushq	%r10
	movq	%r11, %rdi
	movq	8(%rbp), %rsi
	movq	16(%rbp), %rdx
	call	lg_fast_choose
	movq	%rax, %r11
	popq	%r10
	popq	%rax
	popq	%r9
	popq	%r8
	popq	%rcx
	popq	%rdx
	popq	%rsi
	popq	%rdi
	popq	%rbp
	testq	%r11, %r11
	jz	1f
	/*
	 * Return into the target, as ftrace_regs_caller enters a direct
	 * trampoline: no indirect jump, whose retpoline thunk would end a
	 * reliable stack walk there without a trace of the old function
	 * (6.1's UNWIND_HINT_EMPTY), nor an ENDBR needed at the target.
	 */
	movq	%r11, (%rsp)
1:
	/* The RET undoes a call depth the fentry call never added. */
#ifdef CONFIG_MITIGATION_CALL_DEPTH_TRACKING
	CALL_DEPTH_ACCOUNT
#endif
	RET
SYM_FUNC_END(lg_slow_common)

/* Where a fast trampoline jumps before its first target. */
SYM_FUNC_START_LOCAL(lg_fast_unset)
	ud2
SYM_FUNC_END(lg_fast_unset)

	LG_FAST_POOL

/* The extent of the pool's code, for core/check.c. */
.Lfast_text_end:
	.pushsection .rodata
	.balign	8
SYM_DATA(lg_fast_text_size, .quad .Lfast_text_end - lg_slow_common)
/* Where each fast trampoline's jmp is, from its start (the same in all). */
SYM_DATA(lg_fast_jmp_offset, .quad .Lfast_jmp_0 - lg_fast_0)
	.popsection
