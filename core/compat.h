/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - the kernel-version differences of the arch-neutral core, in
 * one place (arch/<arch>/lg_arch.h has those of each architecture).
 */
#ifndef _LIVEGRAFT_COMPAT_H
#define _LIVEGRAFT_COMPAT_H

#include <linux/module.h>
#include <linux/version.h>

#include "ksyms.h"

/* Called for each symbol; non-zero stops the walk. */
typedef int (*lg_symbol_fn)(void *data, const char *name, unsigned long addr);

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)

static inline int lg_each_vmlinux_symbol(lg_symbol_fn fn, void *data)
{
	return lg_ksym.kallsyms_on_each_symbol(fn, data);
}

static inline int lg_each_module_symbol(const char *modname, lg_symbol_fn fn,
					void *data)
{
	return lg_ksym.module_kallsyms_on_each_symbol(modname, fn, data);
}

#else

/*
 * Before 6.4 the callbacks also get the symbol's module (NULL in vmlinux),
 * and the module walk covers every module.
 */
struct lg_symbol_walk {
	lg_symbol_fn fn;
	void *data;
	const char *modname;
};

static inline int lg_symbol_walk_one(void *arg, const char *name,
				     struct module *mod, unsigned long addr)
{
	struct lg_symbol_walk *walk = arg;

	if (walk->modname && (!mod || strcmp(mod->name, walk->modname)))
		return 0;
	return walk->fn(walk->data, name, addr);
}

static inline int lg_each_vmlinux_symbol(lg_symbol_fn fn, void *data)
{
	struct lg_symbol_walk walk = { .fn = fn, .data = data };

	return lg_ksym.kallsyms_on_each_symbol(lg_symbol_walk_one, &walk);
}

static inline int lg_each_module_symbol(const char *modname, lg_symbol_fn fn,
					void *data)
{
	struct lg_symbol_walk walk = {
		.fn = fn, .data = data, .modname = modname,
	};

	return lg_ksym.module_kallsyms_on_each_symbol(lg_symbol_walk_one, &walk);
}

#endif

#endif /* _LIVEGRAFT_COMPAT_H */
