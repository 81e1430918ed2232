// SPDX-License-Identifier: GPL-2.0
/* A changed initial value of existing data: refused. */
#include "lgtest.h"

#ifdef PATCHED
int limit = 6;
#else
int limit = 5;
#endif

int check(int v)
{
	return v > limit ? lg_print("over\n") : 0;
}
