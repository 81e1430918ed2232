/* SPDX-License-Identifier: GPL-2.0 */
/*
 * livegraft.h - the API of livegraft, for patch modules.
 *
 * A patch module describes its replacement functions in static tables and
 * calls lg_enable_patch() from its module_init. livegraft redirects every
 * old function to its replacement and moves the system to the new code;
 * /sys/kernel/livegraft/<patch>/ then shows and controls the patch.
 * Documentation/api.md has the details, Documentation/writing-a-patch.md a
 * walk-through, samples/ working examples.
 */
#ifndef _LIVEGRAFT_H
#define _LIVEGRAFT_H

#include <linux/module.h>
#include <linux/types.h>

struct lg_object;

/**
 * struct lg_func - one function to replace
 * @old_name:	name of the function to replace, as kallsyms knows it
 * @new_func:	the replacement; it must have the old function's prototype
 * @old_sympos:	which of several functions of that name in the object:
 *		0 when the name is unique there, N for the Nth in kallsyms order
 *
 * An array of these ends with an all-zero entry.
 */
struct lg_func {
	const char *old_name;
	void *new_func;
	unsigned long old_sympos;
};

/**
 * struct lg_reloc - a reference from patch code to a symbol that the
 * kernel does not export, written when the object is patched
 * @loc:	where to write, inside the patch module
 * @objname:	the object that defines the symbol: NULL for vmlinux, else a
 *		module name (it must be loaded when the reloc is applied);
 *		livegraft accepts vmlinux or the reloc's own object
 * @name:	the symbol, as kallsyms knows it
 * @sympos:	0 when the name is unique in @objname, N for the Nth
 * @addend:	the ELF relocation's addend
 * @type:	the ELF relocation type of the patch's architecture
 *		(R_X86_64_*, R_AARCH64_*)
 *
 * An array of these ends with an entry whose @loc is NULL.
 */
struct lg_reloc {
	void *loc;
	const char *objname;
	const char *name;
	unsigned long sympos;
	long addend;
	unsigned int type;
};

/**
 * struct lg_callbacks - optional hooks around patching one object
 * @pre_patch:	before the object is patched; a non-zero return refuses the
 *		patch (or the loading module, for a module that loads later)
 * @post_patch:	after the patch transition has completed
 * @pre_unpatch: before the unpatch transition starts
 * @post_unpatch: after the object is unpatched; also after a patch that
 *		failed, for objects whose pre_patch succeeded
 *
 * Each runs only for an object that is loaded at that moment.
 */
struct lg_callbacks {
	int (*pre_patch)(struct lg_object *obj);
	void (*post_patch)(struct lg_object *obj);
	void (*pre_unpatch)(struct lg_object *obj);
	void (*post_unpatch)(struct lg_object *obj);
};

/**
 * struct lg_object - the functions to replace in one object
 * @name:	NULL for vmlinux, else the name of a module, which may be
 *		loaded before the patch, after it, or never
 * @funcs:	the functions, ending with an all-zero entry
 * @callbacks:	optional hooks
 * @mod:	set by livegraft, for callbacks: the module of a module
 *		object while it is loaded, NULL for vmlinux or when not
 * @relocs:	optional references to unexported symbols, ending with a
 *		NULL @loc: written when the object is patched (at
 *		lg_enable_patch() or when its module loads), before its
 *		pre_patch callback and before anything is redirected
 *
 * An array of these ends with an entry whose @name and @funcs are NULL.
 */
struct lg_object {
	const char *name;
	struct lg_func *funcs;
	struct lg_callbacks callbacks;
	struct module *mod;
	struct lg_reloc *relocs;
};

/**
 * struct lg_state - a change of system state that a patch makes
 * @id:		non-zero identifier, shared by patches that know the state
 * @version:	version of the change
 * @data:	for the patch's own use
 *
 * An array of these ends with an entry whose @id is 0.
 */
struct lg_state {
	unsigned long id;
	unsigned int version;
	void *data;
};

/**
 * struct lg_patch - a live patch
 * @mod:	the patch module, THIS_MODULE; it names the patch
 * @objs:	the objects to patch
 * @states:	optional system states, ending with a zero @id
 * @replace:	a cumulative patch: it replaces every patch before it in
 *		one transition; functions they replace and it does not go
 *		back to the original code, and they end disabled and freed
 */
struct lg_patch {
	struct module *mod;
	struct lg_object *objs;
	struct lg_state *states;
	bool replace;
};

/**
 * lg_enable_patch() - register and apply a patch
 * @patch:	the patch, in the patch module's static data
 *
 * Call it from the patch module's init, and return its result. Everything
 * is checked before anything changes: on error nothing is left registered
 * or redirected and the kernel log says what and why.
 *
 * Return: 0, or -EINVAL (a malformed patch, an ambiguous name, a function
 * ftrace cannot trace, a relocation that cannot be applied), -ENOENT (a
 * name not found), -EEXIST (a function listed twice, a patch of that name
 * already present), -EBUSY (another patch in transition, a function
 * another ftrace user redirects, ftrace_enabled=0), -ENOMEM, or the error
 * of a pre_patch callback.
 */
