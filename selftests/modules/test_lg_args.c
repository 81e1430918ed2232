// SPDX-License-Identifier: GPL-2.0
/*
 * test_lg_args.c - functions whose arguments fill every argument register
 * and the stack, for test-fastpath.sh: the slow trampoline calls C between
 * the call site and the function, and must hand every argument on intact.
 *
 *  - /proc/test_lg_args: "<test_lg_args6(...)> <test_lg_args_va(8, ...)>"
 *    for the arguments base, base + 1, ...
 *  - /proc/test_lg_args_hold: readers wait in test_lg_args_hold() while
 *    "hold" is set, holding up a transition of a patch that replaces it.
 */

#include <linux/delay.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "test_lg_args.h"

static long base = 1;
module_param(base, long, 0644);
MODULE_PARM_DESC(base, "the first argument; the next ones count up from it");

static bool hold;
module_param(hold, bool, 0644);
MODULE_PARM_DESC(hold, "readers of /proc/test_lg_args_hold wait in test_lg_args_hold()");

/* Global, so that the compiler cannot specialise or drop arguments. */
noinline long test_lg_args6(long a, long b, long c, long d, long e, long f)
{
	return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f;
}

noinline long test_lg_args_va(int n, ...)
{
	va_list ap;
	long sum = 0;
	int i;

	va_start(ap, n);
	for (i = 1; i <= n; i++)
		sum += i * va_arg(ap, long);
	va_end(ap);
	return sum;
}

noinline int test_lg_args_hold(void)
{
	while (READ_ONCE(hold))
		if (msleep_interruptible(20))
			return -ERESTARTSYS;
	return 0;
}

static int args_show(struct seq_file *m, void *v)
{
	long b = READ_ONCE(base);

	seq_printf(m, "%ld %ld\n",
		   test_lg_args6(b, b + 1, b + 2, b + 3, b + 4, b + 5),
		   test_lg_args_va(8, b, b + 1, b + 2, b + 3, b + 4, b + 5,
				   b + 6, b + 7));
	return 0;
}

static int hold_show(struct seq_file *m, void *v)
{
	int ret = test_lg_args_hold();

	if (ret < 0)
		return ret;
	seq_printf(m, "%d\n", ret);
	return 0;
}

static int __init test_lg_args_init(void)
{
	if (!proc_create_single("test_lg_args", 0444, NULL, args_show))
		return -ENOMEM;
	if (!proc_create_single("test_lg_args_hold", 0444, NULL, hold_show)) {
		remove_proc_entry("test_lg_args", NULL);
		return -ENOMEM;
	}
	return 0;
}

static void __exit test_lg_args_exit(void)
{
	WRITE_ONCE(hold, false);
	remove_proc_entry("test_lg_args_hold", NULL);
	remove_proc_entry("test_lg_args", NULL);
}

module_init(test_lg_args_init);
module_exit(test_lg_args_exit);
MODULE_DESCRIPTION("livegraft selftest: functions with many arguments");
MODULE_LICENSE("GPL");
