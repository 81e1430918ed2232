// SPDX-License-Identifier: GPL-2.0
/*
 * direct.c - the direct-call fast path: ftrace's direct calls, one slot
 * of the arch's trampoline pool per redirected function.
 *
 * Outside a transition a patched function's fentry site calls its slot's
 * fast trampoline, whose direct jump goes straight to the top replacement; during
 * one, the slow trampoline, which asks lg_fast_choose() as the ftrace
 * handler would. ftrace's modify switches between the two atomically:
 * while it works, ftrace's list function still calls the direct
 * trampoline, old or new. The pool is fixed (LG_ARCH_FAST_SLOTS); a
 * function that finds it empty keeps the ftrace handler (redirect.c).
 *
 * 6.1 names the ops-based direct API *_ftrace_direct_multi(); 6.3 gave
 * it the plain names and dropped the ip-based one (Kbuild tells which).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/moduleparam.h>

#include "core.h"
#include "direct.h"
#include "fault.h"
#include "ksyms.h"
#include "sysfs.h"

struct lg_fast_slot lg_fast_slots[LG_ARCH_FAST_SLOTS];

/* Slots in use. lg_mutex. */
static DECLARE_BITMAP(used, LG_ARCH_FAST_SLOTS);

static unsigned int fast_slots = LG_ARCH_FAST_SLOTS;
module_param_cb(fast_slots, &lg_param_ops_uint, &fast_slots, 0644);
MODULE_PARM_DESC(fast_slots,
		 "how many functions may use the direct-call fast path at once (0: none, the ftrace handler for all)");

/* arch/<arch>/fast.S steps through the slots by LG_SLOT_SIZE. */
static_assert(sizeof(struct lg_fast_slot) == 24);

static int *ftrace_enabled_p;
static struct mutex *ftrace_lock_p;

#ifdef LG_FTRACE_DIRECT_MULTI
#define lg_register_direct	register_ftrace_direct_multi
#define lg_modify_direct	modify_ftrace_direct_multi
static int lg_unregister_direct(struct ftrace_ops *fops, unsigned long addr)
{
	int ret = unregister_ftrace_direct_multi(fops, addr);

	ftrace_free_filter(fops);
	return ret;
}
#else
#define lg_register_direct	register_ftrace_direct
#define lg_modify_direct	modify_ftrace_direct
static int lg_unregister_direct(struct ftrace_ops *fops, unsigned long addr)
{
	return unregister_ftrace_direct(fops, addr, true);
}
#endif

int lg_direct_ksyms_init(void)
{
	ftrace_enabled_p = lg_ksym_require_data("ftrace_enabled");
	ftrace_lock_p = lg_ksym_require_data("ftrace_lock");
	return ftrace_enabled_p && ftrace_lock_p ? 0 : -ENOENT;
}

/**
 * lg_fast_get() - a free slot
 * @owner: what the slow trampoline will pass to lg_fast_choose()
 *
 * Return: the slot, or NULL when the pool (or fast_slots) is used up.
 * Must hold lg_mutex.
 */
struct lg_fast_slot *lg_fast_get(void *owner)
{
	unsigned int limit = min_t(unsigned int, READ_ONCE(fast_slots),
				   LG_ARCH_FAST_SLOTS);
	unsigned int i;

	lockdep_assert_held(&lg_mutex);
	if (bitmap_weight(used, LG_ARCH_FAST_SLOTS) >= limit)
		return NULL;
	i = find_first_zero_bit(used, LG_ARCH_FAST_SLOTS);
	if (i >= LG_ARCH_FAST_SLOTS)
		return NULL;
	__set_bit(i, used);
	lg_fast_slots[i].owner = owner;
	lg_fast_slots[i].target = 0;
	lg_fast_slots[i].tramp = 0;
	return &lg_fast_slots[i];
}

/*
 * Only after lg_direct_unregister(), or a failed lg_direct_register():
 * nothing calls the slot's trampolines any more.
 */
void lg_fast_put(struct lg_fast_slot *slot)
{
	lockdep_assert_held(&lg_mutex);
	slot->owner = NULL;
	__clear_bit(slot - lg_fast_slots, used);
}

static unsigned long tramp_of(struct lg_fast_slot *slot, unsigned long target)
{
	return lg_fast_tramps[slot - lg_fast_slots][target ? 0 : 1];
}

