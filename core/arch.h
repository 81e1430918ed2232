/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one boundary between livegraft's arch-neutral core and arch/<arch>/.
 * Every difference between architectures and kernel versions sits behind
 * these functions; core/ calls them unconditionally.
 */
#ifndef _LIVEGRAFT_ARCH_H
#define _LIVEGRAFT_ARCH_H

/*
 * arch/<arch>/lg_arch.h: the handler's hot-path helpers, inline.
 * LG_ARCH_FTRACE_FLAGS are the ftrace_ops flags of a redirecting ops;
 * lg_arch_set_ip(fregs, ip) makes ftrace return into ip;
 * LG_ARCH_FENTRY_RET_MAX is the largest offset from a traced function's
 * symbol of the return address of its ftrace call.
 */
#include <lg_arch.h>

struct task_struct;

/**
 * lg_arch_ksyms_init() - resolve the kernel functions this arch needs
 *
 * Return: 0, or -ENOENT after lg_ksym_require() named the missing one.
 */
int lg_arch_ksyms_init(void);

/**
 * lg_arch_stack_checker() - what proves that a sleeping task's stack is clean
 *
 * Return: a short name for logs and sysfs ("orc", "frame-records").
 */
const char *lg_arch_stack_checker(void);

/**
 * lg_arch_save_stack() - the return addresses on a task's kernel stack,
 * only if they can all be trusted
 * @task:	a task that cannot run meanwhile (under task_call_func())
 * @store:	where to put them
 * @size:	room in @store
 *
 * Return: how many were stored, or a negative error when the stack cannot
 * be walked reliably to its end: an exception frame, an address outside
 * kernel text, a frame that breaks the chain, more frames than @size.
 */
int lg_arch_save_stack(struct task_struct *task, unsigned long *store,
		       unsigned int size);

/**
 * struct lg_arch_stack_words - where a task that is not running keeps the
 * return addresses of its kernel frames
 * @lo:		the live part of its kernel stack, from its stack pointer
 * @hi:		to the end of the stack
 * @regs:	registers it saved off its stack when it was switched out
 * @nr_regs:	how many
 */
struct lg_arch_stack_words {
	const unsigned long *lo;
	const unsigned long *hi;
	const unsigned long *regs;
	unsigned int nr_regs;
};

/**
 * lg_arch_get_stack_words() - take a task's stack, for a scan of its words
 * @task:	not current, and not running meanwhile (task_call_func())
 * @sw:		set to where its return addresses are
 *
 * Return: true with a reference on the stack (lg_arch_put_stack_words()),
 * false when it has none or they are not all in those words.
 */
bool lg_arch_get_stack_words(struct task_struct *task,
			     struct lg_arch_stack_words *sw);
void lg_arch_put_stack_words(struct task_struct *task);

/*
 * Relocations (core/reloc.c): the arch's ELF relocation types, computed as
 * its apply_relocate_add() computes them, and written into the patch
 * module's read-only memory the way the kernel patches its own text.
 */
struct lg_reloc;

/**
 * lg_arch_reloc_ksyms_init() - resolve the kernel functions that write
 *
 * Return: 0, or -ENOENT after lg_ksym_require() named the missing one.
 */
int lg_arch_reloc_ksyms_init(void);

/**
 * lg_arch_reloc_size() - how many bytes a relocation type writes
 * @type: an ELF relocation type of this arch
 *
 * Return: the size, or 0 for a type livegraft does not support.
 */
unsigned int lg_arch_reloc_size(unsigned int type);

/**
 * lg_arch_reloc_compute() - what to write for a relocation
 * @r:		the relocation, of a supported type
 * @sym:	the address of its symbol
 * @val:	the bytes to write at @r->loc, little-endian in the low bytes
 *
 * Reads @r->loc for an instruction, whose immediate field alone changes.
 *
 * Return: 0, -ERANGE when the value does not fit, -EINVAL when @r->loc is
 * misaligned for the way the arch writes it.
 */
int lg_arch_reloc_compute(const struct lg_reloc *r, unsigned long sym,
			  u64 *val);

/*
 * lg_arch_reloc_write(), between lg_arch_reloc_begin() and _end(): write
 * what lg_arch_reloc_compute() returned. Return: 0 or an error.
 */
void lg_arch_reloc_begin(void);
int lg_arch_reloc_write(const struct lg_reloc *r, u64 val);
void lg_arch_reloc_end(void);

#endif /* _LIVEGRAFT_ARCH_H */
