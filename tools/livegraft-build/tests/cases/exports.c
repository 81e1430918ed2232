// SPDX-License-Identifier: GPL-2.0
/*
 * References from the changed function: lg_print is exported (Module.symvers)
 * and stays an undefined symbol; unexported_func, unexported_var and the
 * file's static data become reloc records.
 */
#include "lgtest.h"

static int state = 3;

static noinline int helper(int x)
{
	return x + state;
}

int entry(int x)
{
#ifdef PATCHED
	x += 1;
#endif
	return lg_print("%d\n", unexported_func(x) + unexported_var + helper(x));
}
