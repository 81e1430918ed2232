// SPDX-License-Identifier: GPL-2.0
/*
 * arm64.c - veneers for branches from OUT.o to unexported kernel code.
 *
 * A BL or B reaches 128 MiB; the kernel's text is further than that from
 * a module unless the module region happens to be close. The module
 * loader would insert a PLT, but the branch's target is written by
 * livegraft.ko, not the loader: OUT.o branches to a veneer of its own,
 *	adrp x16, sym; add x16, x16, :lo12:sym; br x16
 * whose ADRP and ADD livegraft.ko writes (4 GiB of reach).
 */
#include <err.h>
#include <stdlib.h>
#include <string.h>
#include "lg-diff.h"

#define VENEER_SIZE 12

struct veneer {
	const char *name;
	long addend;
	GElf_Addr offset;
};

static struct lgsec *vsec;
static struct veneer *veneers;
static size_t nveneers;

static void put32(unsigned char *p, unsigned int v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static struct lgsec *veneer_section(struct lgdiff *d)
{
	if (vsec)
		return vsec;
	vsec = calloc(1, sizeof(*vsec));
	if (!vsec)
		err(1, "calloc");
	vsec->name = ".text.lg_veneers";
	vsec->elf = &d->patched;
	vsec->sh.sh_type = SHT_PROGBITS;
	vsec->sh.sh_flags = SHF_ALLOC | SHF_EXECINSTR;
	vsec->sh.sh_addralign = 4;
	vsec->include = true;
	vsec->outrelas = calloc(1, sizeof(struct lgrela));
	lg_add_extra(d, vsec);
	return vsec;
}

int lg_arm64_veneer(struct lgdiff *d, struct lgsec *sec, struct lgrela *r,
		    struct lgsym *target, long addend)
{
	const char *name = target->twin ? target->twin->name : target->name;
	struct lgsec *v = veneer_section(d);
	struct lgrela *k;
	struct veneer *n;
	GElf_Addr off;
	size_t i;

	for (i = 0; i < nveneers; i++)
		if (!strcmp(veneers[i].name, name) && veneers[i].addend == addend)
			break;
	if (i == nveneers) {
		off = v->sh.sh_size;
		v->buf = realloc(v->buf, off + VENEER_SIZE);
		n = realloc(veneers, (nveneers + 1) * sizeof(*veneers));
		if (!v->buf || !n)
			err(1, "realloc");
		veneers = n;
		veneers[nveneers++] = (struct veneer){ name, addend, off };
		put32(v->buf + off, 0x90000010);	/* adrp x16, 0 */
		put32(v->buf + off + 4, 0x91000210);	/* add x16, x16, #0 */
		put32(v->buf + off + 8, 0xd61f0200);	/* br x16 */
		v->sh.sh_size += VENEER_SIZE;
		lg_add_record(d, v, off, R_AARCH64_ADR_PREL_PG_HI21, target, addend);
		lg_add_record(d, v, off + 4, R_AARCH64_ADD_ABS_LO12_NC, target, addend);
	}
	k = &sec->outrelas[sec->noutrelas++];
	*k = *r;
	k->sym = v->secsym;
	k->addend = veneers[i].offset;
	return 0;
}
