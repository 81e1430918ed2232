// SPDX-License-Identifier: GPL-2.0
/*
 * ksyms.c - resolve the unexported kernel functions livegraft relies on.
 *
 * kallsyms_lookup_name() itself is unexported since 5.7; a kprobe on it
 * reports its address without ever firing. Every other symbol is then
 * looked up by name and checked, so that a kernel that lacks one refuses
 * livegraft at insmod time instead of failing in the middle of a patch.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/moduleparam.h>

#include "arch.h"
#include "direct.h"
#include "fault.h"
#include "ksyms.h"

struct lg_ksyms lg_ksym;

/*
 * Lets the selftests prove the refusal path on a kernel that does have
 * every symbol: the named symbol is treated as missing.
 */
static char *fail_symbol;
module_param(fail_symbol, charp, 0400);
MODULE_PARM_DESC(fail_symbol,
		 "treat this kernel symbol as missing (test hook; load fails)");

#define LG_KSYM(sym) { #sym, (void **)&lg_ksym.sym }

static const struct {
	const char *name;
	void **addr;
} required[] = {
	LG_KSYM(kallsyms_on_each_match_symbol),
	LG_KSYM(kallsyms_lookup_size_offset),
	LG_KSYM(find_module),
	LG_KSYM(task_call_func),
	LG_KSYM(wake_up_state),
	LG_KSYM(idle_task),
};

static bool forced_missing(const char *name)
{
	return fail_symbol && !strcmp(fail_symbol, name);
}

static unsigned long lookup_kallsyms_lookup_name(void)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	unsigned long addr;

	if (forced_missing(kp.symbol_name) || lg_fault(-ENOMEM) ||
	    register_kprobe(&kp))
		return 0;
	addr = lg_arch_kprobe_func((unsigned long)kp.addr);
	unregister_kprobe(&kp);
	return addr;
}

/**
 * lg_ksym_require() - resolve a kernel function that livegraft cannot run without
 * @name: the symbol's name in vmlinux
 *
 * Return: its address, or NULL after logging which symbol is missing.
 */
void *lg_ksym_require(const char *name)
{
	unsigned long addr = 0;

	if (!forced_missing(name))
		addr = lg_ksym.kallsyms_lookup_name(name);
	if (!addr) {
		pr_err("required kernel symbol '%s' not found, refusing to load\n",
		       name);
		return NULL;
	}
	if (!lg_arch_callable(addr)) {
		pr_err("required kernel function '%s' is sealed against indirect calls (IBT), refusing to load: boot with ibt=off\n",
		       name);
		return NULL;
	}
	return (void *)addr;
}

/**
 * lg_ksym_require_data() - resolve kernel data that livegraft cannot run without
 * @name: the symbol's name in vmlinux
 *
 * Return: its address, or NULL after logging which symbol is missing.
 */
void *lg_ksym_require_data(const char *name)
{
	unsigned long addr = 0;

	if (!forced_missing(name))
		addr = lg_ksym.kallsyms_lookup_name(name);
	if (!addr)
		pr_err("required kernel symbol '%s' not found, refusing to load\n",
		       name);
	return (void *)addr;
}

/**
 * lg_ksyms_init() - resolve every required kernel symbol
 *
 * Return: 0, or -ENOENT with one log line naming the first missing symbol.
 */
int lg_ksyms_init(void)
{
	unsigned long addr;
	int i;

	addr = lookup_kallsyms_lookup_name();
	if (!addr) {
		pr_err("required kernel symbol 'kallsyms_lookup_name' not found, refusing to load\n");
		return -ENOENT;
	}
	if (!lg_arch_callable(addr)) {
		pr_err("required kernel function 'kallsyms_lookup_name' is sealed against indirect calls (IBT), refusing to load: boot with ibt=off\n");
		return -ENOENT;
	}
	lg_ksym.kallsyms_lookup_name = (void *)addr;

	for (i = 0; i < ARRAY_SIZE(required); i++) {
		*required[i].addr = lg_ksym_require(required[i].name);
		if (!*required[i].addr)
			return -ENOENT;
	}

	return lg_arch_ksyms_init() ?: lg_arch_reloc_ksyms_init() ?:
	       lg_direct_ksyms_init();
}
