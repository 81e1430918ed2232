// SPDX-License-Identifier: GPL-2.0
/*
 * Several statics in one section, as WARN_ONCE's __already_done in
 * .data.once: the assembler refers to them through the section symbol,
 * and on x86 "cmpb $0, x(%rip)" puts an immediate after the displacement:
 * the reference must still name the right one. The fix adds done4 to
 * .data.once: OUT.o carries it, cut out of the section.
 */
#include "lgtest.h"

static char done1 __attribute__((section(".data.once")));
static char done2 __attribute__((section(".data.once")));
static char done3 __attribute__((section(".data.once")));

int once1(void)
{
	if (done1)
		return 0;
	done1 = 1;
	return lg_print("one\n");
}

#ifdef PATCHED
static char done4 __attribute__((section(".data.once")));
#endif

int once2(void)
{
	if (done2)
		return 0;
	done2 = 1;
#ifdef PATCHED
	if (!done4) {
		done4 = 1;
		lg_print("two, once more\n");
	}
	return lg_print("two, fixed\n");
#else
	return lg_print("two\n");
#endif
}

int once3(void)
{
	if (done3)
		return 0;
	done3 = 1;
	return lg_print("three\n");
}
