// SPDX-License-Identifier: GPL-2.0
/*
 * test_lg_reloc_target - a module whose static data and function only a
 * patch with lg_reloc entries can reach (test_lg_reloc_patch.c replaces
 * test_lg_reloc_show()); /proc/test_lg_reloc_target shows the result.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

/* Each relocation site of the patch reads another value: a wrong address shows. */
static int test_lg_reloc_vals[8] __used = { 11, 22, 33, 44, 55, 66, 77, 88 };
static u64 test_lg_reloc_wide[2] __used __aligned(16) = { 1111, 2222 };
static const char *message = "unpatched";

/* Only the patch calls it. */
static noinline __used int test_lg_reloc_fn(int x)
{
	return x * 2 + READ_ONCE(test_lg_reloc_vals[7]);
}

static noinline void test_lg_reloc_show(struct seq_file *m)
{
	seq_printf(m, "%s\n", READ_ONCE(message));
}

static int target_show(struct seq_file *m, void *v)
{
	test_lg_reloc_show(m);
	return 0;
}

static int __init test_lg_reloc_target_init(void)
{
	if (!proc_create_single("test_lg_reloc_target", 0444, NULL,
				target_show))
		return -ENOMEM;
	pr_info("loaded\n");
	return 0;
}

static void __exit test_lg_reloc_target_exit(void)
{
	remove_proc_entry("test_lg_reloc_target", NULL);
	pr_info("unloaded\n");
}

module_init(test_lg_reloc_target_init);
module_exit(test_lg_reloc_target_exit);
MODULE_DESCRIPTION("livegraft selftest: a module with static data for relocations");
MODULE_LICENSE("GPL");
