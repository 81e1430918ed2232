/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lg_arch.h - x86_64: what the ftrace handler needs on its hot path.
 * Included only through core/arch.h.
 */
#ifndef _LIVEGRAFT_ARCH_X86_64_H
#define _LIVEGRAFT_ARCH_X86_64_H

#include <linux/ftrace.h>
#include <asm/cpufeature.h>
#include <asm/ibt.h>

/*
 * With DYNAMIC_FTRACE_WITH_ARGS the plain ftrace_caller honours a changed
 * ip, so the handler needs no SAVE_REGS frame, as in the kernel's livepatch.
 */
#define LG_ARCH_FTRACE_FLAGS	(FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_PERMANENT)

/*
 * The furthest a traced function's __fentry__ call returns to, from its
 * symbol: an ENDBR64 when IBT is built in, then the call. A task stopped
 * in the ftrace handler shows this return address.
 */
#define LG_ARCH_FENTRY_RET_MAX	(ENDBR_INSN_SIZE + MCOUNT_INSN_SIZE)

/*
 * The direct-call fast path (core/direct.c): how many functions the pool
 * of arch/x86_64/fast.S serves at once. The others keep the ftrace handler.
 */
#ifdef CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS
#define LG_ARCH_FAST_SLOTS	64
#endif

static __always_inline void lg_arch_set_ip(struct ftrace_regs *fregs,
					   unsigned long ip)
{
/* Renamed in 6.2, when ftrace_regs got its accessors. */
#ifdef ftrace_regs_set_instruction_pointer
	ftrace_regs_set_instruction_pointer(fregs, ip);
#else
	ftrace_instruction_pointer_set(fregs, ip);
#endif
}

/*
 * With IBT built in (6.12), a kprobe at a function reports the address
 * after its ENDBR64, or after the seal that replaced an unused one: the
 * function starts before it.
 */
static inline unsigned long lg_arch_kprobe_func(unsigned long addr)
{
	if (ENDBR_INSN_SIZE && is_endbr(*(u32 *)(addr - ENDBR_INSN_SIZE)))
		return addr - ENDBR_INSN_SIZE;
	return addr;
}

/*
 * Whether an indirect call to a kernel function found through kallsyms is
 * allowed: a CPU that enforces IBT faults on a target without ENDBR64, and
 * the kernel seals (overwrites the ENDBR64 of) every function whose
 * address it never takes itself.
 */
static inline bool lg_arch_callable(unsigned long addr)
{
	return !cpu_feature_enabled(X86_FEATURE_IBT) || is_endbr(*(u32 *)addr);
}

/* Return addresses carry no authentication code here. */
static inline unsigned long lg_arch_strip_pac(unsigned long pc)
{
	return pc;
}

#endif /* _LIVEGRAFT_ARCH_X86_64_H */
