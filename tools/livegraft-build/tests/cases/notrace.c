// SPDX-License-Identifier: GPL-2.0
/* A changed function that ftrace cannot redirect: refused. */
#include "lgtest.h"

notrace int hidden(int v)
{
#ifdef PATCHED
	return lg_print("h %d\n", v + 1);
#else
	return lg_print("h %d\n", v);
#endif
}
