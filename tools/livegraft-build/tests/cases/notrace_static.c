// SPDX-License-Identifier: GPL-2.0
/*
 * A changed static function that ftrace cannot redirect (the kernel's
 * inline functions are notrace): OUT.o carries a copy and redirects its
 * callers instead, unless its address is taken (-DTAKEN): refused.
 */
#include "lgtest.h"

static notrace noinline int helper(int v)
{
#ifdef PATCHED
	return v * 3;
#else
	return v * 2;
#endif
}

int caller(int v)
{
	return helper(v) + lg_print("c %d\n", v);
}

#ifdef TAKEN
int (*lg_hook)(int) = helper;
#endif
