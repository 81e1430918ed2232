// SPDX-License-Identifier: GPL-2.0
/*
 * reloc.c - arm64: lg_reloc entries, computed as the kernel's
 * apply_relocate_add() (arch/arm64/kernel/module.c) computes them, and
 * written through the kernel's text patching (aarch64_insn_write(), which
 * maps the page through a fixmap slot): the patch module's text and
 * rodata are read-only once it is formed.
 *
 * Unlike the module loader, livegraft cannot emit a PLT or a veneer into
 * an already formed module: a CALL26/JUMP26 beyond +-128 MiB, or an ADRP
 * the Cortex-A53 erratum 843419 forbids whose target is beyond the range
 * of ADR, is refused as out of range.
 */

#include <linux/bits.h>
#include <linux/elf.h>
#include <linux/module.h>
#include <linux/smp.h>
#include <asm/insn.h>
#include <asm/module.h>
#include <asm/patching.h>
#include <livegraft.h>

#include "arch.h"
#include "direct.h"
#include "ksyms.h"

static typeof(aarch64_insn_write) *insn_write;
static typeof(aarch64_insn_patch_text_nosync) *insn_patch;

int lg_arch_reloc_ksyms_init(void)
{
	insn_write = lg_ksym_require("aarch64_insn_write");
	insn_patch = lg_ksym_require("aarch64_insn_patch_text_nosync");
	return insn_write && insn_patch ? 0 : -ENOENT;
}

unsigned int lg_arch_reloc_size(unsigned int type)
{
	switch (type) {
	case R_AARCH64_ABS64:
	case R_AARCH64_PREL64:
		return 8;
	case R_AARCH64_PREL32:
	case R_AARCH64_ADR_PREL_PG_HI21:
	case R_AARCH64_ADD_ABS_LO12_NC:
	case R_AARCH64_LDST8_ABS_LO12_NC:
	case R_AARCH64_LDST16_ABS_LO12_NC:
	case R_AARCH64_LDST32_ABS_LO12_NC:
	case R_AARCH64_LDST64_ABS_LO12_NC:
	case R_AARCH64_LDST128_ABS_LO12_NC:
	case R_AARCH64_CALL26:
	case R_AARCH64_JUMP26:
		return 4;
	}
	return 0;
}

static bool is_insn(unsigned int type)
{
	return type != R_AARCH64_ABS64 && type != R_AARCH64_PREL64 &&
	       type != R_AARCH64_PREL32;
}

/* The immediate fields, as aarch64_insn_encode_immediate() has them. */
enum imm_type { IMM_ADR, IMM_12, IMM_26 };

static u32 encode_imm(enum imm_type type, u32 insn, u64 imm)
{
	u32 mask, bits;

	switch (type) {
	case IMM_ADR:	/* immlo in bits 29-30, immhi in bits 5-23 */
		mask = (0x3 << 29) | (0x7ffff << 5);
		bits = ((imm & 0x3) << 29) | (((imm >> 2) & 0x7ffff) << 5);
		break;
	case IMM_12:
		mask = 0xfff << 10;
		bits = (imm & 0xfff) << 10;
		break;
	default:	/* IMM_26 */
		mask = 0x3ffffff;
		bits = imm & mask;
		break;
	}
	return (insn & ~mask) | bits;
}

/*
 * The kernel's reloc_insn_imm(): put bits [lsb, lsb + len) of @sval into
 * the immediate; -ERANGE if the bits above, sign bit included, are not
 * all equal (for the relocations that check overflow).
 */
static int insn_imm(u32 *insn, s64 sval, int lsb, int len,
		    enum imm_type type)
{
	u64 imm_mask = (BIT(lsb + len) - 1) >> lsb;

	sval >>= lsb;
	*insn = encode_imm(type, *insn, sval & imm_mask);
	sval = (s64)(sval & ~(imm_mask >> 1)) >> (len - 1);
	return (u64)(sval + 1) >= 2 ? -ERANGE : 0;
}

