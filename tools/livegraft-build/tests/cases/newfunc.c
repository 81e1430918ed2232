// SPDX-License-Identifier: GPL-2.0
/* A new function, called by the changed one. */
#include "lgtest.h"

#ifdef PATCHED
static noinline int lg_test_check(int v)
{
	return v > 100 ? lg_print("too big\n") : v;
}
#endif

int handle(int v)
{
#ifdef PATCHED
	v = lg_test_check(v);
#endif
	return lg_print("h %d\n", v);
}
