// SPDX-License-Identifier: GPL-2.0
/*
 * test_lg_smc_main.c - does the machine run the code another CPU rewrote?
 *
 * arm64's ftrace rewrites call sites with aarch64_insn_patch_text_nosync(),
 * one instruction at a time while other CPUs run them, and the whole
 * collection trusts that a CPU then runs what was written. A writer bound
 * to CPU 0 rewrites test_lg_smc_fn()'s "mov w0, #n" twice in a row, as
 * ftrace can write one site twice, inside a seqcount window, every 100 to
 * 200 us; a reader bound to CPU 1 calls it without a pause. A call that
 * began and ended outside every window (the count even and unchanged, an
 * isb after reading it, as the architecture asks of a CPU that runs code
 * another one modified) must return the value published last: "stale"
 * counts those that did not. Multi-threaded TCG in QEMU 7.2 fails this
 * within seconds: a translation of the middle state, made while the
 * second rewrite happened, outlives it (Documentation/testing.md).
 *
 * The whole run happens in module init; calls, windows and stale are read
 * from the module's parameters afterwards.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/seqlock.h>
#include <asm/insn.h>
#include <livegraft.h>

#include "test_lg_smc.h"

static unsigned int secs = 10;
module_param(secs, uint, 0444);
MODULE_PARM_DESC(secs, "how long the writer rewrites, in seconds");

static unsigned int burst = 2;
module_param(burst, uint, 0444);
MODULE_PARM_DESC(burst, "rewrites in a row in one window");

static unsigned int pause_us = 100;
module_param(pause_us, uint, 0444);
MODULE_PARM_DESC(pause_us, "between two windows, in us");

static unsigned long calls, windows, stale;
module_param(calls, ulong, 0444);
MODULE_PARM_DESC(calls, "calls made outside every window");
module_param(windows, ulong, 0444);
MODULE_PARM_DESC(windows, "windows of two rewrites");
module_param(stale, ulong, 0444);
MODULE_PARM_DESC(stale, "calls that returned another value than the last published");

static int (*patch_text_nosync)(void *addr, u32 insn);
static seqcount_t rewrites = SEQCNT_ZERO(rewrites);
static int published;

/* movz w0, #n */
static u32 mov_w0(int n)
{
	return aarch64_insn_get_movz_value() | (n & 0xffff) << 5 |
	       AARCH64_INSN_REG_0;
}

static int rewrite(int n)
{
	int ret = patch_text_nosync(test_lg_smc_mov, mov_w0(n));

	if (!ret && READ_ONCE(*test_lg_smc_mov) != mov_w0(n))
		ret = -EIO;
	return ret;
}

static int writer_fn(void *unused)
{
	int n = 0, ret = 0;
	unsigned int i;

	while (!kthread_should_stop()) {
		/* Short: the reader spins while the count is odd. */
		preempt_disable();
		write_seqcount_begin(&rewrites);
		for (i = 0; i < burst && !ret; i++)
			ret = rewrite(++n);
		WRITE_ONCE(published, n & 0xffff);
		write_seqcount_end(&rewrites);
		preempt_enable();
		if (ret) {
			pr_err("rewrite %d failed: %d\n", n, ret);
			break;
		}
		windows++;
		usleep_range(pause_us, 2 * pause_us);
	}
	while (!kthread_should_stop())
		msleep(20);
	return ret;
}

static int reader_fn(void *unused)
{
	while (!kthread_should_stop()) {
		unsigned int seq = read_seqcount_begin(&rewrites);
		int want = READ_ONCE(published), got;

		isb();
		got = test_lg_smc_fn();
		if (read_seqcount_retry(&rewrites, seq))
			continue;
		calls++;
		if (got != want && !stale++)
			pr_warn("a call returned %d, %d was published\n", got, want);
		if (!(calls % 4096))
			cond_resched();
	}
	return 0;
}

static int __init test_lg_smc_init(void)
{
	struct task_struct *writer, *reader;
	unsigned long addr;
	int ret;

	if (num_online_cpus() < 2 || !cpu_online(0) || !cpu_online(1))
		return -ENODEV;
	ret = lg_lookup_symbol(NULL, "aarch64_insn_patch_text_nosync", 0, &addr);
	if (ret)
		return ret;
	patch_text_nosync = (void *)addr;
	ret = rewrite(0);
	if (ret)
		return ret;

	writer = kthread_create(writer_fn, NULL, "test_lg_smc_w");
	if (IS_ERR(writer))
		return PTR_ERR(writer);
	reader = kthread_create(reader_fn, NULL, "test_lg_smc_r");
	if (IS_ERR(reader)) {
		kthread_stop(writer);
		return PTR_ERR(reader);
	}
	kthread_bind(writer, 0);
	kthread_bind(reader, 1);
	wake_up_process(writer);
	wake_up_process(reader);
	msleep(secs * MSEC_PER_SEC);
	ret = kthread_stop(writer);
	kthread_stop(reader);
	pr_info("%lu windows, %lu calls outside them, %lu stale\n",
		windows, calls, stale);
	return ret;
}

static void __exit test_lg_smc_exit(void)
{
}

module_init(test_lg_smc_init);
module_exit(test_lg_smc_exit);
MODULE_DESCRIPTION("livegraft test: code rewritten on one CPU, run on another");
MODULE_LICENSE("GPL");
