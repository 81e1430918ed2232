// SPDX-License-Identifier: GPL-2.0
/*
 * stack.c - arm64: the kernel has no reliable unwinder here, so livegraft
 * walks frame records itself and gives up on anything it cannot prove.
 */

#include "arch.h"

/* The frame-record walker reads the stack directly: no kernel helper needed. */
int lg_arch_ksyms_init(void)
{
	return 0;
}

const char *lg_arch_stack_checker(void)
{
	return "frame-records";
}
