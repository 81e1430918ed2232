// SPDX-License-Identifier: GPL-2.0
/*
 * Alternatives: the changed function's .altinstructions entry goes with
 * it, and the replacement instructions with that. The module loader
 * applies them at load time, so a replacement that calls an unexported
 * function (-DALT_UNEXPORTED) is refused.
 */
#include "lgtest.h"

#ifdef __aarch64__
#define CALL "bl "
#else
#define CALL "call "
#endif
#ifdef ALT_UNEXPORTED
#define ALT_TARGET "unexported_func"
#else
#define ALT_TARGET "lg_print"
#endif

static inline __attribute__((always_inline)) void alt(void)
{
	asm volatile("661: nop\n662:\n"
		     ".pushsection .altinstructions, \"a\"\n"
		     ".long 661b - .\n"
		     ".long 663f - .\n"
		     ".short 1\n"
		     ".byte 662b - 661b\n"
		     ".byte 664f - 663f\n"
		     ".popsection\n"
		     ".pushsection .altinstr_replacement, \"ax\"\n"
		     "663: " CALL ALT_TARGET "\n664:\n"
		     ".popsection");
}

int fast(int v)
{
	alt();
#ifdef PATCHED
	return v + 2;
#else
	return v + 1;
#endif
}

int slow(int v)
{
	alt();
	return v - 1;
}
