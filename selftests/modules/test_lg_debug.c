// SPDX-License-Identifier: GPL-2.0
/*
 * test_lg_debug.c - the faults make check-debug's kernel must catch, one per
 * value of "fault", so that its harness checks can prove a run with them
 * fails: "leak" loses allocations (kmemleak), "uaf" reads freed memory
 * (KASAN), "lockdep" takes two mutexes in both orders (lockdep), "sleep"
 * takes a mutex under a spinlock (DEBUG_ATOMIC_SLEEP). Never loaded by the
 * collection itself.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

static char *fault = "";
module_param(fault, charp, 0400);
MODULE_PARM_DESC(fault, "leak, uaf, lockdep or sleep");

/* Through a global, so that the compiler cannot see the use after free. */
static char *test_lg_debug_stale;
static DEFINE_MUTEX(test_lg_debug_a);
static DEFINE_MUTEX(test_lg_debug_b);
static DEFINE_SPINLOCK(test_lg_debug_lock);

static int __init test_lg_debug_init(void)
{
	int i;

	if (!strcmp(fault, "leak")) {
		for (i = 0; i < 4; i++)
			if (!kmalloc(64, GFP_KERNEL))
				return -ENOMEM;
		pr_info("lost 4 objects of 64 bytes\n");
	} else if (!strcmp(fault, "uaf")) {
		test_lg_debug_stale = kmalloc(64, GFP_KERNEL);
		if (!test_lg_debug_stale)
			return -ENOMEM;
		kfree(test_lg_debug_stale);
		pr_info("read after free: %d\n", READ_ONCE(test_lg_debug_stale[8]));
	} else if (!strcmp(fault, "lockdep")) {
		/* No deadlock here, one thread: lockdep reports the order. */
		mutex_lock(&test_lg_debug_a);
		mutex_lock(&test_lg_debug_b);
		mutex_unlock(&test_lg_debug_b);
		mutex_unlock(&test_lg_debug_a);
		mutex_lock(&test_lg_debug_b);
		mutex_lock(&test_lg_debug_a);
		mutex_unlock(&test_lg_debug_a);
		mutex_unlock(&test_lg_debug_b);
	} else if (!strcmp(fault, "sleep")) {
		/* Free, the mutex does not sleep: might_sleep() reports it. */
		spin_lock(&test_lg_debug_lock);
		mutex_lock(&test_lg_debug_a);
		mutex_unlock(&test_lg_debug_a);
		spin_unlock(&test_lg_debug_lock);
	}
	return 0;
}
module_init(test_lg_debug_init);

static void __exit test_lg_debug_exit(void)
{
}
module_exit(test_lg_debug_exit);

MODULE_DESCRIPTION("make check-debug's harness checks: the faults its kernel catches");
MODULE_LICENSE("GPL");
