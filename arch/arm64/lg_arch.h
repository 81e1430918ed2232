/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lg_arch.h - arm64: what the ftrace handler needs on its hot path.
 * Included only through core/arch.h.
 */
#ifndef _LIVEGRAFT_ARCH_ARM64_H
#define _LIVEGRAFT_ARCH_ARM64_H

#include <linux/ftrace.h>

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

#endif /* _LIVEGRAFT_ARCH_ARM64_H */