int lg_enable_patch(struct lg_patch *patch);

/**
 * lg_get_state() - a system state of a patch
 * @patch:	the patch
 * @id:		the state's id
 *
 * Return: the state in @patch->states, or NULL.
 */
struct lg_state *lg_get_state(struct lg_patch *patch, unsigned long id);

/**
 * lg_get_prev_state() - the state @id as the installed patches have it
 * @id:		the state's id
 *
 * For callbacks of the patch in transition, to take over what an older
 * patch set up: the state of the newest patch below it that has @id.
 * Outside a transition it WARNs and returns NULL.
 *
 * Return: the state, or NULL when no older patch has it.
 */
struct lg_state *lg_get_prev_state(unsigned long id);

/**
 * lg_lookup_symbol() - the address of any symbol kallsyms knows
 * @objname:	NULL for vmlinux, else the name of a loaded module
 * @name:	the symbol's name
 * @sympos:	0 when the name must be unique in the object, N for the Nth
 * @addr:	where to store the address
 *
 * For patch code that must reach kernel functions and data that are not
 * exported (out of tree there are no klp relocations).
 *
 * Return: 0, -ENOENT (not found, or fewer than @sympos occurrences) or
 * -EINVAL (ambiguous and @sympos is 0); the kernel log says which.
 */
int lg_lookup_symbol(const char *objname, const char *name,
		     unsigned long sympos, unsigned long *addr);

/**
 * typedef lg_shadow_ctor_t - constructor of a shadow variable
 * @obj:	the object the variable is attached to
 * @shadow_data: the variable's data, zeroed
 * @ctor_data:	what the caller of lg_shadow_alloc() passed
 *
 * Runs under a spinlock with interrupts off, only when the variable is
 * really added. Return: 0, or an error that frees it.
 */
typedef int (*lg_shadow_ctor_t)(void *obj, void *shadow_data, void *ctor_data);

/**
 * typedef lg_shadow_dtor_t - destructor of a shadow variable
 * @obj:	the object the variable is attached to
 * @shadow_data: the variable's data
 *
 * Runs under a spinlock with interrupts off, before the data is freed.
 */
typedef void (*lg_shadow_dtor_t)(void *obj, void *shadow_data);

/**
 * lg_shadow_get() - the shadow variable <@obj, @id>
 * @obj:	the object (any address: it is only a key)
 * @id:		which of its shadow variables
 *
 * Lock-free; any context. The caller keeps the variable alive: nothing
 * prevents lg_shadow_free() from freeing it after this returns.
 *
 * Return: its data, or NULL.
 */
void *lg_shadow_get(void *obj, unsigned long id);

/**
 * lg_shadow_alloc() - attach a new shadow variable to an object
 * @obj:	the object
 * @id:		the variable's id; <@obj, @id> must not exist yet
 * @size:	size of its data, zeroed before @ctor runs
 * @gfp:	allocation flags, for the context of the caller
 * @ctor:	optional constructor
 * @ctor_data:	passed to @ctor
 *
 * Return: the data, or NULL when allocation or @ctor failed, or when
 * <@obj, @id> already exists (a WARN: use lg_shadow_get_or_alloc()).
 */
void *lg_shadow_alloc(void *obj, unsigned long id, size_t size, gfp_t gfp,
		      lg_shadow_ctor_t ctor, void *ctor_data);

/**
 * lg_shadow_get_or_alloc() - the shadow variable <@obj, @id>, made if
 * there is none
 *
 * As lg_shadow_alloc(), but an existing variable is returned as it is,
 * without @ctor.
 */
void *lg_shadow_get_or_alloc(void *obj, unsigned long id, size_t size,
			     gfp_t gfp, lg_shadow_ctor_t ctor, void *ctor_data);

/**
 * lg_shadow_free() - detach and free the shadow variable <@obj, @id>
 * @obj:	the object
 * @id:		the variable's id
 * @dtor:	optional destructor, run before the data is freed
 *
 * The memory goes after an RCU grace period, so that a lock-free
 * lookup that found it may finish. Nothing happens if it does not exist.
 */
void lg_shadow_free(void *obj, unsigned long id, lg_shadow_dtor_t dtor);

/**
 * lg_shadow_free_all() - free every shadow variable of id @id
 * @id:		the id
 * @dtor:	optional destructor, run for each
 *
 * Shadow variables outlive the patch that made them, so that a
 * cumulative successor may take them over: the last patch that uses
 * them frees them, typically from a post_unpatch callback.
 */
void lg_shadow_free_all(unsigned long id, lg_shadow_dtor_t dtor);

/**
 * lg_task_safe() - tell livegraft the calling kthread may change universe
 *
 * For kernel threads that rarely sleep, or always sleep inside code a
 * patch may replace: call it from the thread's loop at a point where none
 * of the functions being replaced is on its stack (typically the top of
 * the loop). Outside a transition it costs one load.
 */
void lg_task_safe(void);

#endif /* _LIVEGRAFT_H */
