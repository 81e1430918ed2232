// SPDX-License-Identifier: GPL-2.0
/*
 * test_lg_reloc_patch - lg_reloc entries for every relocation type of the
 * architecture, made by hand as livegraft-build makes them: the new
 * test_lg_reloc_show() reads the static test_lg_reloc_vals and
 * test_lg_reloc_wide of test_lg_reloc_target and calls its static
 * test_lg_reloc_fn, each through another relocation site with another
 * addend, so the line it prints proves every written value.
 *
 * The sites first refer to test_lg_reloc_dummy(_fn), which the module
 * loader resolves (zeros, and -1); livegraft then writes the real
 * addresses. A vmlinux object writes the address of the unexported
 * kallsyms_lookup_name into a word that the parameter vmlinux_addr shows.
 *
 * mode=ok (default), or a refusal: missing (a symbol that does not exist),
 * outside (a location outside this module's core memory), range (a value out of range of
 * its type), badtype (an unknown type).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/elf.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <livegraft.h>
#ifdef CONFIG_ARM64
#include <asm/neon.h>
#endif

#include "test_lg_reloc.h"

#define TARGET "test_lg_reloc_target"

static char *mode = "ok";
module_param(mode, charp, 0400);
MODULE_PARM_DESC(mode, "ok, or a refusal: missing, outside, range, badtype");

int test_lg_reloc_dummy[16] __aligned(16);

noinline int test_lg_reloc_dummy_fn(int x)
{
	return -1;
}

/* Data sites, in read-only data as the compiler puts constants. */
asm(".pushsection .rodata, \"a\"\n"
	".balign 8\n"
	LG_SITE(vmlinux) ".quad test_lg_reloc_dummy\n"
	LG_SITE(abs64d) ".quad test_lg_reloc_dummy\n"
#ifdef CONFIG_X86_64
	LG_SITE(pc64) ".quad test_lg_reloc_dummy - .\n"
	LG_SITE(pc32d) ".long test_lg_reloc_dummy - .\n"
#else
	LG_SITE(prel64) ".quad test_lg_reloc_dummy - .\n"
	LG_SITE(prel32) ".long test_lg_reloc_dummy - .\n"
#endif
	".popsection\n");

/* The int a data site points at, by its absolute or relative value. */
static int at_abs(const u64 *site)
{
	return READ_ONCE(*(const int *)(unsigned long)READ_ONCE(*site));
}

static int at_rel64(const s64 *site)
{
	return READ_ONCE(*(const int *)((const char *)site + READ_ONCE(*site)));
}

static int at_rel32(const s32 *site)
{
	return READ_ONCE(*(const int *)((const char *)site + READ_ONCE(*site)));
}

#ifdef CONFIG_X86_64
/* Each label follows its instruction, whose last 4 or 8 bytes it writes. */
static noinline void new_show(struct seq_file *m)
{
	const int *abs64, *s32;
	int pc32, call, x = 5;

	asm volatile("movl test_lg_reloc_dummy(%%rip), %0\n" LG_SITE(pc32)
		     : "=r" (pc32));
	asm volatile("movabsq $test_lg_reloc_dummy, %0\n" LG_SITE(abs64)
		     : "=r" (abs64));
	asm volatile("movq $test_lg_reloc_dummy, %0\n" LG_SITE(s32)
		     : "=r" (s32));
	asm volatile("call test_lg_reloc_dummy_fn\n" LG_SITE(plt32)
		     : "=a" (call), "+D" (x), ASM_CALL_CONSTRAINT
		     : : "rcx", "rdx", "rsi", "r8", "r9", "r10", "r11",
		       "memory", "cc");
	seq_printf(m, "relocated %d %d %d %d %d %d %d\n", pc32,
		   READ_ONCE(*abs64), READ_ONCE(*s32),
		   at_rel64(test_lg_reloc_site_pc64),
		   at_rel32(test_lg_reloc_site_pc32d),
		   at_abs(test_lg_reloc_site_abs64d), call);
}

#define R(site, back, sym, add, t) {					\
	.loc = test_lg_reloc_site_##site - (back), .objname = TARGET,	\
	.name = sym, .addend = (add), .type = R_X86_64_##t }
#define VALS	"test_lg_reloc_vals"

