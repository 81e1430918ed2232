// SPDX-License-Identifier: GPL-2.0
/*
 * redirect.c - send calls of an old function to its replacement, through
 * ftrace.
 *
 * One ftrace_ops per old function address, never two on one call site:
 * struct lg_ops holds the ops and a stack of the lg_live_funcs that replace
 * that function, the newest enabled patch on top. The handler runs the top
 * one, or during a transition the one of the current task's universe.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ftrace.h>
#include <linux/rculist.h>
#include <linux/slab.h>

#include "arch.h"
#include "core.h"
#include "fault.h"
#include "redirect.h"
#include "transition.h"
#include "universe.h"

/**
 * struct lg_ops - the redirection of one old function
 * @node:	in lg_ops_list
 * @func_stack:	the lg_live_funcs for this address, newest first; RCU
 * @fops:	the ftrace_ops that calls lg_ftrace_handler() for it
 */
struct lg_ops {
	struct list_head node;
	struct list_head func_stack;
	struct ftrace_ops fops;
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
 * Lock-free, allocation-free and silent: it may run in any context, NMI
 * included. Outside a transition it looks at the top of the stack only.
 */
static void notrace lg_ftrace_handler(unsigned long ip,
				      unsigned long parent_ip,
				      struct ftrace_ops *fops,
				      struct ftrace_regs *fregs)
{
	struct lg_ops *ops = container_of(fops, struct lg_ops, fops);
	struct lg_live_func *func;
	int bit;

	/* Also disables preemption: lg_synchronize() waits for us. */
	bit = ftrace_test_recursion_trylock(ip, parent_ip);
	if (WARN_ON_ONCE(bit < 0))
		return;

	func = list_first_or_null_rcu(&ops->func_stack, struct lg_live_func,
				      stack_node);
	if (WARN_ON_ONCE(!func))
		goto unlock;

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
				goto unlock;
		}
	}

	/* A nop: the original code, that of a replace patch's universe. */
	if (func->new_func)
		lg_arch_set_ip(fregs, (unsigned long)func->new_func);
unlock:
	ftrace_test_recursion_unlock(bit);
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

/**
 * lg_redirect_func() - put a replacement on top of its function's stack
 * @func: a resolved, checked function
 *
 * The first replacement of an address registers its ftrace_ops; the
 * others only stack up.
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
		list_add_rcu(&func->stack_node, &ops->func_stack);
		func->patched = true;
		return 0;
	}

	ops = lg_kzalloc(sizeof(*ops), GFP_KERNEL, LG_KIND_OPS);
	if (!ops)
		return -ENOMEM;
	ops->fops.func = lg_ftrace_handler;
	ops->fops.flags = LG_ARCH_FTRACE_FLAGS;
	INIT_LIST_HEAD(&ops->func_stack);
	list_add_rcu(&func->stack_node, &ops->func_stack);

	ret = lg_fault(-ENOMEM) ?:
	      ftrace_set_filter_ip(&ops->fops, func->old_addr, 0, 0);
	if (ret) {
		pr_err("'%s': failed to set ftrace filter for function '%s' (%d)\n",
		       func->obj->patch->name, name, ret);
		goto err_free;
	}

	ret = lg_fault(-EBUSY) ?: register_ftrace_function(&ops->fops);
	if (ret == -EBUSY) {
		pr_err("'%s': function '%s' is busy: another ftrace user redirects it (the kernel's livepatch, a kprobe) or ftrace_enabled is 0\n",
		       func->obj->patch->name, name);
		goto err_filter;
	} else if (ret) {
		pr_err("'%s': failed to register ftrace handler for function '%s' (%d)\n",
		       func->obj->patch->name, name, ret);
		goto err_filter;
	}

	list_add(&ops->node, &lg_ops_list);
	func->patched = true;
	return 0;

err_filter:
	ftrace_set_filter_ip(&ops->fops, func->old_addr, 1, 0);
err_free:
	list_del(&func->stack_node);
	lg_kfree(ops, LG_KIND_OPS);
	return ret;
}

/**
 * lg_unredirect_func() - take a replacement off its function's stack
 * @func: a patched function
 *
 * The last one unregisters the ftrace_ops; unregister_ftrace_function()
 * waits until no handler runs on it any more, so the ops can go at once.
 * A func taken off a longer stack may still be seen by a handler until the
 * caller's lg_synchronize().
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

	if (list_is_singular(&ops->func_stack)) {
		WARN_ON(unregister_ftrace_function(&ops->fops));
		WARN_ON(ftrace_set_filter_ip(&ops->fops, func->old_addr, 1, 0));
		list_del_rcu(&func->stack_node);
		list_del(&ops->node);
		lg_kfree(ops, LG_KIND_OPS);
	} else {
		list_del_rcu(&func->stack_node);
	}
	func->patched = false;
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
	synchronize_rcu_tasks_rude();
}
