// SPDX-License-Identifier: GPL-2.0
/* A changed __init function: refused. */
#include "lgtest.h"

int __init setup(void)
{
#ifdef PATCHED
	return lg_print("set up, fixed\n");
#else
	return lg_print("set up\n");
#endif
}

int later(int v)
{
	return lg_print("then %d\n", v);
}
