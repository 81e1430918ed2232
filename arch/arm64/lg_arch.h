/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lg_arch.h - arm64: what the ftrace handler needs on its hot path.
 * Included only through core/arch.h.
 */
#ifndef _LIVEGRAFT_ARCH_ARM64_H
#define _LIVEGRAFT_ARCH_ARM64_H

#include <linux/ftrace.h>
#include <asm/compiler.h>
#include <asm/insn.h>
#include <asm/pointer_auth.h>

/*
 * The furthest a traced function's ftrace call returns to, from its
 * symbol: an optional BTI landing pad, "mov x9, x30", "bl <ftrace>". A
 * task stopped in the ftrace handler shows this return address.
 */
#define LG_ARCH_FENTRY_RET_MAX	((IS_ENABLED(CONFIG_ARM64_BTI_KERNEL) ? 3 : 2) * \
				 AARCH64_INSN_SIZE)

/*
 * The direct-call fast path (core/direct.c): how many functions the pool
 * of arch/arm64/fast.S serves at once. The others keep the ftrace handler.
 * 6.12 has direct calls (through CALL_OPS), 6.1 none.
 */
#ifdef CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS
#define LG_ARCH_FAST_SLOTS	64
#endif

#ifdef CONFIG_DYNAMIC_FTRACE_WITH_ARGS
/*
 * 6.12: DYNAMIC_FTRACE_WITH_ARGS, and no SAVE_REGS any more (registering
 * with it fails): ftrace_caller returns to the pc in ftrace_regs.
 */
#define LG_ARCH_FTRACE_FLAGS	(FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_PERMANENT)

static __always_inline void lg_arch_set_ip(struct ftrace_regs *fregs,
					   unsigned long ip)
{
	ftrace_regs_set_instruction_pointer(fregs, ip);
}
#else
/*
 * 6.1 has no DYNAMIC_FTRACE_WITH_ARGS on arm64: ftrace_instruction_pointer_set()
 * is an empty macro there. With SAVE_REGS, ftrace_regs_caller returns to
 * regs->pc, so setting it enters the replacement with the caller's
 * arguments, LR and SP untouched.
 */
#define LG_ARCH_FTRACE_FLAGS	(FTRACE_OPS_FL_SAVE_REGS | \
				 FTRACE_OPS_FL_IPMODIFY | \
				 FTRACE_OPS_FL_PERMANENT)

static __always_inline void lg_arch_set_ip(struct ftrace_regs *fregs,
					   unsigned long ip)
{
	instruction_pointer_set(ftrace_get_regs(fregs), ip);
}
#endif

/* A kprobe at a function reports the function's own address. */
static inline unsigned long lg_arch_kprobe_func(unsigned long addr)
{
	return addr;
}

/* BTI is not enabled for Debian's arm64 kernels: any function is callable. */
static inline bool lg_arch_callable(unsigned long addr)
{
	return true;
}

/* A return address from the stack without its pointer authentication code. */
static inline unsigned long lg_arch_strip_pac(unsigned long pc)
{
#ifdef ptrauth_strip_kernel_insn_pac
	return ptrauth_strip_kernel_insn_pac(pc);
#else
	return ptrauth_strip_insn_pac(pc);
#endif
}

#endif /* _LIVEGRAFT_ARCH_ARM64_H */
