// SPDX-License-Identifier: GPL-2.0
/*
 * reloc.c - apply a patch's lg_reloc entries.
 *
 * A patch module cannot name a symbol the kernel does not export: the
 * module loader would refuse it. Such references (a static function or
 * variable of the patched object, an unexported global) are left in the
 * patch as lg_reloc entries, and livegraft writes them when the object is
 * patched, as the kernel's apply_relocate_add() would have. Every entry
 * of an object is checked (symbol found, value in range) before the first
 * is written, and all are written before anything is redirected. The
 * writes only ever go into the patch module's own core memory: that is
 * checked when the patch is registered, for every object.
 *
 * Writing is idempotent (the value only depends on the symbol, the addend
 * and the location), so a module object whose module unloads and loads
 * again simply gets its entries rewritten with the new addresses.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kallsyms.h>
#include <linux/module.h>

#include "arch.h"
#include "core.h"
#include "fault.h"
#include "reloc.h"
#include "symbols.h"

static bool is_last_reloc(const struct lg_reloc *r)
{
	return !r->loc;
}

/* The whole write must land in the module's core memory. */
static bool in_module_core(struct module *mod, const void *loc,
			   unsigned int size)
{
	unsigned long start = (unsigned long)loc;

	return within_module_core(start, mod) &&
	       within_module_core(start + size - 1, mod);
}

/**
 * lg_relocs_check_desc() - what can be checked of an object's relocations
 * before its symbols are known
 * @mod: the patch module
 * @o: the object
 *
 * Return: 0, or -EINVAL after one log line naming the entry.
 */
int lg_relocs_check_desc(struct module *mod, const struct lg_object *o)
{
	const char *obj = o->name ?: "vmlinux";
	const struct lg_reloc *r;
	unsigned int size, i = 0;

	if (!o->relocs)
		return 0;
	for (r = o->relocs; !is_last_reloc(r); r++, i++) {
		if (!r->name || !*r->name ||
		    strnlen(r->name, KSYM_NAME_LEN) >= KSYM_NAME_LEN) {
			pr_err("'%s': relocation %u of object '%s' needs a symbol name shorter than %d characters\n",
			       mod->name, i, obj, KSYM_NAME_LEN);
			return -EINVAL;
		}
		size = lg_arch_reloc_size(r->type);
		if (!size) {
			pr_err("'%s': relocation of '%s' (type %u): unsupported type\n",
			       mod->name, r->name, r->type);
			return -EINVAL;
		}
		if (!in_module_core(mod, r->loc, size)) {
			pr_err("'%s': relocation of '%s' (type %u): its location is outside the patch module\n",
			       mod->name, r->name, r->type);
			return -EINVAL;
		}
		/*
		 * Code of an object only refers to that object and vmlinux;
		 * a symbol of a third module could go away under the patch.
		 */
		if (r->objname && (!o->name || strcmp(r->objname, o->name))) {
			pr_err("'%s': relocation of '%s' (type %u): object '%.*s' is neither vmlinux nor '%s'\n",
			       mod->name, r->name, r->type,
			       (int)MODULE_NAME_LEN, r->objname, obj);
			return -EINVAL;
		}
	}
	return 0;
}

/* The symbol's address, then what to write at r->loc. */
static int compute(struct lg_live_object *obj, const struct lg_reloc *r,
		   u64 *val)
{
	const char *patch = obj->patch->name;
	unsigned long sym;
	int ret;

	ret = lg_find_symbol(patch, r->objname, r->name, r->sympos, &sym);
	if (ret)
		return ret;
	ret = lg_arch_reloc_compute(r, sym, val);
	if (ret == -ERANGE)
		pr_err("'%s': relocation of '%s' (type %u): value out of range\n",
		       patch, r->name, r->type);
	else if (ret)
		pr_err("'%s': relocation of '%s' (type %u): misaligned location\n",
		       patch, r->name, r->type);
	return ret ? -EINVAL : 0;
}

/* Compute every entry of @obj in order; with @write, write each one too. */
static int walk(struct lg_live_object *obj, bool write)
{
	const struct lg_reloc *r;
	u64 val;
	int ret;

	for (r = obj->desc->relocs; !is_last_reloc(r); r++) {
		ret = compute(obj, r, &val);
		if (!ret && write)
			ret = lg_arch_reloc_write(r, val);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * lg_relocs_check() - can every relocation of a loaded object be applied?
 * @obj: the object
 *
 * Return: 0, or an error after one log line naming patch and symbol.
 */
int lg_relocs_check(struct lg_live_object *obj)
{
	lockdep_assert_held(&lg_mutex);
	if (!obj->desc->relocs)
		return 0;
	return walk(obj, false);
}

/**
 * lg_relocs_write() - write every relocation of a checked object
 * @obj: the object, after lg_relocs_check() succeeded for it
 *
 * Return: 0, or an error if a write failed: some entries may be written,
 * which is harmless as long as nothing runs the patch's code, and the
 * caller refuses the patch or the module.
 */
int lg_relocs_write(struct lg_live_object *obj)
{
	int ret;

	lockdep_assert_held(&lg_mutex);
	if (!obj->desc->relocs)
		return 0;
	ret = lg_fault(-EFAULT);
	if (!ret) {
		/* The same lookups as in the check: under lg_mutex, they hold. */
		lg_arch_reloc_begin();
		ret = walk(obj, true);
		lg_arch_reloc_end();
	}
	if (ret)
		pr_err("'%s': cannot write the relocations of object '%s' (%d)\n",
		       obj->patch->name, lg_object_name(obj), ret);
	return ret;
}