static struct lg_reloc relocs_ok[] = {
	R(pc32, 4, VALS, 0 - 4, PC32),
	R(abs64, 8, VALS, 4, 64),
	R(s32, 4, VALS, 8, 32S),
	R(pc64, 0, VALS, 12, PC64),
	R(pc32d, 0, VALS, 16, PC32),
	R(abs64d, 0, VALS, 20, 64),
	R(plt32, 4, "test_lg_reloc_fn", -4, PLT32),
	{ }
};

static struct lg_reloc relocs_missing[] = {
	R(pc32, 4, "test_lg_reloc_no_such", -4, PC32),
	{ }
};

static struct lg_reloc relocs_range[] = {
	R(plt32, 4, "test_lg_reloc_fn", 1L << 40, PLT32),
	{ }
};

#define R_ABS64	R_X86_64_64
#endif /* CONFIG_X86_64 */

#ifdef CONFIG_ARM64
/*
 * Each label is at its instruction. Every load has its own ADRP: the
 * values may sit on two pages. The calls clobber what AAPCS64 lets a
 * function clobber; x18 too unless it is the shadow call stack's.
 */
#ifdef CONFIG_SHADOW_CALL_STACK
#define X18
#else
#define X18 "x18",
#endif
#define CALL_CLOBBERS "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", \
	"x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17", X18 "x30", \
	"memory", "cc"

static noinline void new_show(struct seq_file *m)
{
	register long x0 asm("x0");
	unsigned long add, page;
	u64 ldst64, lo, hi;
	int ldst32, ldst8, ldst16, call26, jump26;

	asm volatile(LG_SITE(adrp_a) "adrp %0, test_lg_reloc_dummy\n"
		     LG_SITE(add) "add %0, %0, :lo12:test_lg_reloc_dummy\n"
		     : "=r" (add));
	asm volatile(LG_SITE(adrp_b) "adrp %1, test_lg_reloc_dummy\n"
		     LG_SITE(ldst32) "ldr %w0, [%1, :lo12:test_lg_reloc_dummy]\n"
		     : "=r" (ldst32), "=&r" (page));
	asm volatile(LG_SITE(adrp_c) "adrp %1, test_lg_reloc_dummy\n"
		     LG_SITE(ldst8) "ldrb %w0, [%1, :lo12:test_lg_reloc_dummy]\n"
		     : "=r" (ldst8), "=&r" (page));
	asm volatile(LG_SITE(adrp_d) "adrp %1, test_lg_reloc_dummy\n"
		     LG_SITE(ldst16) "ldrh %w0, [%1, :lo12:test_lg_reloc_dummy]\n"
		     : "=r" (ldst16), "=&r" (page));
	asm volatile(LG_SITE(adrp_e) "adrp %1, test_lg_reloc_dummy\n"
		     LG_SITE(ldst64) "ldr %0, [%1, :lo12:test_lg_reloc_dummy]\n"
		     : "=r" (ldst64), "=&r" (page));
	kernel_neon_begin();
	asm volatile(".arch_extension simd\n"
		     LG_SITE(adrp_f) "adrp %2, test_lg_reloc_dummy\n"
		     LG_SITE(ldst128) "ldr q0, [%2, :lo12:test_lg_reloc_dummy]\n"
		     "fmov %0, d0\n"
		     "mov %1, v0.d[1]\n"
		     : "=r" (lo), "=r" (hi), "=&r" (page));
	kernel_neon_end();
	x0 = 5;
	asm volatile(LG_SITE(call26) "bl test_lg_reloc_dummy_fn\n"
		     : "+r" (x0) : : CALL_CLOBBERS);
	call26 = x0;
	/* A tail branch that comes back: the return address set by hand. */
	x0 = 6;
	asm volatile("adr x30, 1f\n"
		     LG_SITE(jump26) "b test_lg_reloc_dummy_fn\n"
		     "1:\n"
		     : "+r" (x0) : : CALL_CLOBBERS);
	jump26 = x0;
	seq_printf(m, "relocated %d %d %d %d %llu %llu %llu %d %d %d %d %d\n",
		   READ_ONCE(*(int *)add), ldst32, ldst8, ldst16, ldst64, lo, hi,
		   at_abs(test_lg_reloc_site_abs64d),
		   at_rel32(test_lg_reloc_site_prel32),
		   at_rel64(test_lg_reloc_site_prel64), call26, jump26);
}

#define R(site, sym, add, t) {						\
	.loc = test_lg_reloc_site_##site, .objname = TARGET,		\
	.name = sym, .addend = (add), .type = R_AARCH64_##t }
