// SPDX-License-Identifier: GPL-2.0
/*
 * fault.c - live allocation counters and fault injection, for the
 * selftests (Documentation/sysfs-abi.md, "Module parameters").
 *
 *   live_objects	ro  one "kind: count" line per kind of allocation
 *			    (enum lg_kind) that is still live
 *   fault_fail_nth	rw  -1 (default): off. N >= 1: the Nth fallible
 *			    step from this write fails, once, then it reads
 *			    0. 0: count the steps, fail none.
 *   fault_steps	ro  fallible steps taken since fault_fail_nth was
 *			    last written
 *
 * A test learns how many steps an operation takes with fault_fail_nth=0,
 * then fails each of them in turn. Steps are counted in the order they
 * run, whoever runs them: a test walks one operation at a time. The
 * allocations of task events (an exiting task's record, a new task's
 * universe entry) are counted in live_objects but are no steps: they run
 * for every task of the system, whatever a test does, and each has its
 * own fallback (exits.c, universe.c, and the fault_fork_no_entry knob).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "fault.h"
#include "sysfs.h"

atomic_long_t lg_live[LG_KIND_NR];
atomic_long_t lg_bytes[LG_KIND_NR];

static const char * const kind_names[LG_KIND_NR] = {
	[LG_KIND_PATCH]		= "patches",
	[LG_KIND_OBJECT]	= "objects",
	[LG_KIND_FUNC]		= "funcs",
	[LG_KIND_DESC]		= "descs",
	[LG_KIND_OPS]		= "ftrace_ops",
	[LG_KIND_RANGES]	= "ranges",
	[LG_KIND_TABLE]		= "tables",
	[LG_KIND_CHUNK]		= "chunks",
	[LG_KIND_COMING]	= "coming",
	[LG_KIND_TASK_WORK]	= "task_works",
	[LG_KIND_EXIT_RECORD]	= "exit_records",
	[LG_KIND_SHADOW]	= "shadows",
};

/* Not even at insmod: the parameter code calls .set without a check. */
static int read_only_set(const char *val, const struct kernel_param *kp)
{
	return -EPERM;
}

static int live_objects_get(char *buf, const struct kernel_param *kp)
{
	int i, len = 0;

	for (i = 0; i < LG_KIND_NR; i++)
		len += scnprintf(buf + len, PAGE_SIZE - len, "%s: %ld\n",
				 kind_names[i], atomic_long_read(&lg_live[i]));
	return len;
}

static const struct kernel_param_ops live_objects_ops = {
	.set = read_only_set,
	.get = live_objects_get,
};

module_param_cb(live_objects, &live_objects_ops, NULL, 0400);
MODULE_PARM_DESC(live_objects, "testing only: livegraft's live allocations, by kind");

int lg_fault_nth __read_mostly = -1;
static atomic_t fault_steps;

static int set_fail_nth(const char *val, const struct kernel_param *kp)
{
	int nth, ret;

	ret = kstrtoint(val, 0, &nth);
	if (ret)
		return ret;
	if (nth < -1)
		return -EINVAL;
	atomic_set(&fault_steps, 0);
	/* The count starts at 0 before the first step can see the knob. */
	smp_wmb();
	WRITE_ONCE(lg_fault_nth, nth);
	return 0;
}

/* With the rule of every writable parameter (sysfs.c). */
static int fault_fail_nth_set(const char *val, const struct kernel_param *kp)
{
	return lg_param_set(val, kp, set_fail_nth);
}

static int fault_fail_nth_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%d\n", READ_ONCE(lg_fault_nth));
}

static const struct kernel_param_ops fault_fail_nth_ops = {
	.set = fault_fail_nth_set,
	.get = fault_fail_nth_get,
};

module_param_cb(fault_fail_nth, &fault_fail_nth_ops, NULL, 0600);
MODULE_PARM_DESC(fault_fail_nth, "testing only: the Nth fallible step from now fails (-1: off, 0: count only)");

static int fault_steps_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%d\n", atomic_read(&fault_steps));
}

static const struct kernel_param_ops fault_steps_ops = {
	.set = read_only_set,
	.get = fault_steps_get,
};

module_param_cb(fault_steps, &fault_steps_ops, NULL, 0400);
MODULE_PARM_DESC(fault_steps, "testing only: fallible steps taken since fault_fail_nth was written");

/**
 * lg_fault_hit() - count a fallible step; must it fail?
 * @ip: where the step is, for the log
 *
 * Any context. Only called while fault_fail_nth is not -1.
 */
bool lg_fault_hit(unsigned long ip)
{
	int nth = READ_ONCE(lg_fault_nth);
	int step;

	if (nth < 0)
		return false;
	step = atomic_inc_return(&fault_steps);
	/* Exactly one step fails, even if several race for it. */
	if (step != nth || cmpxchg(&lg_fault_nth, nth, 0) != nth)
		return false;
	pr_notice("fault injection: step %d fails (%pS)\n", step, (void *)ip);
	return true;
}

void *lg_kzalloc(size_t size, gfp_t gfp, enum lg_kind kind)
{
	void *p;

	if (lg_fault_at(_RET_IP_))
		return NULL;
	p = kzalloc(size, gfp);
	if (p)
		lg_live_add(kind, size);
	return p;
}

void *lg_kvzalloc(size_t size, gfp_t gfp, enum lg_kind kind)
{
	void *p;

	if (lg_fault_at(_RET_IP_))
		return NULL;
	p = kvzalloc(size, gfp);
	if (p)
		lg_live_add(kind, size);
	return p;
}

char *lg_kstrdup(const char *s, gfp_t gfp, enum lg_kind kind)
{
	char *p;

	if (lg_fault_at(_RET_IP_))
		return NULL;
	p = kstrdup(s, gfp);
	if (p)
		lg_live_inc(kind);
	return p;
}

void lg_kfree(const void *p, enum lg_kind kind)
{
	if (!p)
		return;
	lg_live_dec(kind);
	kfree(p);
}

void lg_kvfree(const void *p, enum lg_kind kind)
{
	if (!p)
		return;
	lg_live_dec(kind);
	kvfree(p);
}
