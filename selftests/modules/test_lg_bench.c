// SPDX-License-Identifier: GPL-2.0
/*
 * test_lg_bench.c - the functions the benchmark calls, and the loop that
 * times them. Four identical functions: one stays unpatched, livegraft
 * patches the second, the kernel's livepatch the third, and livegraft the
 * fourth again through its ftrace handler (fast_slots=0), so that all are
 * measured side by side, runs interleaved. "echo N I >
 * /proc/test_lg_bench" calls function I N times; reading the file gives
 * the last run's nanoseconds per call.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

static u64 last_ps_per_call;

/* What the patches replace: as small as a function can be. */
static noinline int test_lg_bench_fn0(int x)
{
	return x + 1;
}

static noinline int test_lg_bench_fn1(int x)
{
	return x + 1;
}

static noinline int test_lg_bench_fn2(int x)
{
	return x + 1;
}

static noinline int test_lg_bench_fn3(int x)
{
	return x + 1;
}

/* Called through a pointer so that the compiler keeps every call. */
static int (*bench_fn[])(int x) = {
	test_lg_bench_fn0, test_lg_bench_fn1, test_lg_bench_fn2,
	test_lg_bench_fn3,
};

static ssize_t bench_write(struct file *file, const char __user *buf,
			   size_t count, loff_t *pos)
{
	unsigned long calls, i;
	unsigned int which;
	char line[32];
	u64 start, ns;
	int x = 0;
	int (*fn)(int x);

	if (count >= sizeof(line) || copy_from_user(line, buf, count))
		return -EINVAL;
	line[count] = '\0';
	if (sscanf(line, "%lu %u", &calls, &which) != 2 || !calls ||
	    which >= ARRAY_SIZE(bench_fn))
		return -EINVAL;

	fn = READ_ONCE(bench_fn[which]);
	start = ktime_get_ns();
	for (i = 0; i < calls; i++)
		x = fn(x);
	ns = ktime_get_ns() - start;
	last_ps_per_call = div64_u64(ns * 1000, calls);
	/* Use x, so that the calls have an effect. */
	return x ? count : -EIO;
}

static int bench_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%llu.%03llu\n", last_ps_per_call / 1000,
		   last_ps_per_call % 1000);
	return 0;
}

static int bench_open(struct inode *inode, struct file *file)
{
	return single_open(file, bench_show, NULL);
}

static const struct proc_ops bench_ops = {
	.proc_open = bench_open,
	.proc_read = seq_read,
	.proc_write = bench_write,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
};

static int __init test_lg_bench_init(void)
{
	if (!proc_create("test_lg_bench", 0644, NULL, &bench_ops))
		return -ENOMEM;
	return 0;
}

static void __exit test_lg_bench_exit(void)
{
	remove_proc_entry("test_lg_bench", NULL);
}

module_init(test_lg_bench_init);
module_exit(test_lg_bench_exit);
MODULE_DESCRIPTION("livegraft benchmark: a function to call and time");
MODULE_LICENSE("GPL");
