// SPDX-License-Identifier: GPL-2.0
/*
 * redirect.c - send calls of an old function to its replacement, through
 * ftrace.
 *
 * One ftrace_ops per old function address, never two on one call site:
 * struct lg_ops holds the ops and a stack of the lg_live_funcs that replace
 * that function, the newest enabled patch on top. The handler runs the top
 * one, or during a transition the one of the current task's universe.
 *
 * Where the kernel has direct calls (direct.c), the ops is a direct one
 * instead: its slot's fast trampoline jumps to the top replacement while
 * no transition covers the function (nor a nop tops it), its slow one asks
 * lg_fast_choose(), the handler's logic, otherwise. update_mode() keeps
 * that true whenever the stack or its marks change: before a marked func
 * joins its stack, and after the marks go (transition.c).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ftrace.h>
#include <linux/rculist.h>
#include <linux/slab.h>

#include "arch.h"
#include "core.h"
#include "direct.h"
#include "fault.h"
#include "redirect.h"
#include "switch.h"
#include "transition.h"
#include "universe.h"

/**
 * struct lg_ops - the redirection of one old function
 * @node:	in lg_ops_list
 * @func_stack:	the lg_live_funcs for this address, newest first; RCU
 * @fops:	the ftrace_ops that calls lg_ftrace_handler() for it, or the
 *		direct one of @slot
 * @slot:	its direct-call trampolines, NULL on the handler path
 */
struct lg_ops {
	struct list_head node;
	struct list_head func_stack;
	struct ftrace_ops fops;
	struct lg_fast_slot *slot;
};

/* Every lg_ops. lg_mutex. */
static LIST_HEAD(lg_ops_list);

static struct lg_ops *find_ops(unsigned long old_addr)
{
	struct lg_ops *ops;
	struct lg_live_func *func;

	list_for_each_entry(ops, &lg_ops_list, node) {
		func = list_first_entry(&ops->func_stack, struct lg_live_func,
					stack_node);
		if (func->old_addr == old_addr)
			return ops;
	}
	return NULL;
}

/*
 * What the current task runs for @ops: a func (a nop for the original
 * code), or NULL for the original code. Under the recursion lock, which
 * also disables preemption: lg_synchronize() waits for it.
 *
 * Lock-free, allocation-free and silent: it may run in any context, NMI
 * included. Outside a transition it looks at the top of the stack only.
 */
static __always_inline struct lg_live_func *choose(struct lg_ops *ops)
{
	struct lg_live_func *func;

	func = list_first_or_null_rcu(&ops->func_stack, struct lg_live_func,
				      stack_node);
	if (WARN_ON_ONCE(!func))
		return NULL;

	/*
	 * Order the func_stack read above before the func->transition read
	 * below. Pairs with the smp_wmb() in __lg_enable_patch() between
	 * setting func->transition and adding the funcs to their stacks.
	 */
	smp_rmb();

	if (unlikely(func->transition)) {
		/*
		 * Order the func->transition read above before the universe
		 * read below. Pairs with the smp_wmb() in
		 * lg_init_transition() between the tasks' universe
		 * initialisation and func->transition being set.
		 */
		smp_rmb();
		if (lg_task_universe(current) == LG_UNPATCHED) {
			/* The old universe runs the function below this one. */
			func = list_entry_rcu(func->stack_node.next,
					      struct lg_live_func, stack_node);
			if (&func->stack_node == &ops->func_stack)
				return NULL;
		}
	}
	return func;
}

static void notrace lg_ftrace_handler(unsigned long ip,
				      unsigned long parent_ip,
				      struct ftrace_ops *fops,
				      struct ftrace_regs *fregs)
{
	struct lg_ops *ops = container_of(fops, struct lg_ops, fops);
	struct lg_live_func *func;
	int bit;

	bit = ftrace_test_recursion_trylock(ip, parent_ip);
	if (WARN_ON_ONCE(bit < 0))
		return;

	func = choose(ops);
	/* A nop: the original code, that of a replace patch's universe. */
	if (func && func->new_func)
		lg_arch_set_ip(fregs, (unsigned long)func->new_func);
	ftrace_test_recursion_unlock(bit);
}

/* The slow trampoline's question (direct.h). */
unsigned long notrace lg_fast_choose(struct lg_fast_slot *slot,
				     unsigned long ip,
				     unsigned long parent_ip)
{
	struct lg_ops *ops = READ_ONCE(slot->owner);
	struct lg_live_func *func;
	unsigned long target = 0;
	int bit;

	bit = ftrace_test_recursion_trylock(ip, parent_ip);
	if (WARN_ON_ONCE(bit < 0))
		return 0;

	/* lg_direct_unregister() waits for us before the slot changes. */
	func = WARN_ON_ONCE(!ops) ? NULL : choose(ops);
	if (func)
		target = (unsigned long)func->new_func;
	ftrace_test_recursion_unlock(bit);
	return target;
}

/*
 * Where the fast trampoline may jump for every task: the top, unless a
 * transition covers it or it is a nop. 0: the slow trampoline.
 */
