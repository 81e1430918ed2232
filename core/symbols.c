// SPDX-License-Identifier: GPL-2.0
/*
 * symbols.c - find functions by name and position, in vmlinux or a module.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kallsyms.h>
#include <linux/module.h>

#include "core.h"
#include "ksyms.h"
#include "redirect.h"
#include "symbols.h"

struct lookup {
	unsigned long sympos;
	unsigned long addr;
	unsigned long count;
};

/* The Nth match is the answer; with sympos 0 count them all. */
static int match_one(struct lookup *args, unsigned long addr)
{
	args->count++;
	args->addr = addr;
	return args->sympos && args->count == args->sympos;
}

static int match_vmlinux(void *data, unsigned long addr)
{
	return match_one(data, addr);
}

/*
 * A module's symbols, in its own symbol table: the kernel's iterator over
 * module symbols changed its callback in 6.4, this walk did not change.
 */
static void match_module(struct lookup *args, const char *objname,
			 const char *name)
{
	struct mod_kallsyms *kallsyms;
	struct module *mod;
	unsigned int i;

	/* Modules are freed after an RCU-sched grace period. */
	preempt_disable();
	mod = lg_ksym.find_module(objname);
	if (mod) {
		kallsyms = rcu_dereference_sched(mod->kallsyms);
		for (i = 0; i < kallsyms->num_symtab; i++) {
			const typeof(*kallsyms->symtab) *sym = &kallsyms->symtab[i];

			if (sym->st_shndx == SHN_UNDEF ||
			    strcmp(kallsyms->strtab + sym->st_name, name))
				continue;
			if (match_one(args, sym->st_value))
				break;
		}
	}
	preempt_enable();
}

/**
 * lg_find_symbol() - lg_lookup_symbol(), with log lines that name the patch
 * @patch: the patch's name, or NULL
 * @objname: NULL for vmlinux, else the name of a loaded module
 * @name: the symbol
 * @sympos: 0 when the name must be unique in the object, N for the Nth
 * @addr: where to store the address
 *
 * Return: 0, -ENOENT or -EINVAL, after one log line saying which.
 */
int lg_find_symbol(const char *patch, const char *objname, const char *name,
		   unsigned long sympos, unsigned long *addr)
{
	struct lookup args = { .sympos = sympos };
	const char *in = objname ?: "vmlinux";
	/* Log lines name the patch, when there is one: "'patch': symbol ...". */
	char who[MODULE_NAME_LEN + 4] = "";

	if (patch)
		snprintf(who, sizeof(who), "'%s': ", patch);

	if (objname)
		match_module(&args, objname, name);
	else
		lg_ksym.kallsyms_on_each_match_symbol(match_vmlinux, name, &args);

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
	return lg_find_symbol(NULL, objname, name, sympos, addr);
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
		ret = lg_find_symbol(obj->patch->name, obj->desc->name,
				     func->desc->old_name,
				     func->desc->old_sympos, &func->old_addr);
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
		if (!func->nop &&
		    !lg_ksym.kallsyms_lookup_size_offset((unsigned long)func->desc->new_func,
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
