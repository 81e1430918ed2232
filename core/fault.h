/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fault.h - what the selftests see of livegraft's memory and failures:
 * counters of live allocations by kind, and a knob that makes the Nth
 * fallible step fail (testing only; see fault.c).
 *
 * Every call in core/ and arch/ that can fail goes through lg_fault()
 * or one of the allocators below. Outside a test the cost is one
 * predictable branch on a read-mostly variable.
 */
#ifndef _LIVEGRAFT_FAULT_H
#define _LIVEGRAFT_FAULT_H

#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/gfp.h>
#include <linux/kernel.h>

/* What livegraft allocates, in the order the counters are shown. */
enum lg_kind {
	LG_KIND_PATCH,		/* struct lg_live_patch */
	LG_KIND_OBJECT,		/* struct lg_live_object */
	LG_KIND_FUNC,		/* struct lg_live_func, nops included */
	LG_KIND_DESC,		/* a nop's description, and its name */
	LG_KIND_OPS,		/* ftrace_ops, with the throwaway probe */
	LG_KIND_RANGES,		/* a transition's blocking code ranges */
	LG_KIND_TABLE,		/* a transition's universe table */
	LG_KIND_CHUNK,		/* a chunk of its entries */
	LG_KIND_COMING,		/* a module seen coming, not yet live */
	LG_KIND_TASK_WORK,	/* a task_work queued on a task */
	LG_KIND_EXIT_RECORD,	/* an exiting task, until it is dead */
	LG_KIND_SHADOW,		/* a shadow variable */
	LG_KIND_NR,
};

extern atomic_long_t lg_live[LG_KIND_NR];
/* Bytes ever allocated, by kind: what a transition costs (transition.c). */
extern atomic_long_t lg_bytes[LG_KIND_NR];

static inline void lg_live_inc(enum lg_kind kind)
{
	atomic_long_inc(&lg_live[kind]);
}

/* An allocation of @size bytes that lg_k*alloc() did not make. */
static inline void lg_live_add(enum lg_kind kind, size_t size)
{
	atomic_long_inc(&lg_live[kind]);
	atomic_long_add(size, &lg_bytes[kind]);
}

static inline void lg_live_dec(enum lg_kind kind)
{
	atomic_long_dec(&lg_live[kind]);
}

/* -1: off; 0: count the steps; N: the Nth step from now fails. */
extern int lg_fault_nth;

bool lg_fault_hit(unsigned long ip);

static __always_inline bool lg_fault_at(unsigned long ip)
{
	if (likely(READ_ONCE(lg_fault_nth) < 0))
		return false;
	return lg_fault_hit(ip);
}

/**
 * lg_fault() - a fallible step: 0 to go on, or @err if it must fail
 * @err: the errno the step returns when it fails for real
 *
 * Use as `ret = lg_fault(-ENOMEM) ?: the_real_call(...);`.
 */
#define lg_fault(err)	(lg_fault_at(_THIS_IP_) ? (err) : 0)

void *lg_kzalloc(size_t size, gfp_t gfp, enum lg_kind kind);
void *lg_kvzalloc(size_t size, gfp_t gfp, enum lg_kind kind);
char *lg_kstrdup(const char *s, gfp_t gfp, enum lg_kind kind);
void lg_kfree(const void *p, enum lg_kind kind);
void lg_kvfree(const void *p, enum lg_kind kind);

#endif /* _LIVEGRAFT_FAULT_H */
