// SPDX-License-Identifier: GPL-2.0
/* The second test_lg_target_dup of test_lg_target, see test_lg_target_main.c. */

#include <linux/compiler.h>

int test_lg_target_dup_b(void);

static int dup_b = 2;

static noinline int test_lg_target_dup(void)
{
	return READ_ONCE(dup_b);
}

int test_lg_target_dup_b(void)
{
	return test_lg_target_dup();
}