/*
 * Aim the fast trampoline at @target. Only while no call site calls it:
 * the slot is new or on its slow trampoline. On x86_64 that keeps a CPU
 * from running a half-written jmp rel32. arm64's trampoline loads an
 * aligned word, never torn, and the rule still matters: a store while
 * call sites call the fast trampoline would move every task to @target at
 * once, whatever its universe, where a transition must move them one by
 * one through the slow trampoline's choice. A task preempted in the fast
 * one since it last ran there (before its jump, or its load) blocks every
 * transition (check.c), so only an unmarked change of the top, which the
 * handler would make at once too, can send it to the new target.
 */
static int set_target(struct lg_fast_slot *slot, unsigned long target)
{
	return lg_arch_fast_set_target(slot, target);
}

/**
 * lg_direct_register() - direct-call a function's slot
 * @fops:	a zeroed ftrace_ops for it alone
 * @ip:		the function's ftrace address
 * @slot:	its slot
 * @target:	the fast trampoline's target, or 0 for the slow trampoline
 *
 * Return: 0, -EBUSY when another ftrace user redirects the function (or
 * ftrace_enabled is 0), another error otherwise; nothing is left on
 * failure.
 */
int lg_direct_register(struct ftrace_ops *fops, unsigned long ip,
		       struct lg_fast_slot *slot, unsigned long target)
{
	unsigned long tramp = tramp_of(slot, target);
	int ret, enabled;

	lockdep_assert_held(&lg_mutex);
	/* Out of the jump's range: the slow trampoline, correct and slower. */
	if (target && set_target(slot, target))
		tramp = tramp_of(slot, 0);
	ret = lg_fault(-ENOMEM) ?: ftrace_set_filter_ip(fops, ip, 0, 0);
	if (ret)
		return ret;
	/* Not -EBUSY: that one sends the caller to the handler path. */
	ret = lg_fault(-ENOMEM) ?: lg_register_direct(fops, tramp);
	if (ret) {
		ftrace_free_filter(fops);
		return ret;
	}
	slot->tramp = tramp;

	/*
	 * The direct API sets the ops' flags itself, without PERMANENT: add
	 * it now, so that ftrace_enabled cannot be cleared under the patch,
	 * and refuse, as a PERMANENT ops registration does, when it was
	 * already clear (ftrace then registers but patches no call site).
	 * Under ftrace_lock, as the sysctl clears ftrace_enabled only after
	 * looking for PERMANENT ops: one of the two sees the other.
	 */
	mutex_lock(ftrace_lock_p);
	fops->flags |= FTRACE_OPS_FL_PERMANENT;
	enabled = *ftrace_enabled_p;
	mutex_unlock(ftrace_lock_p);
	if (!enabled) {
		lg_direct_unregister(fops, slot);
		return -EBUSY;
	}
	return 0;
}

/**
 * lg_direct_switch() - move a registered function to the fast or the slow
 * trampoline
 * @fops:	its ftrace_ops
 * @slot:	its slot
 * @target:	the fast trampoline's target, or 0 for the slow trampoline
 *
 * A call never runs unredirected meanwhile. A new target for a function
 * on the fast trampoline goes through the slow one while the jump is
 * rewritten.
 *
 * Return: 0, or an error with the function where it was or on its slow
 * trampoline, which is right for every stack.
 */
int lg_direct_switch(struct ftrace_ops *fops, struct lg_fast_slot *slot,
		     unsigned long target)
{
	unsigned long slow = tramp_of(slot, 0), tramp = tramp_of(slot, target);
	int ret;

	lockdep_assert_held(&lg_mutex);
	if (target && target != slot->target) {
		if (slot->tramp != slow) {
			ret = lg_fault(-ENOMEM) ?: lg_modify_direct(fops, slow);
			if (ret)
				return ret;
			slot->tramp = slow;
		}
		ret = set_target(slot, target);
		if (ret)
			return ret;
	}
	if (tramp == slot->tramp)
		return 0;
	ret = lg_fault(-ENOMEM) ?: lg_modify_direct(fops, tramp);
	if (ret)
		return ret;
	slot->tramp = tramp;
	return 0;
}

/*
 * The ops is DYNAMIC (allocated): ftrace's shutdown waits for RCU tasks,
 * so no task is still inside the slot's trampolines (not even preempted
 * there) or in lg_fast_choose() when this returns.
 */
void lg_direct_unregister(struct ftrace_ops *fops, struct lg_fast_slot *slot)
{
	lockdep_assert_held(&lg_mutex);
	WARN_ON(lg_unregister_direct(fops, slot->tramp));
	slot->tramp = 0;
}

/* The pool's code: a task stopped in it has its jump decided. */
void lg_fast_text(unsigned long *start, unsigned long *size)
{
	*start = (unsigned long)lg_slow_common;
	*size = lg_fast_text_size;
}
