/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The relocation sites of test_lg_reloc_patch.c: labels its inline
 * assembly defines, right after (x86_64) or at (arm64) each field that
 * livegraft writes. They are assembler-local (.L), so that kallsyms does
 * not take them for functions, which would cut the new function's size.
 */
#ifndef _TEST_LG_RELOC_H
#define _TEST_LG_RELOC_H

#include <linux/types.h>

#define LG_SITE(name)	".Ltest_lg_reloc_site_" #name ":\n"

/* What the module loader resolves every site to, before livegraft. */
extern int test_lg_reloc_dummy[16];
int test_lg_reloc_dummy_fn(int x);

#ifdef CONFIG_X86_64
extern char test_lg_reloc_site_pc32[] asm(".Ltest_lg_reloc_site_pc32");
extern char test_lg_reloc_site_abs64[] asm(".Ltest_lg_reloc_site_abs64");
extern char test_lg_reloc_site_s32[] asm(".Ltest_lg_reloc_site_s32");
extern char test_lg_reloc_site_plt32[] asm(".Ltest_lg_reloc_site_plt32");
extern s64 test_lg_reloc_site_pc64[] asm(".Ltest_lg_reloc_site_pc64");
extern s32 test_lg_reloc_site_pc32d[] asm(".Ltest_lg_reloc_site_pc32d");
extern u64 test_lg_reloc_site_abs64d[] asm(".Ltest_lg_reloc_site_abs64d");
#endif

#ifdef CONFIG_ARM64
extern char test_lg_reloc_site_adrp_a[] asm(".Ltest_lg_reloc_site_adrp_a");
extern char test_lg_reloc_site_add[] asm(".Ltest_lg_reloc_site_add");
extern char test_lg_reloc_site_adrp_b[] asm(".Ltest_lg_reloc_site_adrp_b");
extern char test_lg_reloc_site_ldst32[] asm(".Ltest_lg_reloc_site_ldst32");
extern char test_lg_reloc_site_adrp_c[] asm(".Ltest_lg_reloc_site_adrp_c");
extern char test_lg_reloc_site_ldst8[] asm(".Ltest_lg_reloc_site_ldst8");
extern char test_lg_reloc_site_adrp_d[] asm(".Ltest_lg_reloc_site_adrp_d");
extern char test_lg_reloc_site_ldst16[] asm(".Ltest_lg_reloc_site_ldst16");
extern char test_lg_reloc_site_adrp_e[] asm(".Ltest_lg_reloc_site_adrp_e");
extern char test_lg_reloc_site_ldst64[] asm(".Ltest_lg_reloc_site_ldst64");
extern char test_lg_reloc_site_adrp_f[] asm(".Ltest_lg_reloc_site_adrp_f");
extern char test_lg_reloc_site_ldst128[] asm(".Ltest_lg_reloc_site_ldst128");
extern char test_lg_reloc_site_call26[] asm(".Ltest_lg_reloc_site_call26");
extern char test_lg_reloc_site_jump26[] asm(".Ltest_lg_reloc_site_jump26");
extern u64 test_lg_reloc_site_abs64d[] asm(".Ltest_lg_reloc_site_abs64d");
extern s64 test_lg_reloc_site_prel64[] asm(".Ltest_lg_reloc_site_prel64");
extern s32 test_lg_reloc_site_prel32[] asm(".Ltest_lg_reloc_site_prel32");
#endif

extern unsigned long test_lg_reloc_site_vmlinux[] asm(".Ltest_lg_reloc_site_vmlinux");

#endif /* _TEST_LG_RELOC_H */
