// SPDX-License-Identifier: GPL-2.0
/*
 * Static locals: the fix adds a function with its own "count", which
 * renumbers the others (count.0 becomes count.1): the changed function
 * must still use the running kernel's count of its own.
 */
#include "lgtest.h"

#ifdef PATCHED
static noinline int fresh(void)
{
	static int count;

	return ++count;
}
#endif

int first(void)
{
	static int count;

	return ++count;
}

int second(void)
{
	static int count;

#ifdef PATCHED
	return count += 2 + fresh();
#else
	return ++count;
#endif
}
