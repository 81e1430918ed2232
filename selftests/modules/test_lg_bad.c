// SPDX-License-Identifier: GPL-2.0
/*
 * test_lg_bad.c - patches that livegraft must refuse, one per value of the
 * "mode" parameter, plus valid ones at the edges: "sympos2", a use of
 * old_sympos, "empty" and "replace_empty", patches without a function,
 * "empty_obj" and "zero_objs", an object without functions and an object
 * list without objects, and "twice", a second patch from the same module.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kallsyms.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <livegraft.h>

static char *mode = "";
module_param(mode, charp, 0400);
MODULE_PARM_DESC(mode, "which patch to register");

static int new_int(void)
{
	return 99;
}

static int new_show(struct seq_file *m, void *v)
{
	seq_puts(m, "test_lg_bad\n");
	return 0;
}

#define FUNCS(...) ((struct lg_func[]) { __VA_ARGS__, { } })
#define VMLINUX(...) ((struct lg_object[]) { { .funcs = FUNCS(__VA_ARGS__) }, { } })
#define OBJS(...) ((struct lg_object[]) { __VA_ARGS__, { } })

/* One character longer than the longest name: filled in by init. */
static char long_func[KSYM_NAME_LEN + 1];
static char long_obj[MODULE_NAME_LEN + 1];

#define TARGET(...) ((struct lg_object[]) {				\
	{ .name = "test_lg_target", .funcs = FUNCS(__VA_ARGS__) }, { } })

static const struct {
	const char *mode;
	struct lg_object *objs;
	bool replace;
} cases[] = {
	{ "unknown", VMLINUX({ "test_lg_no_such_function", new_int }) },
	{ "unknown_in_module", TARGET({ "test_lg_no_such_function", new_int }) },
	{ "ambiguous", TARGET({ "test_lg_target_dup", new_int }) },
	{ "sympos", TARGET({ "test_lg_target_dup", new_int, 3 }) },
	{ "sympos2", TARGET({ "test_lg_target_dup", new_int, 2 }) },
	{ "notrace", TARGET({ "test_lg_target_notrace", new_int }) },
	{ "duplicate", VMLINUX({ "cmdline_proc_show", new_show },
			       { "cmdline_proc_show", new_show, 1 }) },
	{ "no_new_func", VMLINUX({ "cmdline_proc_show", NULL }) },
	{ "empty", ((struct lg_object[]) { { .funcs = FUNCS({ }) }, { } }) },
	{ "no_objs", NULL },
	{ "replace_empty", ((struct lg_object[]) { { .funcs = FUNCS({ }) }, { } }), true },
	{ "twice", VMLINUX({ "cmdline_proc_show", new_show }) },
	{ "null_func_name", VMLINUX({ NULL, new_show }) },
	{ "empty_func_name", VMLINUX({ "", new_show }) },
	{ "long_func_name", VMLINUX({ long_func, new_show }) },
	{ "null_funcs", OBJS({ .name = "test_lg_target" }) },
	{ "empty_obj_name", OBJS({ .name = "", .funcs = FUNCS({ "f", new_int }) }) },
	{ "long_obj_name", OBJS({ .name = long_obj, .funcs = FUNCS({ "f", new_int }) }) },
	{ "vmlinux_obj_name", OBJS({ .name = "vmlinux",
				     .funcs = FUNCS({ "cmdline_proc_show", new_show }) }) },
	{ "dup_objs", OBJS({ .name = "test_lg_target",
			     .funcs = FUNCS({ "test_lg_target_dup", new_int, 1 }) },
			   { .name = "test_lg_target",
			     .funcs = FUNCS({ "test_lg_target_dup", new_int, 2 }) }) },
	{ "dup_vmlinux", OBJS({ .funcs = FUNCS({ "cmdline_proc_show", new_show }) },
			      { .funcs = FUNCS({ "cmdline_proc_show", new_show }) }) },
	{ "sympos_huge", TARGET({ "test_lg_target_dup", new_int, ULONG_MAX }) },
	{ "empty_obj", OBJS({ .name = "test_lg_target", .funcs = FUNCS({ }) }) },
	{ "zero_objs", ((struct lg_object[]) { { } }) },
	{ "no_mod", VMLINUX({ "cmdline_proc_show", new_show }) },
	{ "null_patch", VMLINUX({ "cmdline_proc_show", new_show }) },
};

static struct lg_patch patch = { .mod = THIS_MODULE };
static struct lg_patch second = { .mod = THIS_MODULE };

static int __init test_lg_bad_init(void)
{
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		if (!strcmp(mode, cases[i].mode))
			break;
	if (i == ARRAY_SIZE(cases))
		return -EINVAL;

	memset(long_func, 'f', sizeof(long_func) - 1);
	memset(long_obj, 'o', sizeof(long_obj) - 1);
	patch.objs = cases[i].objs;
	patch.replace = cases[i].replace;
	if (!strcmp(mode, "null_patch"))
		return lg_enable_patch(NULL);
	if (!strcmp(mode, "no_mod"))
		patch.mod = NULL;
	ret = lg_enable_patch(&patch);
	if (ret || strcmp(mode, "twice"))
		return ret;

	second.objs = patch.objs;
	pr_info("second patch: %d\n", lg_enable_patch(&second));
	return 0;
}

static void __exit test_lg_bad_exit(void)
{
}

module_init(test_lg_bad_init);
module_exit(test_lg_bad_exit);
MODULE_DESCRIPTION("livegraft selftest: patches to refuse");
MODULE_LICENSE("GPL");
