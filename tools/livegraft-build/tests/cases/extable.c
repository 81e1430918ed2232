// SPDX-License-Identifier: GPL-2.0
/*
 * Special sections: both functions have an __ex_table and a __bug_table
 * entry; OUT.o carries those of the changed one only.
 */
#include "lgtest.h"

int reader(int v)
{
	ex_entry();
	if (v < 0)
		TRAP_LINE();
#ifdef PATCHED
	return lg_print("r %d\n", v);
#else
	return lg_print("read %d\n", v);
#endif
}

int writer(int v)
{
	ex_entry();
	if (v < 0)
		TRAP_LINE();
	return lg_print("w %d\n", v);
}