static unsigned long fast_target(struct lg_ops *ops)
{
	struct lg_live_func *top;

	top = list_first_entry(&ops->func_stack, struct lg_live_func,
			       stack_node);
	if (top->transition || !top->new_func)
		return 0;
	return (unsigned long)top->new_func;
}

/* Put a direct-called function on the trampoline its stack asks for. */
static int update_mode(struct lg_ops *ops)
{
	if (!ops->slot)
		return 0;
	return lg_direct_switch(&ops->fops, ops->slot, fast_target(ops));
}

/**
 * lg_redirect_check() - can ftrace redirect this function?
 * @func: a resolved function
 *
 * Sets a filter on a throwaway ops: nothing is registered, nothing changes.
 *
 * Return: 0, or -EINVAL after saying why not.
 */
int lg_redirect_check(struct lg_live_func *func)
{
	struct ftrace_ops *probe;
	int ret;

	if (find_ops(func->old_addr))
		return 0;

	probe = lg_kzalloc(sizeof(*probe), GFP_KERNEL, LG_KIND_OPS);
	if (!probe)
		return -ENOMEM;
	ret = lg_fault(-ENOMEM) ?:
	      ftrace_set_filter_ip(probe, func->old_addr, 0, 0);
	ftrace_free_filter(probe);
	lg_kfree(probe, LG_KIND_OPS);
	/* Out of memory says nothing about the function. */
	if (ret == -ENOMEM)
		return ret;
	if (ret) {
		pr_err("'%s': function '%s' cannot be redirected: ftrace does not trace it (notrace or not a function entry)\n",
		       func->obj->patch->name, func->desc->old_name);
		return -EINVAL;
	}
	return 0;
}

static void print_busy(struct lg_live_func *func)
{
	pr_err("'%s': function '%s' is busy: another ftrace user redirects it (the kernel's livepatch, a kprobe) or ftrace_enabled is 0\n",
	       func->obj->patch->name, func->desc->old_name);
}

/* The handler path: an IPMODIFY ops whose handler is lg_ftrace_handler(). */
static int register_handler(struct lg_ops *ops, struct lg_live_func *func)
{
	int ret;

	ops->fops.func = lg_ftrace_handler;
	ops->fops.flags = LG_ARCH_FTRACE_FLAGS;
	ret = lg_fault(-ENOMEM) ?:
	      ftrace_set_filter_ip(&ops->fops, func->old_addr, 0, 0);
	if (ret) {
		pr_err("'%s': failed to set ftrace filter for function '%s' (%d)\n",
		       func->obj->patch->name, func->desc->old_name, ret);
		return ret;
	}

	ret = lg_fault(-EBUSY) ?: register_ftrace_function(&ops->fops);
	if (ret == -EBUSY)
		print_busy(func);
	else if (ret)
		pr_err("'%s': failed to register ftrace handler for function '%s' (%d)\n",
		       func->obj->patch->name, func->desc->old_name, ret);
	if (ret)
		ftrace_set_filter_ip(&ops->fops, func->old_addr, 1, 0);
	return ret;
}

/* The direct path, on the trampoline the stack asks for. */
static int register_direct(struct lg_ops *ops, struct lg_live_func *func)
{
	int ret;

	ret = lg_direct_register(&ops->fops, func->old_addr, ops->slot,
				 fast_target(ops));
	if (ret && ret != -EBUSY)
		pr_err("'%s': failed to register the direct call of function '%s' (%d)\n",
		       func->obj->patch->name, func->desc->old_name, ret);
	if (ret) {
		lg_fast_put(ops->slot);
		ops->slot = NULL;
	}
	return ret;
}

/**
 * lg_redirect_func() - put a replacement on top of its function's stack
 * @func: a resolved, checked function
 *
 * The first replacement of an address registers its ftrace_ops, a direct
 * one when a slot is free; the others only stack up. A func marked for a
 * transition joins a direct-called stack only once its function is on the
 * slow trampoline: tasks that moved may call it at once.
 *
 * Return: 0, or an error after saying which function failed.
 */
