// SPDX-License-Identifier: GPL-2.0
/* Only line numbers move (a comment grew): no functional change, refused. */
#include "lgtest.h"

#ifdef PATCHED
/* Lines added above the function: what follows moves down. */
#line 40
#endif
int warn_if(int v)
{
	if (v)
		TRAP_LINE();
	return lg_print("v %d\n", v);
}
