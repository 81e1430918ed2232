// SPDX-License-Identifier: GPL-2.0
/*
 * pr_debug descriptors, named as __UNIQUE_ID(ddebug) names them: the fix
 * adds one to first(), which renumbers the descriptor of second() and
 * moves its line. second() did not change; OUT.o carries its own copies
 * of first()'s descriptors.
 */
#include "lgtest.h"

int first(int v)
{
#ifdef PATCHED
	static struct lg_ddebug __UNIQUE_ID_ddebug1 DYNDBG = { "one, fixed\n", __LINE__ };

	lg_dyn_print(&__UNIQUE_ID_ddebug1);
#endif
	static struct lg_ddebug __UNIQUE_ID_ddebug0 DYNDBG = { "one\n", __LINE__ };

	return lg_dyn_print(&__UNIQUE_ID_ddebug0) + v;
}

int second(int v)
{
#ifdef PATCHED
	static struct lg_ddebug __UNIQUE_ID_ddebug2 DYNDBG = { "two\n", __LINE__ };

	return lg_dyn_print(&__UNIQUE_ID_ddebug2) + v;
#else
	static struct lg_ddebug __UNIQUE_ID_ddebug1 DYNDBG = { "two\n", __LINE__ };

	return lg_dyn_print(&__UNIQUE_ID_ddebug1) + v;
#endif
}
