// SPDX-License-Identifier: GPL-2.0
/* New global data, used by the changed function. */
#include "lgtest.h"

#ifdef PATCHED
int lg_test_calls;
#endif

int count_call(int v)
{
#ifdef PATCHED
	lg_test_calls++;
#endif
	return lg_print("call %d\n", v);
}
