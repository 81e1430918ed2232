/* SPDX-License-Identifier: GPL-2.0 */
/*
 * test_lg_smc_fn.S - the function test_lg_smc.c rewrites: its "mov" is
 * the immediate the writer last published. The additions after it make
 * one long block that an emulator takes a while to translate, after it
 * has read the "mov": the window in which a rewrite can be missed.
 */
#include <linux/linkage.h>

	.text
	.balign	64
SYM_FUNC_START(test_lg_smc_fn)
SYM_INNER_LABEL(test_lg_smc_mov, SYM_L_GLOBAL)
	mov	w0, #0
	.rept	256
	add	x1, x1, #1
	.endr
	ret
SYM_FUNC_END(test_lg_smc_fn)
