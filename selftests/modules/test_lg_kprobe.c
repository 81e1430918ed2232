// SPDX-License-Identifier: GPL-2.0
/*
 * test_lg_kprobe.c - a kprobe with a post_handler on cmdline_proc_show.
 * With KPROBES_ON_FTRACE (x86_64) it is an IPMODIFY ftrace user, which
 * excludes livegraft from that function.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/module.h>

static void post(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
}

static struct kprobe kp = {
	.symbol_name = "cmdline_proc_show",
	.post_handler = post,
};

static int __init test_lg_kprobe_init(void)
{
	return register_kprobe(&kp);
}

static void __exit test_lg_kprobe_exit(void)
{
	unregister_kprobe(&kp);
}

module_init(test_lg_kprobe_init);
module_exit(test_lg_kprobe_exit);
MODULE_DESCRIPTION("livegraft selftest: an IPMODIFY kprobe");
MODULE_LICENSE("GPL");
