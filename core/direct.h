/* SPDX-License-Identifier: GPL-2.0 */
/*
 * direct.h - the direct-call fast path: a pool of trampoline pairs that
 * ftrace calls directly from a patched function's fentry site.
 */
#ifndef _LIVEGRAFT_DIRECT_H
#define _LIVEGRAFT_DIRECT_H

#include <linux/ftrace.h>

#include "arch.h"

/**
 * struct lg_fast_slot - one trampoline pair's data; layout known to the
 * arch's fast.S
 * @target:	where the fast trampoline jumps (0: not written yet); lg_mutex,
 *		written by the arch (lg_arch_fast_set_target())
 * @owner:	what the slow one passes to lg_fast_choose() (struct lg_ops)
 * @tramp:	the trampoline ftrace calls now, fast or slow; lg_mutex
 */
struct lg_fast_slot {
	unsigned long target;
	void *owner;
	unsigned long tramp;
};

/*
 * Called by the slow trampoline: the address to jump to, or 0 to run the
 * old function's own code. @ip: the return address into the old
 * function, @parent_ip: the one into its caller. Any context.
 */
unsigned long lg_fast_choose(struct lg_fast_slot *slot, unsigned long ip,
			     unsigned long parent_ip);

#ifdef LG_ARCH_FAST_SLOTS
/* fast.S: per slot, the fast then the slow trampoline; the pool's code. */
extern struct lg_fast_slot lg_fast_slots[LG_ARCH_FAST_SLOTS];
extern const unsigned long lg_fast_tramps[LG_ARCH_FAST_SLOTS][2];
extern const char lg_slow_common[];
extern const unsigned long lg_fast_text_size;

/*
 * arch: aim @slot's fast trampoline at @target, and record it in
 * @slot->target, while no CPU runs that trampoline (direct.c); every CPU
 * sees it before ftrace next calls it. x86_64 rewrites a jump's
 * displacement, arm64 stores the word that the trampoline loads.
 * Return: 0, or -ERANGE when the trampoline cannot reach @target.
 */
int lg_arch_fast_set_target(struct lg_fast_slot *slot, unsigned long target);

int lg_direct_ksyms_init(void);
struct lg_fast_slot *lg_fast_get(void *owner);
void lg_fast_put(struct lg_fast_slot *slot);
int lg_direct_register(struct ftrace_ops *fops, unsigned long ip,
		       struct lg_fast_slot *slot, unsigned long target);
int lg_direct_switch(struct ftrace_ops *fops, struct lg_fast_slot *slot,
		     unsigned long target);
void lg_direct_unregister(struct ftrace_ops *fops, struct lg_fast_slot *slot);
void lg_fast_text(unsigned long *start, unsigned long *size);
#else
static inline int lg_direct_ksyms_init(void) { return 0; }
static inline struct lg_fast_slot *lg_fast_get(void *owner) { return NULL; }
static inline void lg_fast_put(struct lg_fast_slot *slot) { }
static inline int lg_direct_register(struct ftrace_ops *fops, unsigned long ip,
				     struct lg_fast_slot *slot,
				     unsigned long target)
{
	return -EOPNOTSUPP;
}

static inline int lg_direct_switch(struct ftrace_ops *fops,
				   struct lg_fast_slot *slot,
				   unsigned long target)
{
	return -EOPNOTSUPP;
}

static inline void lg_direct_unregister(struct ftrace_ops *fops,
					struct lg_fast_slot *slot) { }
static inline void lg_fast_text(unsigned long *start, unsigned long *size)
{
	*start = 0;
	*size = 0;
}
#endif

#endif /* _LIVEGRAFT_DIRECT_H */
