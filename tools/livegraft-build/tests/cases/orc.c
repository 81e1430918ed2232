// SPDX-License-Identifier: GPL-2.0
/*
 * ORC as objtool writes it: .orc_unwind_ip points at each instruction,
 * .orc_unwind holds the entry of the same index. OUT.o keeps the pairs of
 * the changed function: its entry bytes are 1..6, the others' 0x10.., 0x20..
 */
#include "lgtest.h"

static inline __attribute__((always_inline)) void orc(int byte)
{
	asm volatile("1:\n"
		     ".pushsection .orc_unwind_ip, \"a\"\n"
		     ".long 1b - .\n"
		     ".popsection\n"
		     ".pushsection .orc_unwind, \"a\"\n"
		     ".byte %c0, %c0 + 1, %c0 + 2, %c0 + 3, %c0 + 4, %c0 + 5\n"
		     ".popsection" : : "i" (byte));
}

int before(int v)
{
	orc(0x10);
	return lg_print("b %d\n", v);
}

int before2(int v)
{
	orc(0x20);
	return lg_print("b2 %d\n", v);
}

int unwound(int v)
{
	orc(1);
#ifdef PATCHED
	return lg_print("u %d\n", v + 1);
#else
	return lg_print("u %d\n", v);
#endif
}

int after(int v)
{
	orc(0x30);
	return lg_print("a %d\n", v);
}