int lg_redirect_func(struct lg_live_func *func)
{
	const char *name = func->desc->old_name;
	struct lg_ops *ops;
	int ret;

	lockdep_assert_held(&lg_mutex);
	if (WARN_ON_ONCE(func->patched))
		return -EINVAL;

	ops = find_ops(func->old_addr);
	if (ops) {
		/*
		 * Slow first, whether the func is marked (tasks that moved
		 * may call it at once) or not (a fast trampoline's jump is
		 * rewritten only while it is not called): if that fails,
		 * nothing changed.
		 */
		if (ops->slot) {
			ret = lg_direct_switch(&ops->fops, ops->slot, 0);
			if (ret) {
				pr_err("'%s': failed to switch function '%s' to the slow trampoline (%d)\n",
				       func->obj->patch->name, name, ret);
				return ret;
			}
		}
		list_add_rcu(&func->stack_node, &ops->func_stack);
		func->patched = true;
		/* Unmarked: fast to it at once; failing that, slow is right. */
		if (update_mode(ops))
			pr_warn("function '%s' stays on the slow trampoline\n",
				name);
		return 0;
	}

	ops = lg_kzalloc(sizeof(*ops), GFP_KERNEL, LG_KIND_OPS);
	if (!ops)
		return -ENOMEM;
	INIT_LIST_HEAD(&ops->func_stack);
	list_add_rcu(&func->stack_node, &ops->func_stack);

	ops->slot = lg_fast_get(ops);
	ret = ops->slot ? register_direct(ops, func) : -EBUSY;
	/*
	 * One direct call per function: where another one is there (a BPF
	 * trampoline), the handler can share it through ftrace's ops_func,
	 * and it refuses what neither may share (the kernel's livepatch).
	 */
	if (ret == -EBUSY) {
		/* What the direct API left in it, filters freed. */
		memset(&ops->fops, 0, sizeof(ops->fops));
		ret = register_handler(ops, func);
	}
	if (ret) {
		list_del(&func->stack_node);
		lg_kfree(ops, LG_KIND_OPS);
		return ret;
	}

	list_add(&ops->node, &lg_ops_list);
	func->patched = true;
	return 0;
}

/**
 * lg_unredirect_func() - take a replacement off its function's stack
 * @func: a patched function
 *
 * The last one unregisters the ftrace_ops; ftrace's unregistration waits
 * until no handler or trampoline runs on it any more, so the ops can go at
 * once. A func taken off a longer stack may still be seen by a handler
 * until the caller's lg_synchronize(). Called when every task that may
 * call the function runs what remains below (a completed transition, a
 * failed enable, a going module): a fast trampoline may then jump to it.
 */
void lg_unredirect_func(struct lg_live_func *func)
{
	struct lg_ops *ops;

	lockdep_assert_held(&lg_mutex);
	if (WARN_ON_ONCE(!func->patched))
		return;

	ops = find_ops(func->old_addr);
	if (WARN_ON_ONCE(!ops))
		return;

	/*
	 * The fast trampoline must not jump to a replacement that leaves its
	 * stack: slow first (a no-op for a marked top, which is slow already;
	 * a going module's function may be fast).
	 */
	if (ops->slot && lg_direct_switch(&ops->fops, ops->slot, 0))
		pr_err("function '%s' cannot leave the fast trampoline\n",
		       func->desc->old_name);

	if (list_is_singular(&ops->func_stack)) {
		if (ops->slot) {
			lg_direct_unregister(&ops->fops, ops->slot);
			lg_fast_put(ops->slot);
		} else {
			WARN_ON(unregister_ftrace_function(&ops->fops));
			WARN_ON(ftrace_set_filter_ip(&ops->fops, func->old_addr,
						     1, 0));
		}
		list_del_rcu(&func->stack_node);
		list_del(&ops->node);
		lg_kfree(ops, LG_KIND_OPS);
	} else {
		list_del_rcu(&func->stack_node);
		/* Failing to go fast leaves it slow: correct, only slower. */
		if (update_mode(ops))
			pr_warn("function '%s' stays on the slow trampoline\n",
				func->desc->old_name);
	}
	func->patched = false;
}

/**
 * lg_redirect_update() - put a patch's direct-called functions on the
 * trampolines their stacks ask for, after their transition marks changed
 * @patch: the patch
 *
 * Marks set: before any task may move (lg_init_transition()). Marks
 * cleared: once every task is in the target universe.
 *
 * Return: 0, or the first error (with the rest still switched). Must hold
 * lg_mutex.
 */
int lg_redirect_update(struct lg_live_patch *patch)
{
	struct lg_live_object *obj;
	struct lg_live_func *func;
	struct lg_ops *ops;
	int ret, first = 0;

	lockdep_assert_held(&lg_mutex);
	lg_for_each_object(patch, obj) {
		lg_for_each_func(obj, func) {
			if (!func->patched)
				continue;
			ops = find_ops(func->old_addr);
			if (WARN_ON_ONCE(!ops))
				continue;
			ret = update_mode(ops);
			if (ret) {
				pr_warn("'%s': function '%s' cannot switch trampolines (%d)\n",
					patch->name, func->desc->old_name, ret);
				first = first ?: ret;
			}
		}
	}
	return first;
}

/**
 * lg_redirect_below() - the replacement below this one on its stack
 * @func: a patched function
 *
 * Return: what the old universe runs for this function, or NULL for the
 * original code. Must hold lg_mutex.
 */
struct lg_live_func *lg_redirect_below(struct lg_live_func *func)
{
	struct lg_ops *ops = find_ops(func->old_addr);

	lockdep_assert_held(&lg_mutex);
	if (WARN_ON_ONCE(!ops) || list_is_last(&func->stack_node, &ops->func_stack))
		return NULL;
	return list_next_entry(func, stack_node);
}

/**
 * lg_synchronize() - wait until no ftrace handler still runs on old state
 *
 * The handler runs with preemption disabled, but possibly where RCU is not
 * watching (entry code, idle), so plain RCU is not enough: make every CPU
 * schedule, as the kernel's livepatch does.
 */
void lg_synchronize(void)
{
	lg_sync_cpus();
}
