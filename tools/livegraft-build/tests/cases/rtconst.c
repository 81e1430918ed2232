// SPDX-License-Identifier: GPL-2.0
/*
 * 6.12's runtime constants, as arch/x86/include/asm/runtime-const.h
 * emits them in vmlinux code: movabs $0x0123456789abcdef, %reg and a
 * runtime_ptr_<sym> entry at its imm64. lg-diff rewrites the movabs of a
 * changed function into mov sym(%rip), %reg + a 3-byte NOP, with sym
 * exported. Variants (defined for both builds): HIDDEN reads an
 * unexported constant, SHAPE has another instruction at the entry, SHIFT
 * a runtime_shift_* constant, INTO an __ex_table entry inside the movabs.
 * arm64 has its own runtime_const_ptr() (movz/movk), refused.
 */
#include "lgtest.h"

extern unsigned long lg_ptr_max, lg_hidden_max;

#ifdef HIDDEN
#define LIMIT lg_hidden_max
#else
#define LIMIT lg_ptr_max
#endif
/* the name, not LIMIT, in the section name */
#define limit() runtime_const_ptr_of(LIMIT)
#define runtime_const_ptr_of(sym) runtime_const_ptr(sym)

#ifdef __aarch64__
#define runtime_const_ptr(sym) ({				\
	typeof(sym) __ret;					\
	asm("1:\t"						\
	    "movz %0, #0xcdef\n\t"				\
	    "movk %0, #0x89ab, lsl #16\n\t"			\
	    "movk %0, #0x4567, lsl #32\n\t"			\
	    "movk %0, #0x0123, lsl #48\n\t"			\
	    ".pushsection runtime_ptr_" #sym ",\"a\"\n\t"	\
	    ".long 1b - .\n\t"					\
	    ".popsection"					\
	    : "=r" (__ret));					\
	__ret; })
#elif defined(SHAPE)
/* a mov $imm32 where the movabs should be */
#define runtime_const_ptr(sym) ({				\
	typeof(sym) __ret;					\
	asm("mov %1,%0\n1:\n"					\
	    ".pushsection runtime_ptr_" #sym ",\"a\"\n\t"	\
	    ".long 1b - %c2 - .\n"				\
	    ".popsection"					\
	    : "=r" (__ret)					\
	    : "i" (0x01234567), "i" (sizeof(long)));		\
	__ret; })
#else
/*
 * runtime-const.h's, with ORC entries at the movabs and after it as
 * objtool writes them where the stack changes, and (INTO) an exception
 * table entry inside it.
 */
#ifdef INTO
#define INSIDE ".pushsection __ex_table, \"a\"\n.balign 4\n"	\
	       ".long 1b - 4 - ., 1b - ., 0\n.popsection\n"
#else
#define INSIDE ""
#endif
#define runtime_const_ptr(sym) ({				\
	typeof(sym) __ret;					\
	asm("2: mov %1,%0\n1:\n"				\
	    ".pushsection runtime_ptr_" #sym ",\"a\"\n\t"	\
	    ".long 1b - %c2 - .\n"				\
	    ".popsection\n"					\
	    ".pushsection .orc_unwind_ip, \"a\"\n"		\
	    ".long 2b - ., 1b - .\n"				\
	    ".popsection\n"					\
	    ".pushsection .orc_unwind, \"a\"\n"			\
	    ".byte 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12\n"	\
	    ".popsection\n" INSIDE				\
	    : "=r" (__ret)					\
	    : "i" (0x0123456789abcdefUL),			\
	      "i" (sizeof(long)));				\
	__ret; })
#endif

/* as d_hash() shifts by d_hash_shift */
#define runtime_const_shift_right_32(val, sym) ({		\
	unsigned int __ret = (val);				\
	asm("shrl $12,%k0\n1:\n"				\
	    ".pushsection runtime_shift_" #sym ",\"a\"\n\t"	\
	    ".long 1b - 1 - .\n"				\
	    ".popsection"					\
	    : "+r" (__ret));					\
	__ret; })

int checked(unsigned long addr)
{
#ifdef SHIFT
	addr = runtime_const_shift_right_32(addr, lg_shift);
#endif
#ifdef PATCHED
	if (addr > limit())
		return -14;
#else
	if (addr >= limit())
		return -14;
#endif
	return lg_print("ok %lu\n", addr);
}

#if !defined(__aarch64__) && !defined(SHAPE)
/* The movabs into a high register: REX.B there, REX.R in the mov. */
int checked_r9(unsigned long addr)
{
	register unsigned long max asm("r9");

	max = limit();
#ifdef PATCHED
	asm("" : "+r" (max));
	return lg_print("r9 %lu\n", addr > max);
#else
	asm("" : "+r" (max));
	return lg_print("r9 %lu\n", addr >= max);
#endif
}
#endif

/* Unchanged: its entry stays out of OUT.o with the whole section. */
int unrelated(unsigned long addr)
{
	return lg_print("u %d\n", addr < limit());
}