static u64 page(u64 addr)
{
	return addr & ~0xfffULL;
}

/* The kernel's reloc_insn_adrp(), without the veneer. */
static int insn_adrp(u32 *insn, void *loc, u64 val)
{
	int ret;

	if (!is_forbidden_offset_for_adrp(loc))
		return insn_imm(insn, page(val) - page((u64)loc), 12, 21,
				IMM_ADR);
	/* An ADR to the page computes the same address. */
	ret = insn_imm(insn, page(val) - (u64)loc, 0, 21, IMM_ADR);
	*insn &= ~BIT(31);
	return ret;
}

int lg_arch_reloc_compute(const struct lg_reloc *r, unsigned long sym,
			  u64 *val)
{
	u64 v = sym + r->addend, place = (u64)r->loc;
	s64 sval;
	u32 insn;
	int ret = 0;

	/* Whole 32-bit words: an instruction, or one of two halves. */
	if (place & 0x3)
		return -EINVAL;
	insn = le32_to_cpu(*(__le32 *)r->loc);

	switch (r->type) {
	case R_AARCH64_ABS64:
		*val = v;
		return 0;
	case R_AARCH64_PREL64:
		*val = v - place;
		return 0;
	case R_AARCH64_PREL32:
		/* Signed, as the kernel's reloc_data() takes PRELxx. */
		sval = v - place;
		if (sval < S32_MIN || sval > S32_MAX)
			return -ERANGE;
		*val = (u32)sval;
		return 0;
	case R_AARCH64_ADR_PREL_PG_HI21:
		ret = insn_adrp(&insn, r->loc, v);
		break;
	/* The _NC ones: no overflow check. */
	case R_AARCH64_ADD_ABS_LO12_NC:
	case R_AARCH64_LDST8_ABS_LO12_NC:
		insn_imm(&insn, v, 0, 12, IMM_12);
		break;
	case R_AARCH64_LDST16_ABS_LO12_NC:
		insn_imm(&insn, v, 1, 11, IMM_12);
		break;
	case R_AARCH64_LDST32_ABS_LO12_NC:
		insn_imm(&insn, v, 2, 10, IMM_12);
		break;
	case R_AARCH64_LDST64_ABS_LO12_NC:
		insn_imm(&insn, v, 3, 9, IMM_12);
		break;
	case R_AARCH64_LDST128_ABS_LO12_NC:
		insn_imm(&insn, v, 4, 8, IMM_12);
		break;
	case R_AARCH64_CALL26:
	case R_AARCH64_JUMP26:
		ret = insn_imm(&insn, v - place, 2, 26, IMM_26);
		break;
	default:
		return -EINVAL;
	}
	*val = insn;
	return ret;
}

void lg_arch_reloc_begin(void)
{
}

int lg_arch_reloc_write(const struct lg_reloc *r, u64 val)
{
	int ret;

	/* With the cache maintenance an instruction needs. */
	if (is_insn(r->type))
		return insn_patch(r->loc, val);
	ret = insn_write(r->loc, lower_32_bits(val));
	if (!ret && lg_arch_reloc_size(r->type) == 8)
		ret = insn_write(r->loc + 4, upper_32_bits(val));
	return ret;
}

void lg_arch_reloc_end(void)
{
}

#ifdef LG_ARCH_FAST_SLOTS
/*
 * The fast trampoline (fast.S) loads its target from the slot at every
 * call: no text to patch. direct.c stores it only while no call site calls
 * that trampoline, and the IPIs then order the store before anything each
 * CPU does next, so none can load the old word once ftrace sends it there.
 */
int lg_arch_fast_set_target(struct lg_fast_slot *slot, unsigned long target)
{
	WRITE_ONCE(slot->target, target);
	kick_all_cpus_sync();
	return 0;
}
#endif
