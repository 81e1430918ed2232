/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fast_pool.h - for arch/<arch>/fast.S: the pool of slots and its table,
 * the same on every architecture. lg_fast_tramps[n] is { lg_fast_<n>,
 * lg_slow_<n> } (core/direct.h); LG_ARCH_FAST_SLOTS (lg_arch.h) is the
 * count of the lists below. A fast.S defines LG_FAST_SLOT n, which
 * emits slot n's two trampolines and, in .rodata, its row of the table;
 * then it says LG_FAST_POOL where the slots go.
 */

.macro LG_FAST_POOL
	.pushsection .rodata
	.balign	8
SYM_DATA_START(lg_fast_tramps)
	.popsection
	.irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	LG_FAST_SLOT \n
	.endr
	.irp n, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	LG_FAST_SLOT \n
	.endr
	.irp n, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47
	LG_FAST_SLOT \n
	.endr
	.irp n, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63
	LG_FAST_SLOT \n
	.endr
	.pushsection .rodata
SYM_DATA_END(lg_fast_tramps)
	.popsection
.endm
