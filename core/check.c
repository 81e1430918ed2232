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
 *
 * A sleeping task's stack is first scanned, not walked: every word of its
 * live stack, and the registers it saved off the stack, against the
 * blocking code. Every return address of its frames is such a word, or a
 * word that stands for one (the graph tracer's return_to_handler, a
 * return probe's trampoline), which counts as a hit; a task preempted by
 * an interrupt, which may have been in code out of line, is walked
 * (hidden_names[]). No hit proves the stack clean; a hit, true or a stale
 * word, leaves the verdict to the reliable walk, which names the
 * blocker. A walk costs a lookup per frame, the scan a comparison per
 * word: ten thousand sleeping tasks are scanned in a fraction of the
 * time (Documentation/design.md, "Checking stacks").
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "arch.h"
#include "check.h"
#include "core.h"
#include "direct.h"
#include "fault.h"
#include "ksyms.h"
#include "redirect.h"
#include "switch.h"
#include "transition.h"

#define MAX_STACK_ENTRIES	64

struct lg_range {
	unsigned long start;
	unsigned long end;
	const char *name;
};

/*
 * @range: the blocking code, by function, for the walk; then @nr_spans
 * spans for the scan: the same code and the hidden return addresses,
 * sorted and merged.
 */
struct lg_ranges {
	struct rcu_head rcu;
	unsigned int nr;
	unsigned int nr_spans;
	struct lg_range *spans;
	struct lg_range range[];
};

/*
 * Code a task's stack may show instead of the blocking code it is in,
 * which the scan must count as a hit, whole: those present in this
 * kernel, from kallsyms.
 *  - Trampolines whose return address stands for another, kept off the
 *    stack (task->ret_stack, rethook or kretprobe instances), and which
 *    may run with that one in no stack word yet (return_to_handler's call
 *    of ftrace_return_to_handler()).
 *  - preempt_schedule_irq(): a task preempted by an interrupt may have
 *    been running code that stands for a blocking function out of line,
 *    an optimized kprobe's detour buffer or one of the trampolines above,
 *    with no word pointing into it. Its stack goes to the walk, which
 *    refuses any exception frame in the kernel. Only kernels that preempt
 *    there (preempt=full) have such tasks.
 */
static const char * const hidden_names[] = {
	"return_to_handler", "arch_rethook_trampoline",
	"__kretprobe_trampoline", "kretprobe_trampoline",
	"preempt_schedule_irq",
};

static struct lg_range hidden[ARRAY_SIZE(hidden_names)];
static unsigned int nr_hidden;

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

static int cmp_start(const void *a, const void *b)
{
	const struct lg_range *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return 0;
}

/* The scan's spans, after @ranges->range[]: sorted, merged, disjoint. */
static void make_spans(struct lg_ranges *ranges)
{
	struct lg_range *span = ranges->range + ranges->nr;
	unsigned int i, n = 0, nr = ranges->nr + nr_hidden;

	memcpy(span, ranges->range, ranges->nr * sizeof(*span));
	memcpy(span + ranges->nr, hidden, nr_hidden * sizeof(*span));
	sort(span, nr, sizeof(*span), cmp_start, NULL);
	for (i = 0; i < nr; i++) {
		if (span[i].start == span[i].end)
			continue;
		if (n && span[i].start <= span[n - 1].end) {
			span[n - 1].end = max(span[n - 1].end, span[i].end);
			continue;
		}
		span[n++] = span[i];
	}
	ranges->spans = span;
	ranges->nr_spans = n;
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
	ranges = kzalloc(struct_size(ranges, range, 2 * nr + nr_hidden),
			 GFP_KERNEL | __GFP_NOFAIL);
	lg_live_add(LG_KIND_RANGES, struct_size(ranges, range, 2 * nr + nr_hidden));
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

	make_spans(ranges);

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

/* Whether @addr is in a span: a binary search of the sorted spans. */
static bool in_spans(const struct lg_ranges *ranges, unsigned long addr)
{
	unsigned int lo = 0, hi = ranges->nr_spans;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (addr < ranges->spans[mid].start)
			hi = mid;
		else if (addr >= ranges->spans[mid].end)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

static bool words_clean(const struct lg_ranges *ranges,
			const unsigned long *word, const unsigned long *end)
{
	unsigned long first = ranges->spans[0].start;
	unsigned long last = ranges->spans[ranges->nr_spans - 1].end;

	for (; word < end; word++) {
		/* Another task's stack: KASAN knows nothing of its frames. */
		unsigned long addr = lg_arch_strip_pac(READ_ONCE_NOCHECK(*word));

		if (addr >= first && addr < last && in_spans(ranges, addr))
			return false;
	}
	return true;
}

/*
 * Whether a task that is not running has none of the transition's code,
 * and no return address standing for another, in any word where it keeps
 * return addresses. False when it may, or its stack cannot be scanned.
 */
static bool stack_scan_clean(const struct lg_ranges *ranges,
			     struct task_struct *task)
{
	struct lg_arch_stack_words sw;
	bool clean;

	if (!ranges->nr_spans || !lg_arch_get_stack_words(task, &sw))
		return false;
	clean = words_clean(ranges, sw.regs, sw.regs + sw.nr_regs) &&
		words_clean(ranges, sw.lo, sw.hi);
	lg_arch_put_stack_words(task);
	return clean;
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

	if (task != current && stack_scan_clean(ranges, task))
		return 0;
	atomic_inc(&lg_walk_count);

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
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hidden_names); i++) {
		unsigned long addr = lg_ksym.kallsyms_lookup_name(hidden_names[i]);
		unsigned long size, offset;

		if (!addr || !lg_ksym.kallsyms_lookup_size_offset(addr, &size, &offset))
			continue;
		hidden[nr_hidden].start = addr - offset;
		hidden[nr_hidden].end = addr - offset + size;
		hidden[nr_hidden++].name = hidden_names[i];
	}
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
