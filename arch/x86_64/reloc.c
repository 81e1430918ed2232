// SPDX-License-Identifier: GPL-2.0
/*
 * reloc.c - x86_64: lg_reloc entries, computed as the kernel's
 * __write_relocate_add() (arch/x86/kernel/module.c) computes them, and
 * written with text_poke() under text_mutex, as it writes them into a
 * module that is already formed.
 */

#include <linux/elf.h>
#include <linux/memory.h>
#include <linux/mutex.h>
#include <linux/smp.h>
#include <asm/sync_core.h>
#include <asm/text-patching.h>
#include <livegraft.h>

#include "arch.h"
#include "direct.h"
#include "ksyms.h"

static typeof(text_poke) *poke;
static struct mutex *text_mutex_p;

int lg_arch_reloc_ksyms_init(void)
{
	poke = lg_ksym_require("text_poke");
	text_mutex_p = lg_ksym_require_data("text_mutex");
	return poke && text_mutex_p ? 0 : -ENOENT;
}

unsigned int lg_arch_reloc_size(unsigned int type)
{
	switch (type) {
	case R_X86_64_64:
	case R_X86_64_PC64:
		return 8;
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
	case R_X86_64_32S:
		return 4;
	}
	return 0;
}

int lg_arch_reloc_compute(const struct lg_reloc *r, unsigned long sym,
			  u64 *val)
{
	u64 v = sym + r->addend;

	switch (r->type) {
	case R_X86_64_64:
		break;
	case R_X86_64_32S:
		if ((s64)v != (s32)v)
			return -ERANGE;
		break;
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
		v -= (u64)r->loc;
		/*
		 * The kernel does not check: a module it links is always
		 * within 2 GiB of what it calls. A hand-made entry may not be.
		 */
		if ((s64)v != (s32)v)
			return -ERANGE;
		v = (u32)v;
		break;
	case R_X86_64_PC64:
		v -= (u64)r->loc;
		break;
	default:
		return -EINVAL;
	}
	*val = v;
	return 0;
}

void lg_arch_reloc_begin(void)
{
	mutex_lock(text_mutex_p);
}

int lg_arch_reloc_write(const struct lg_reloc *r, u64 val)
{
	poke(r->loc, &val, lg_arch_reloc_size(r->type));
	return 0;
}

static void do_sync_core(void *info)
{
	sync_core();
}

/*
 * What text_poke_sync() does, which the kernel may have sealed against
 * indirect calls: no CPU may run the old bytes from its pipeline.
 */
void lg_arch_reloc_end(void)
{
	on_each_cpu(do_sync_core, NULL, 1);
	mutex_unlock(text_mutex_p);
}

#ifdef LG_ARCH_FAST_SLOTS
/* fast.S: where each fast trampoline's jmp is, from its start. */
extern const unsigned long lg_fast_jmp_offset;

/*
 * The fast path's jumps (core/direct.c), written as relocations are: a
 * jmp rel32 needs no indirect branch (retpoline, ENDBR64 at the target).
 */
int lg_arch_fast_set_target(struct lg_fast_slot *slot, unsigned long target)
{
	unsigned long insn = lg_fast_tramps[slot - lg_fast_slots][0] +
			     lg_fast_jmp_offset;
	s64 disp = (s64)(target - (insn + 5));
	s32 disp32 = disp;

	if (disp != disp32)
		return -ERANGE;
	lg_arch_reloc_begin();
	poke((void *)(insn + 1), &disp32, sizeof(disp32));
	lg_arch_reloc_end();
	slot->target = target;
	return 0;
}
#endif
