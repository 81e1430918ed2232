// SPDX-License-Identifier: GPL-2.0
/*
 * A jump label in the changed function: its __jump_table entry goes with
 * it. The module loader reads the key at load time, so an unexported key
 * (built with -DKEY_UNEXPORTED) is refused.
 */
#include "lgtest.h"

#ifdef KEY_UNEXPORTED
#define KEY lg_hidden_key
#else
#define KEY lg_exported_key
#endif

static inline __attribute__((always_inline)) int key_on(void)
{
	asm goto("1: nop\n"
		 ".pushsection __jump_table, \"aw\"\n"
		 ".balign 8\n"
		 ".long 1b - ., %l[yes] - .\n"
		 ".quad %c0 - .\n"
		 ".popsection" : : "i" (&KEY) : : yes);
	return 0;
yes:
	return 1;
}

int gate(int v)
{
#ifdef PATCHED
	return key_on() ? lg_print("on %d\n", v) : v + 1;
#else
	return key_on() ? lg_print("on %d\n", v) : v;
#endif
}

int other_gate(int v)
{
	return key_on() ? v * 2 : v;
}
