// SPDX-License-Identifier: GPL-2.0
/*
 * check.c - whether a task's stack lets it change universe.
 *
 * A task may move only when no code it would leave can be on its stack.
 * The ranges of that code are computed under lg_mutex whenever the
 * transition's target or objects change, and published under RCU: a task
 * checks its own stack wherever it happens to be when a task_work of ours
 * runs or when it exits (io_uring and KVM run task_work in the middle of
 * system calls), and cannot take lg_mutex there.
 *
 * Each function of the transition blocks:
 *  - the code a task leaves: when patching, the replacement below it on
 *    its func_stack, or else the old function; when unpatching, the
 *    replacement, which for a nop of a replace patch is the old function;
 *  - the old function's ftrace call return site, in both directions. A
 *    task preempted in the ftrace handler, or in the trampoline after it,
 *    has its jump already decided by its universe while its stack shows
 *    only that return address in the old function. Its exact offset
 *    depends on the prologue (ENDBR, BTI): every offset it can have is
 *    blocked. Only a task forced into the other universe can otherwise be
 *    in the old function then, and it sits deeper in it.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "arch.h"
#include "check.h"
#include "core.h"
#include "direct.h"
#include "fault.h"
#include "redirect.h"
#include "transition.h"

#define MAX_STACK_ENTRIES	64

struct lg_range {
	unsigned long start;
	unsigned long end;
	const char *name;
};

struct lg_ranges {
	struct rcu_head rcu;
	unsigned int nr;
	struct lg_range range[];
};

static struct lg_ranges __rcu *lg_ranges;

/* A stack being checked, per CPU: walks run with preemption off. */
struct stack_buf {
	unsigned long entries[MAX_STACK_ENTRIES];
};

static struct stack_buf __percpu *stack_bufs;

static void add_blocking(struct lg_ranges *ranges, unsigned long start,
			 unsigned long size, const char *name)
{
	struct lg_range *r = &ranges->range[ranges->nr++];

	r->start = start;
	r->end = start + size;
	r->name = name;
}

/**
 * lg_check_update() - publish the code that blocks the running transition
 *
 * Call after lg_target_state or the transition's patched objects changed.
 * It cannot fail: a transition has no safe way on without its ranges, and
 * they are small. Must hold lg_mutex.
 */
void lg_check_update(void)
{
	struct lg_live_patch *patch = lg_transition_patch;
	struct lg_ranges *ranges, *old;
	struct lg_live_object *obj;
	struct lg_live_func *func, *below;
	unsigned long start, size;
	unsigned int nr = 0;

	lockdep_assert_held(&lg_mutex);
	lg_for_each_object(patch, obj)
		lg_for_each_func(obj, func)
			nr += 2;
	nr++;
	/* No fallible step (fault.c): it cannot fail. */
	ranges = kzalloc(struct_size(ranges, range, nr), GFP_KERNEL | __GFP_NOFAIL);
	lg_live_add(LG_KIND_RANGES, struct_size(ranges, range, nr));
	/*
	 * The direct-call trampolines: a task stopped in one has its jump
	 * decided, and past the fast one's drop of the return address its
	 * stack shows no trace of the old function. Block them all.
	 */
	lg_fast_text(&start, &size);
	if (size)
		add_blocking(ranges, start, size, "livegraft trampoline");

	lg_for_each_object(patch, obj) {
		if (!obj->patched)
			continue;
		lg_for_each_func(obj, func) {
			const char *name = func->desc->old_name;

			if (lg_target_state == LG_UNPATCHED && func->nop) {
				/* A nop's code is the original function. */
				add_blocking(ranges, func->old_addr,
					     func->old_size, name);
				continue;
			}
			if (lg_target_state == LG_UNPATCHED) {
				add_blocking(ranges, func->old_addr,
					     LG_ARCH_FENTRY_RET_MAX + 1, name);
				add_blocking(ranges, (unsigned long)func->new_func,
					     func->new_size, name);
				continue;
			}
			below = lg_redirect_below(func);
			if (!below) {
				add_blocking(ranges, func->old_addr,
					     func->old_size, name);
				continue;
			}
			add_blocking(ranges, (unsigned long)below->new_func,
				     below->new_size, name);
			add_blocking(ranges, func->old_addr,
				     LG_ARCH_FENTRY_RET_MAX + 1, name);
		}
	}

	old = rcu_replace_pointer(lg_ranges, ranges, lockdep_is_held(&lg_mutex));
	if (old) {
		lg_live_dec(LG_KIND_RANGES);
		kfree_rcu(old, rcu);
	}
}

/**
 * lg_check_clear() - the transition is over. Must hold lg_mutex.
 */
void lg_check_clear(void)
{
	struct lg_ranges *old;

	old = rcu_replace_pointer(lg_ranges, NULL, lockdep_is_held(&lg_mutex));
	if (old) {
		lg_live_dec(LG_KIND_RANGES);
		kfree_rcu(old, rcu);
	}
}

static const char *find_blocker(struct lg_ranges *ranges,
				const unsigned long *entries, unsigned int nr)
{
	unsigned int i, j;

	for (j = 0; j < ranges->nr; j++)
		for (i = 0; i < nr; i++)
			if (entries[i] >= ranges->range[j].start &&
			    entries[i] < ranges->range[j].end)
				return ranges->range[j].name;
	return NULL;
}

/**
 * lg_check_stack() - may this task move, judged by its stack?
 * @task:	current, or a task that cannot run meanwhile (task_call_func)
 * @blocker:	set to the replaced function that blocks it, if one does
 *
 * Caller holds rcu_read_lock() or lg_mutex, and the transition's ranges
 * are published.
 *
 * Return: 0 when none of the transition's code is on its stack,
 * -EADDRINUSE when some is, -EINVAL when the stack cannot be proven.
 */
int lg_check_stack(struct task_struct *task, const char **blocker)
{
	struct lg_ranges *ranges;
	unsigned long *entries;
	int nr, ret = 0;

	ranges = rcu_dereference_check(lg_ranges, lockdep_is_held(&lg_mutex));
	if (WARN_ON_ONCE(!ranges))
		return -EINVAL;

	preempt_disable();
	entries = this_cpu_ptr(stack_bufs)->entries;
	nr = lg_arch_save_stack(task, entries, MAX_STACK_ENTRIES);
	if (nr < 0) {
		ret = -EINVAL;
	} else {
		*blocker = find_blocker(ranges, entries, nr);
		if (*blocker)
			ret = -EADDRINUSE;
	}
	preempt_enable();
	return ret;
}

int lg_check_init(void)
{
	if (lg_fault(-ENOMEM))
		return -ENOMEM;
	stack_bufs = alloc_percpu(struct stack_buf);
	return stack_bufs ? 0 : -ENOMEM;
}

/* No transition runs. */
void lg_check_exit(void)
{
	free_percpu(stack_bufs);
}
