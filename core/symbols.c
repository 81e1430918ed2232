// SPDX-License-Identifier: GPL-2.0
/*
 * symbols.c - find functions by name and position, in vmlinux or a module.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kallsyms.h>
#include <linux/module.h>

#include "compat.h"
#include "core.h"
#include "ksyms.h"
#include "redirect.h"
#include "symbols.h"

struct lookup {
	const char *name;
	unsigned long sympos;
	unsigned long addr;
	unsigned long count;
};

static int match_symbol(void *data, const char *name, unsigned long addr)
{
	struct lookup *args = data;

	if (strcmp(args->name, name))
		return 0;

	args->count++;
	args->addr = addr;
	/* The Nth is the answer; with sympos 0 count them all. */
	return args->sympos && args->count == args->sympos;
}

static int find_symbol(const char *patch, const char *objname,
		       const char *name, unsigned long sympos,
		       unsigned long *addr)
{
	struct lookup args = { .name = name, .sympos = sympos };
	const char *in = objname ?: "vmlinux";
	/* Log lines name the patch, when there is one: "'patch': symbol ...". */
	char who[MODULE_NAME_LEN + 4] = "";

	if (patch)
		snprintf(who, sizeof(who), "'%s': ", patch);

	if (objname)
		lg_each_module_symbol(objname, match_symbol, &args);
	else
		lg_each_vmlinux_symbol(match_symbol, &args);

	if (!args.count) {
		pr_err("%ssymbol '%s' not found in %s\n",
		       who, name, in);
		return -ENOENT;
	}
	if (!sympos && args.count > 1) {
		pr_err("%ssymbol '%s' is ambiguous in %s: %lu matches, set old_sympos\n",
		       who, name, in, args.count);
		return -EINVAL;
	}
	if (sympos && args.count < sympos) {
		pr_err("%ssymbol '%s' position %lu not found in %s: %lu matches\n",
		       who, name, sympos, in, args.count);
		return -ENOENT;
	}
	*addr = args.addr;
	return 0;
}

/**
 * lg_lookup_symbol() - see include/livegraft.h
 */
int lg_lookup_symbol(const char *objname, const char *name,
		     unsigned long sympos, unsigned long *addr)
{
	return find_symbol(NULL, objname, name, sympos, addr);
}
EXPORT_SYMBOL_GPL(lg_lookup_symbol);

/**
 * lg_resolve_object() - find every function of a loaded object and check
 * that ftrace can redirect it
 * @obj: an object whose code is in the kernel
 *
 * Return: 0, or an error after saying which function and why.
 */
int lg_resolve_object(struct lg_live_object *obj)
{
	struct lg_live_func *func, *other;
	unsigned long offset;
	int ret;

	lockdep_assert_held(&lg_mutex);
	lg_for_each_func(obj, func) {
		ret = find_symbol(obj->patch->name, obj->desc->name,
				  func->desc->old_name, func->desc->old_sympos,
				  &func->old_addr);
		if (ret)
			goto err;
		if (!lg_ksym.kallsyms_lookup_size_offset(func->old_addr,
							 &func->old_size,
							 &offset)) {
			pr_err("'%s': no size known for function '%s'\n",
			       obj->patch->name, func->desc->old_name);
			ret = -ENOENT;
			goto err;
		}
		if (!lg_ksym.kallsyms_lookup_size_offset((unsigned long)func->desc->new_func,
							 &func->new_size,
							 &offset)) {
			pr_err("'%s': no size known for the replacement of '%s'\n",
			       obj->patch->name, func->desc->old_name);
			ret = -ENOENT;
			goto err;
		}
		lg_for_each_func(obj, other) {
			if (other == func)
				break;
			if (other->old_addr == func->old_addr) {
				pr_err("'%s': function '%s' is listed twice\n",
				       obj->patch->name, func->desc->old_name);
				ret = -EEXIST;
				goto err;
			}
		}
		ret = lg_redirect_check(func);
		if (ret)
			goto err;
	}
	return 0;

err:
	lg_forget_object(obj);
	return ret;
}

/**
 * lg_forget_object() - drop the addresses of an object that goes away
 * @obj: an object that is not patched
 */
void lg_forget_object(struct lg_live_object *obj)
{
	struct lg_live_func *func;

	lg_for_each_func(obj, func) {
		func->old_addr = 0;
		func->old_size = 0;
	}
}
