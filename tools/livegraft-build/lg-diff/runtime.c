// SPDX-License-Identifier: GPL-2.0
/*
 * runtime.c - runtime constants (6.12's runtime_const_ptr()) in the
 * functions OUT.o carries.
 *
 * In vmlinux code, runtime_const_ptr(sym) on x86_64 is
 *	movabs $0x0123456789abcdef, %reg
 * with an entry in runtime_ptr_<sym> pointing at its imm64: the kernel
 * writes sym's value there at boot, in vmlinux only (access_ok() reads
 * USER_PTR_MAX so). A module is compiled with (sym) instead and reads the
 * exported variable. lg-diff makes OUT.o read it the way a module would,
 * in the same 10 bytes:
 *	mov sym(%rip), %reg		7 bytes, R_X86_64_PC32 sym - 4
 *	nopl (%rax)			3 bytes
 * sym stays undefined for the module loader, as every export does, and
 * the runtime_ptr_<sym> entry is dropped. The instruction boundary moves
 * inside the 10 bytes and the stack does not change: ORC entries (at an
 * instruction's start, or at the next instruction) stay right, and
 * anything else pointing into the 10 bytes is refused.
 *
 * Refused: a sym that is not exported (the module loader could not
 * resolve it; livegraft.ko writes its records only after the load, and
 * the value is a pointer, not an address), any other instruction shape,
 * arm64's runtime_const_ptr() (movz/movk), and runtime_shift_* (d_hash):
 * a shift count is an immediate, no instruction of its size reads it from
 * memory.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lg-diff.h"

#define PTR "runtime_ptr_"
#define SHIFT "runtime_shift_"
#define MOVABS_SIZE 10
#define MOVABS_IMM 0x0123456789abcdefULL	/* runtime-const.h's placeholder */

/* lg_refuse() reasons, for the user */
#define NOT_EXPORTED "%s: %s+%#lx reads the runtime constant '%s', which is not exported: a module cannot read it"
#define SHAPE "%s: %s+%#lx is not movabs $0x0123456789abcdef, %%reg (bytes %s): lg-diff rewrites only that"
#define INTO "%s+%#lx refers into the runtime constant's movabs at %s+%#lx, which lg-diff rewrites"
#define SHIFTED "%s: %s+%#lx uses the runtime constant '%s' (runtime_const_shift_right_32): the kernel patches it in vmlinux only, and lg-diff cannot carry a shift count"
#define ARM64 "%s: %s+%#lx uses the runtime constant '%s': the kernel patches it in vmlinux only, and lg-diff carries only x86_64's"
#define ENTRY "%s: the entry for %s+%#lx has relocation type %u, not R_X86_64_PC32"

bool lg_is_runtime_const(struct lgsec *sec)
{
	return !strncmp(sec->name, PTR, strlen(PTR)) ||
	       !strncmp(sec->name, SHIFT, strlen(SHIFT));
}

/* "filldir64+0xa7": where in a function, for the reasons */
struct where {
	const char *name;
	unsigned long off;
};

static struct where where(struct lgsec *sec, GElf_Addr off)
{
	struct lgsym *s = lg_sym_at(sec, off);

	if (!s)
		return (struct where){ sec->name, off };
	return (struct where){ s->name, off - s->sym.st_value };
}

/*
 * What the 10 bytes at @start of @t hold, or a refusal: REX.W (48, or 49
 * with REX.B), B8+r, the placeholder. Returns the register (0-15) or -1.
 */
static int movabs_reg(struct lgdiff *d, struct lgsec *rt, struct lgsec *t, long start)
{
	struct where w = where(t, start);
	char bytes[3 * MOVABS_SIZE + 1] = "";
	unsigned long long imm = 0;
	const unsigned char *p;
	int i;

	if (start < 0 || !t->buf || start + MOVABS_SIZE > (long)t->sh.sh_size) {
		lg_refuse(d, SHAPE, rt->name, w.name, w.off, "out of the section");
		return -1;
	}
	p = t->buf + start;
	for (i = 7; i >= 0; i--)
		imm = imm << 8 | p[2 + i];
	if ((p[0] == 0x48 || p[0] == 0x49) && (p[1] & 0xf8) == 0xb8 && imm == MOVABS_IMM)
		return (p[1] & 7) | (p[0] & 1) << 3;
	for (i = 0; i < MOVABS_SIZE; i++)
		snprintf(bytes + 3 * i, 4, "%02x ", p[i]);
	bytes[3 * MOVABS_SIZE - 1] = '\0';
	lg_refuse(d, SHAPE, rt->name, w.name, w.off, bytes);
	return -1;
}

/*
 * Nothing but the entry itself and ORC may point into the 10 bytes: ORC
 * at their start describes the mov as it described the movabs. The
 * function's own relocations must not fall in them either.
 */
