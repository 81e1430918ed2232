/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fast.S - arm64: the pool of direct-call trampolines (core/direct.c).
 *
 * A patched function's patch site, "mov x9, x30; bl <tramp>", calls one
 * of slot n's two trampolines: directly when the BL reaches it, else
 * through ftrace_caller, which finds it in ops->direct_call (or, beside
 * another ftrace user, in ftrace_regs) and enters it with "br x17". Either
 * way, as in the kernel's samples/ftrace/ftrace-direct.c: x9 holds the
 * return address into the old function's caller, x30 the one into the old
 * function just after its patch site, and sp, x29 and the arguments
 * (x0-x7, x8 for an indirect result) are the caller's.
 *
 *  lg_fast_<n>: no transition covers the function, every task runs the
 *	top replacement: restore x30 from x9 and branch to the slot's target
 *	word, which core/direct.c writes (lg_arch_fast_set_target()). The
 *	replacement starts as if its caller had called it: its own PAC
 *	signs and authenticates x30 with the same sp.
 *  lg_slow_<n>: a transition covers it: ask lg_fast_choose(), which does
 *	what the ftrace handler does, then branch to its answer, or return
 *	into the old function for 0 (the original code), x30 restored from
 *	x9 either way.
 *
 * The branches are "br x16"/"ret x17": a BTI "bti c" (or PACIASP) landing
 * pad accepts a BR through x16 or x17, and x9-x17 are free at a function's
 * entry. Each trampoline starts with "bti c" for ftrace_caller's "br x17".
 */

#include <linux/linkage.h>
#include <asm/assembler.h>

#include "../fast_pool.h"

#define LG_SLOT_SIZE	24	/* struct lg_fast_slot; target first */

.macro LG_FAST_SLOT n
SYM_CODE_START_LOCAL(lg_fast_\n)
	hint	#34		// bti c
	mov	x30, x9
	adrp	x16, lg_fast_slots + (\n * LG_SLOT_SIZE)
	ldr	x16, [x16, #:lo12:lg_fast_slots + (\n * LG_SLOT_SIZE)]
	br	x16
SYM_CODE_END(lg_fast_\n)

SYM_CODE_START_LOCAL(lg_slow_\n)
	hint	#34		// bti c
	adrp	x10, lg_fast_slots + (\n * LG_SLOT_SIZE)
	add	x10, x10, #:lo12:lg_fast_slots + (\n * LG_SLOT_SIZE)
	b	lg_slow_common
SYM_CODE_END(lg_slow_\n)

	.pushsection .rodata
	.quad	lg_fast_\n, lg_slow_\n
	.popsection
.endm

	.text
/*
 * x10: the slot. Saves x0-x8, which a C call may clobber, and builds two
 * frame records as ftrace_caller does: the old function's (its caller's
 * frame, x9) and this trampoline's (x30, into the old function), so that
 * a walk from lg_fast_choose() finds the old function and its caller.
 * The first code of the pool (core/check.c blocks all of it).
 */
SYM_CODE_START(lg_slow_common)
	sub	sp, sp, #112
	stp	x29, x9, [sp, #96]
	add	x29, sp, #96
	stp	x29, x30, [sp, #80]
	add	x29, sp, #80
	stp	x0, x1, [sp]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	str	x8, [sp, #64]

	mov	x0, x10
	mov	x1, x30
	mov	x2, x9
	bl	lg_fast_choose
	mov	x16, x0

	ldp	x0, x1, [sp]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldr	x8, [sp, #64]
	ldr	x17, [sp, #88]
	ldp	x29, x30, [sp, #96]
	add	sp, sp, #112
	cbz	x16, 1f
	br	x16
1:
	/* The old function's body, after its patch site. */
	ret	x17
SYM_CODE_END(lg_slow_common)

	LG_FAST_POOL

/* The extent of the pool's code, for core/check.c. */
.Lfast_text_end:
	.pushsection .rodata
	.balign	8
SYM_DATA(lg_fast_text_size, .quad .Lfast_text_end - lg_slow_common)
	.popsection
