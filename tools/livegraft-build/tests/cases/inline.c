// SPDX-License-Identifier: GPL-2.0
/* A changed function that is inlined: every caller changes with it. */
#include "lgtest.h"

static inline int scale(int x)
{
#ifdef PATCHED
	return x * 5 + 1;
#else
	return x * 3 + 1;
#endif
}

int first(int x)
{
	return scale(x) + lg_print("one\n");
}

int second(int x)
{
	return scale(x + 2) - 7;
}

int unrelated(int x)
{
	return x - lg_print("other\n");
}