static int check_refs(struct lgdiff *d, struct lgsec *rt, struct lgsec *t, long start)
{
	struct lgelf *e = &d->patched;
	struct where w = where(t, start);
	size_t i, j;

	for (i = 1; i < e->nsecs; i++) {
		struct lgsec *sec = &e->secs[i];

		if (sec == rt || lg_is_ignored(sec) || sec->sh.sh_type == SHT_RELA)
			continue;
		for (j = 0; j < sec->nrelas; j++) {
			struct lgrela *r = &sec->relas[j];
			long off;
			bool bad;

			if (sec == t) {
				bad = (long)r->offset >= start &&
				      (long)r->offset < start + MOVABS_SIZE;
			} else {
				if (r->sym->sec != t)
					continue;
				off = r->sym->sym.st_value + r->addend + lg_rela_bias(sec, r);
				bad = off > start && off < start + MOVABS_SIZE;
				bad |= off == start && strcmp(sec->name, ".orc_unwind_ip");
			}
			if (bad) {
				struct where f = where(sec, r->offset);

				lg_refuse(d, INTO, f.name, f.off, w.name, w.off);
				return -1;
			}
		}
	}
	return 0;
}

/* The export the rewritten mov reads: the object's own symbol, or a new one. */
static struct lgsym *export_sym(struct lgdiff *d, const char *name)
{
	struct lgsym *s = lg_find_sym(&d->patched, name), **made;
	size_t i;

	if (s)
		return s->bind == STB_LOCAL ? NULL : s;
	for (i = 0; i < d->nmade; i++)
		if (!strcmp(d->made[i]->name, name))
			return d->made[i];
	s = calloc(1, sizeof(*s));
	made = realloc(d->made, (d->nmade + 1) * sizeof(*made));
	if (!s || !made)
		err(1, "calloc");
	s->name = name;
	s->type = STT_NOTYPE;
	s->bind = STB_GLOBAL;
	d->made = made;
	d->made[d->nmade++] = s;
	return s;
}

/* A relocation of @t, kept in offset order as elf.c sorted them. */
static void add_rela(struct lgsec *t, GElf_Addr offset, struct lgsym *sym)
{
	struct lgrela *relas = realloc(t->relas, (t->nrelas + 2) * sizeof(*relas));
	size_t i;

	if (!relas)
		err(1, "realloc");
	for (i = t->nrelas; i > 0 && relas[i - 1].offset > offset; i--)
		relas[i] = relas[i - 1];
	relas[i] = (struct lgrela){ offset, R_X86_64_PC32, -4, sym };
	t->relas = relas;
	t->nrelas++;
}

static void rewrite(struct lgdiff *d, struct lgsec *rt, struct lgsec *t, long start)
{
	const char *name = rt->name + strlen(PTR);
	struct where w = where(t, start);
	struct lgsym *sym;
	unsigned char *p;
	int reg;

	reg = movabs_reg(d, rt, t, start);
	if (reg < 0 || check_refs(d, rt, t, start))
		return;
	sym = lg_symvers_has(name) ? export_sym(d, name) : NULL;
	if (!sym) {
		lg_refuse(d, NOT_EXPORTED, rt->name, w.name, w.off, name);
		return;
	}
	/* Our own copy: the loaded one is libelf's. */
	if (t->data && t->buf == t->data->d_buf) {
		p = malloc(t->sh.sh_size);
		if (!p)
			err(1, "malloc");
		memcpy(p, t->buf, t->sh.sh_size);
		t->buf = p;
	}
	p = t->buf + start;
	p[0] = 0x48 | (reg & 8) >> 1;		/* REX.W, REX.R for r8-r15 */
	p[1] = 0x8b;				/* mov r/m64, r64 */
	p[2] = 0x05 | (reg & 7) << 3;		/* mod 00, rm 101: RIP-relative */
	memset(p + 3, 0, 4);
	p[7] = 0x0f;				/* nopl (%rax) */
	p[8] = 0x1f;
	p[9] = 0x00;
	add_rela(t, start + 3, sym);
	lg_manifest("# %s+%#lx: runtime constant %s read from the export", w.name, w.off,
		    name);
}

/*
 * lg_runtime_consts() - rewrite or refuse each runtime constant of the
 * included functions. The runtime_* sections never go to OUT.o.
 */
int lg_runtime_consts(struct lgdiff *d)
{
	struct lgelf *e = &d->patched;
	size_t i, j;

	for (i = 1; i < e->nsecs; i++) {
		struct lgsec *rt = &e->secs[i];
		bool shift = !strncmp(rt->name, SHIFT, strlen(SHIFT));

		if (!lg_is_runtime_const(rt) || rt->sh.sh_type == SHT_RELA)
			continue;
		for (j = 0; j < rt->nrelas; j++) {
			struct lgrela *r = &rt->relas[j];
			struct lgsec *t = r->sym->sec;
			long off = r->sym->sym.st_value + r->addend;
			const char *name = rt->name + strlen(shift ? SHIFT : PTR);
			struct where w;

			if (!t || !t->include || !lg_is_text(t))
				continue;
			w = where(t, off);
			if (shift)
				lg_refuse(d, SHIFTED, rt->name, w.name, w.off, name);
			else if (lg_is_arm64(e))
				lg_refuse(d, ARM64, rt->name, w.name, w.off, name);
			else if (r->type != R_X86_64_PC32)
				lg_refuse(d, ENTRY, rt->name, w.name, w.off, r->type);
			else
				rewrite(d, rt, t, off - 2);	/* the entry points at the imm64 */
		}
	}
	return d->refused ? -1 : 0;
}