#define VALS	"test_lg_reloc_vals"
#define WIDE	"test_lg_reloc_wide"

static struct lg_reloc relocs_ok[] = {
	R(adrp_a, VALS, 4, ADR_PREL_PG_HI21),
	R(add, VALS, 4, ADD_ABS_LO12_NC),
	R(adrp_b, VALS, 0, ADR_PREL_PG_HI21),
	R(ldst32, VALS, 0, LDST32_ABS_LO12_NC),
	R(adrp_c, VALS, 8, ADR_PREL_PG_HI21),
	R(ldst8, VALS, 8, LDST8_ABS_LO12_NC),
	R(adrp_d, VALS, 12, ADR_PREL_PG_HI21),
	R(ldst16, VALS, 12, LDST16_ABS_LO12_NC),
	R(adrp_e, WIDE, 0, ADR_PREL_PG_HI21),
	R(ldst64, WIDE, 0, LDST64_ABS_LO12_NC),
	R(adrp_f, WIDE, 0, ADR_PREL_PG_HI21),
	R(ldst128, WIDE, 0, LDST128_ABS_LO12_NC),
	R(abs64d, VALS, 16, ABS64),
	R(prel32, VALS, 20, PREL32),
	R(prel64, VALS, 24, PREL64),
	R(call26, "test_lg_reloc_fn", 0, CALL26),
	R(jump26, "test_lg_reloc_fn", 0, JUMP26),
	{ }
};

static struct lg_reloc relocs_missing[] = {
	R(adrp_b, "test_lg_reloc_no_such", 0, ADR_PREL_PG_HI21),
	{ }
};

static struct lg_reloc relocs_range[] = {
	R(call26, "test_lg_reloc_fn", 1L << 30, CALL26),
	{ }
};

#define R_ABS64	R_AARCH64_ABS64
#endif /* CONFIG_ARM64 */

/*
 * Init data is freed after init: outside the module's core memory, like
 * any other module's or vmlinux's memory, but harmless to write should
 * the check fail (the mutation reloc-location-unchecked).
 */
static u64 init_word __initdata;

static struct lg_reloc relocs_outside[] __refdata = {
	{ .loc = &init_word, .objname = TARGET, .name = VALS,
	  .type = R_ABS64 },
	{ }
};

static struct lg_reloc relocs_badtype[] = {
	{ .loc = (void *)test_lg_reloc_site_abs64d, .objname = TARGET,
	  .name = VALS, .type = 0xffff },
	{ }
};

static struct lg_reloc relocs_vmlinux[] = {
	{ .loc = (void *)test_lg_reloc_site_vmlinux,
	  .name = "kallsyms_lookup_name", .type = R_ABS64 },
	{ }
};

static struct lg_func funcs[] = {
	{ .old_name = "test_lg_reloc_show", .new_func = new_show },
	{ }
};

static struct lg_func no_funcs[] = {
	{ }
};

static struct lg_object objs[] = {
	{ .name = TARGET, .funcs = funcs, .relocs = relocs_ok },
	{ .funcs = no_funcs, .relocs = relocs_vmlinux },
	{ }
};

static struct lg_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int vmlinux_addr_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%lx\n",
			 READ_ONCE(test_lg_reloc_site_vmlinux[0]));
}

static const struct kernel_param_ops vmlinux_addr_ops = {
	.get = vmlinux_addr_get,
};

module_param_cb(vmlinux_addr, &vmlinux_addr_ops, NULL, 0400);
MODULE_PARM_DESC(vmlinux_addr, "the address of kallsyms_lookup_name, as written by livegraft");

static int __init test_lg_reloc_patch_init(void)
{
	if (!strcmp(mode, "missing"))
		objs[0].relocs = relocs_missing;
	else if (!strcmp(mode, "outside"))
		objs[0].relocs = relocs_outside;
	else if (!strcmp(mode, "range"))
		objs[0].relocs = relocs_range;
	else if (!strcmp(mode, "badtype"))
		objs[0].relocs = relocs_badtype;
	else if (strcmp(mode, "ok"))
		return -EINVAL;
	return lg_enable_patch(&patch);
}

static void __exit test_lg_reloc_patch_exit(void)
{
}

module_init(test_lg_reloc_patch_init);
module_exit(test_lg_reloc_patch_exit);
MODULE_DESCRIPTION("livegraft selftest: a patch with relocations of every type");
MODULE_LICENSE("GPL");
