// SPDX-License-Identifier: GPL-2.0
/*
 * A KASAN kernel's object: the compiler registers its globals with KASAN
 * in a constructor (_sub_I_*, _sub_D_*, .data..LASAN*). A fix that changes
 * a number changes the function only.
 */
#include "lgtest.h"

static int table[16] = { 1, 2, 3 };

int lookup(int i)
{
#ifdef PATCHED
	return lg_print("%d\n", table[i & 15] + 1000000);
#else
	return lg_print("%d\n", table[i & 15]);
#endif
}

int other(int i)
{
	return lg_print("%d\n", table[(i + 1) & 15]);
}
