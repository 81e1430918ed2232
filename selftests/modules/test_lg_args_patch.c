// SPDX-License-Identifier: GPL-2.0
/*
 * test_lg_args_patch.c - replaces test_lg_args's functions with versions
 * that compute the same from their arguments, plus PATCHED: a result is
 * right only if every argument arrived.
 */

#include <linux/module.h>
#include <livegraft.h>

#define PATCHED 1000000

static long new_args6(long a, long b, long c, long d, long e, long f)
{
	return PATCHED + a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f;
}

static long new_args_va(int n, ...)
{
	va_list ap;
	long sum = PATCHED;
	int i;

	va_start(ap, n);
	for (i = 1; i <= n; i++)
		sum += i * va_arg(ap, long);
	va_end(ap);
	return sum;
}

static int new_hold(void)
{
	return 1;
}

static struct lg_func funcs[] = {
	{ .old_name = "test_lg_args6", .new_func = new_args6 },
	{ .old_name = "test_lg_args_va", .new_func = new_args_va },
	{ .old_name = "test_lg_args_hold", .new_func = new_hold },
	{ }
};

static struct lg_object objs[] = {
	{ .name = "test_lg_args", .funcs = funcs },
	{ }
};

static struct lg_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init test_lg_args_patch_init(void)
{
	return lg_enable_patch(&patch);
}

static void __exit test_lg_args_patch_exit(void)
{
}

module_init(test_lg_args_patch_init);
module_exit(test_lg_args_patch_exit);
MODULE_DESCRIPTION("livegraft selftest: patch the functions with many arguments");
MODULE_LICENSE("GPL");
