// SPDX-License-Identifier: GPL-2.0
/* A changed string: only its function changes, the other strings do not. */
#include "lgtest.h"

int show(int v)
{
#ifdef PATCHED
	lg_print("patched: the fixed message %d\n", v);
#else
	lg_print("the message %d\n", v);
#endif
	return lg_print("the second message\n");
}

int other(int v)
{
	return lg_print("another message %d\n", v);
}
