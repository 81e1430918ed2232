/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lg_arch.h - x86_64: what the ftrace handler needs on its hot path.
 * Included only through core/arch.h.
 */
#ifndef _LIVEGRAFT_ARCH_X86_64_H
#define _LIVEGRAFT_ARCH_X86_64_H

#include <linux/ftrace.h>

/*
 * With DYNAMIC_FTRACE_WITH_ARGS the plain ftrace_caller honours a changed
 * ip, so the handler needs no SAVE_REGS frame, as in the kernel's livepatch.
 */
#define LG_ARCH_FTRACE_FLAGS	(FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_PERMANENT)

static __always_inline void lg_arch_set_ip(struct ftrace_regs *fregs,
					   unsigned long ip)
{
	ftrace_instruction_pointer_set(fregs, ip);
}

#endif /* _LIVEGRAFT_ARCH_X86_64_H */
