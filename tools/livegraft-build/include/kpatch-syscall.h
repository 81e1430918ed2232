/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kpatch-syscall.h - KPATCH_SYSCALL_DEFINE1..6, kpatch's way to change a
 * system call, for fixes built by livegraft-build.
 *
 * The kernel's SYSCALL_DEFINEx puts the body into a static inline
 * __do_sys_NAME, which is notrace. lg-diff would carry it as a copy and
 * redirect its callers instead; these macros name it __kpatch_do_sys_NAME,
 * a new function, as kpatch's do, so that the fix reads the same with
 * either tool, and the changed function is the traced entry the system
 * call table points to (__x64_sys_NAME, __arm64_sys_NAME) or __se_sys_NAME.
 *
 * The metadata of the system call's trace events is the kernel's own
 * SYSCALL_METADATA(), the same before and after the fix: unchanged, lg-diff
 * leaves it in the kernel. (kpatch's version replaces it by NULL entries
 * and ignores their sections, which lg-diff would refuse as a changed
 * initial value, rightly: nothing in it changes.)
 *
 * The wrappers are those of arch/{x86,arm64}/include/asm/syscall_wrapper.h
 * of 6.1 and 6.12, which are the same in both.
 */
#ifndef _LGB_KPATCH_SYSCALL_H
#define _LGB_KPATCH_SYSCALL_H

#include <linux/syscalls.h>
#include "kpatch-macros.h"

#define KPATCH_SYSCALL_DEFINE1(name, ...) KPATCH_SYSCALL_DEFINEx(1, _##name, __VA_ARGS__)
#define KPATCH_SYSCALL_DEFINE2(name, ...) KPATCH_SYSCALL_DEFINEx(2, _##name, __VA_ARGS__)
#define KPATCH_SYSCALL_DEFINE3(name, ...) KPATCH_SYSCALL_DEFINEx(3, _##name, __VA_ARGS__)
#define KPATCH_SYSCALL_DEFINE4(name, ...) KPATCH_SYSCALL_DEFINEx(4, _##name, __VA_ARGS__)
#define KPATCH_SYSCALL_DEFINE5(name, ...) KPATCH_SYSCALL_DEFINEx(5, _##name, __VA_ARGS__)
#define KPATCH_SYSCALL_DEFINE6(name, ...) KPATCH_SYSCALL_DEFINEx(6, _##name, __VA_ARGS__)

#define KPATCH_SYSCALL_DEFINEx(x, sname, ...)				\
	SYSCALL_METADATA(sname, x, __VA_ARGS__)				\
	__KPATCH_SYSCALL_DEFINEx(x, sname, __VA_ARGS__)

#if defined(CONFIG_X86_64)

#define __KPATCH_SYSCALL_DEFINEx(x, name, ...)				\
	static long __se_sys##name(__MAP(x, __SC_LONG, __VA_ARGS__));	\
	static inline long __kpatch_do_sys##name(__MAP(x, __SC_DECL, __VA_ARGS__)); \
	__X64_SYS_STUBx(x, name, __VA_ARGS__)				\
	__IA32_SYS_STUBx(x, name, __VA_ARGS__)				\
	static long __se_sys##name(__MAP(x, __SC_LONG, __VA_ARGS__))	\
	{								\
		long ret = __kpatch_do_sys##name(__MAP(x, __SC_CAST, __VA_ARGS__)); \
		__MAP(x, __SC_TEST, __VA_ARGS__);			\
		__PROTECT(x, ret, __MAP(x, __SC_ARGS, __VA_ARGS__));	\
		return ret;						\
	}								\
	static inline long __kpatch_do_sys##name(__MAP(x, __SC_DECL, __VA_ARGS__))

#elif defined(CONFIG_ARM64)

#define __KPATCH_SYSCALL_DEFINEx(x, name, ...)				\
	asmlinkage long __arm64_sys##name(const struct pt_regs *regs);	\
	ALLOW_ERROR_INJECTION(__arm64_sys##name, ERRNO);		\
	static long __se_sys##name(__MAP(x, __SC_LONG, __VA_ARGS__));	\
	static inline long __kpatch_do_sys##name(__MAP(x, __SC_DECL, __VA_ARGS__)); \
	asmlinkage long __arm64_sys##name(const struct pt_regs *regs)	\
	{								\
		return __se_sys##name(SC_ARM64_REGS_TO_ARGS(x, __VA_ARGS__)); \
	}								\
	static long __se_sys##name(__MAP(x, __SC_LONG, __VA_ARGS__))	\
	{								\
		long ret = __kpatch_do_sys##name(__MAP(x, __SC_CAST, __VA_ARGS__)); \
		__MAP(x, __SC_TEST, __VA_ARGS__);			\
		__PROTECT(x, ret, __MAP(x, __SC_ARGS, __VA_ARGS__));	\
		return ret;						\
	}								\
	static inline long __kpatch_do_sys##name(__MAP(x, __SC_DECL, __VA_ARGS__))

#else
#error "kpatch-syscall.h: livegraft-build targets x86_64 and arm64"
#endif

#endif /* _LGB_KPATCH_SYSCALL_H */
