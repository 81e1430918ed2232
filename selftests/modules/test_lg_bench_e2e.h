/* SPDX-License-Identifier: GPL-2.0 */
/*
 * test_lg_bench_e2e.h - what the end-to-end benchmark patches: the getpid
 * system call's entry, which user space can call millions of times, and an
 * identical copy of its body, so that a patched call costs exactly the
 * redirection more than an unpatched one.
 */
#ifndef TEST_LG_BENCH_E2E_H
#define TEST_LG_BENCH_E2E_H

#include <linux/linkage.h>
#include <linux/sched.h>
#include <linux/stringify.h>

/* The syscall wrapper's name, as kernel/sys.c's SYSCALL_DEFINE0 makes it. */
#if defined(__x86_64__)
#define TEST_LG_E2E_OLD_NAME "__x64_sys_getpid"
#elif defined(__aarch64__)
#define TEST_LG_E2E_OLD_NAME "__arm64_sys_getpid"
#else
#error "the end-to-end benchmark knows x86_64 and arm64 only"
#endif

struct pt_regs;

/* kernel/sys.c's sys_getpid(), word for word. */
static asmlinkage long test_lg_e2e_getpid(const struct pt_regs *unused)
{
	return task_tgid_vnr(current);
}

#endif
