// SPDX-License-Identifier: GPL-2.0
/*
 * A reference to an unexported symbol with a relocation type livegraft.ko
 * does not write (x86 R_X86_64_32, arm64 R_AARCH64_ADR_PREL_LO21): refused
 * by lg-diff, not left to fail at load time.
 */
#include "lgtest.h"

int odd(int v)
{
	unsigned long a;

#ifdef __aarch64__
	asm("adr %0, unexported_var" : "=r" (a));
#else
	asm("movl $unexported_var, %k0" : "=r" (a));
#endif
#ifdef PATCHED
	return a + v + 1;
#else
	return a + v;
#endif
}
