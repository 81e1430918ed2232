// SPDX-License-Identifier: GPL-2.0
/*
 * elf.c - load a relocatable object into struct lgelf, and the small
 * questions the other files ask of its sections and symbols.
 */
#include <err.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lg-diff.h"

#ifndef EM_AARCH64
#define EM_AARCH64 183
#endif

static int rela_cmp(const void *a, const void *b)
{
	const struct lgrela *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static int load_sections(struct lgelf *e, size_t shstrndx)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(e->elf, scn))) {
		size_t i = elf_ndxscn(scn);
		struct lgsec *sec = &e->secs[i];
		Elf_Data *data;

		sec->idx = i;
		sec->elf = e;
		if (!gelf_getshdr(scn, &sec->sh))
			return -1;
		sec->name = elf_strptr(e->elf, shstrndx, sec->sh.sh_name);
		if (!sec->name)
			return -1;
		if (sec->sh.sh_type == SHT_REL) {
			warnx("%s: section %s: SHT_REL is not supported",
			      e->path, sec->name);
			return -1;
		}
		if (sec->sh.sh_type == SHT_NOBITS || !sec->sh.sh_size)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data || data->d_size != sec->sh.sh_size)
			return -1;
		sec->buf = data->d_buf;
		sec->data = data;
	}
	return 0;
}

static int load_symbols(struct lgelf *e)
{
	struct lgsec *symtab = NULL;
	size_t i;

	for (i = 1; i < e->nsecs; i++)
		if (e->secs[i].sh.sh_type == SHT_SYMTAB)
			symtab = &e->secs[i];
	if (!symtab) {
		warnx("%s: no symbol table", e->path);
		return -1;
	}
	e->nsyms = symtab->sh.sh_size / sizeof(Elf64_Sym);
	e->syms = calloc(e->nsyms, sizeof(*e->syms));
	if (!e->syms)
		return -1;
	for (i = 0; i < e->nsyms; i++) {
		struct lgsym *s = &e->syms[i];

		s->idx = i;
		if (!gelf_getsym(symtab->data, i, &s->sym))
			return -1;
		s->type = GELF_ST_TYPE(s->sym.st_info);
		s->bind = GELF_ST_BIND(s->sym.st_info);
		s->name = elf_strptr(e->elf, symtab->sh.sh_link, s->sym.st_name);
		if (!s->name)
			return -1;
		if (s->sym.st_shndx != SHN_UNDEF && s->sym.st_shndx < SHN_LORESERVE &&
		    s->sym.st_shndx < e->nsecs)
			s->sec = &e->secs[s->sym.st_shndx];
		else if (s->sym.st_shndx == SHN_XINDEX) {
			warnx("%s: extended section indexes are not supported",
			      e->path);
			return -1;
		}
		if (s->type == STT_SECTION && s->sec) {
			s->name = s->sec->name;
			s->sec->secsym = s;
		}
	}
	return 0;
}

/*
 * The compiler's local labels (.LC91: a string an asm statement named)
 * are renumbered by any change: refer to what they label by section and
 * offset, as to anything anonymous.
 */
static bool is_label(struct lgsym *s)
{
	return s->bind == STB_LOCAL && s->sec && !strncmp(s->name, ".L", 2);
}

struct lgsym *lg_section_symbol(struct lgsec *sec)
{
	struct lgsym *s;

	if (sec->secsym)
		return sec->secsym;
	s = calloc(1, sizeof(*s));
	if (!s)
		err(1, "calloc");
	s->name = sec->name;
	s->type = STT_SECTION;
	s->bind = STB_LOCAL;
	s->sec = sec;
	sec->secsym = s;
	return s;
}

static int load_relas(struct lgelf *e)
{
	size_t i, j;

	for (i = 1; i < e->nsecs; i++) {
		struct lgsec *r = &e->secs[i];

		if (r->sh.sh_type != SHT_RELA)
			continue;
		if (r->sh.sh_info >= e->nsecs)
			return -1;
		r->base = &e->secs[r->sh.sh_info];
		r->base->rela = r;
		r->base->nrelas = r->sh.sh_size / sizeof(Elf64_Rela);
		r->base->relas = calloc(r->base->nrelas + 1, sizeof(struct lgrela));
		if (!r->base->relas)
			return -1;
		for (j = 0; j < r->base->nrelas; j++) {
			struct lgrela *rel = &r->base->relas[j];
			GElf_Rela ra;

			if (!gelf_getrela(r->data, j, &ra) ||
			    GELF_R_SYM(ra.r_info) >= e->nsyms)
				return -1;
			rel->offset = ra.r_offset;
			rel->type = GELF_R_TYPE(ra.r_info);
			rel->addend = ra.r_addend;
			rel->sym = &e->syms[GELF_R_SYM(ra.r_info)];
			if (is_label(rel->sym)) {
				rel->addend += rel->sym->sym.st_value;
				rel->sym = lg_section_symbol(rel->sym->sec);
			}
		}
		qsort(r->base->relas, r->base->nrelas, sizeof(struct lgrela),
		      rela_cmp);
	}
	return 0;
}

int lg_elf_open(struct lgelf *e, const char *path)
{
	size_t shstrndx;

	e->path = path;
	e->fd = open(path, O_RDONLY);
	if (e->fd < 0) {
		warn("%s", path);
		return -1;
	}
	e->elf = elf_begin(e->fd, ELF_C_READ, NULL);
	if (!e->elf || elf_kind(e->elf) != ELF_K_ELF || !gelf_getehdr(e->elf, &e->eh)) {
		warnx("%s: not an ELF object", path);
		return -1;
	}
	if (e->eh.e_type != ET_REL || gelf_getclass(e->elf) != ELFCLASS64 ||
	    (e->eh.e_machine != EM_X86_64 && e->eh.e_machine != EM_AARCH64)) {
		warnx("%s: not a 64-bit x86_64 or arm64 relocatable object", path);
		return -1;
	}
	if (elf_getshdrnum(e->elf, &e->nsecs) || elf_getshdrstrndx(e->elf, &shstrndx))
		return -1;
	e->secs = calloc(e->nsecs, sizeof(*e->secs));
	if (!e->secs)
		return -1;
	e->secs[0].name = "";
	if (load_sections(e, shstrndx) || load_symbols(e) || load_relas(e)) {
		warnx("%s: cannot read: %s", path, elf_errmsg(-1));
		return -1;
	}
	return 0;
}

void lg_elf_close(struct lgelf *e)
{
	if (e->elf)
		elf_end(e->elf);
	if (e->fd >= 0)
		close(e->fd);
}

struct lgsec *lg_find_sec(struct lgelf *e, const char *name)
{
	size_t i;

	for (i = 1; i < e->nsecs; i++)
		if (!strcmp(e->secs[i].name, name))
			return &e->secs[i];
	return NULL;
}

struct lgsym *lg_find_sym(struct lgelf *e, const char *name)
{
	size_t i;

	for (i = 1; i < e->nsyms; i++)
		if (e->syms[i].type != STT_SECTION && !strcmp(e->syms[i].name, name))
			return &e->syms[i];
	return NULL;
}

/* arm64's mapping symbols ($x, $d) mark code and data, not objects. */
static bool is_mapping(struct lgsym *s)
{
	return s->name[0] == '$';
}

/*
 * lg_sym_at() - the function or object of @sec that holds byte @off, or
 * the only one the section has (-fdata-sections: one object per section,
 * which the compiler often reaches through the section symbol).
 */
struct lgsym *lg_sym_at(struct lgsec *sec, GElf_Addr off)
{
	struct lgelf *e = sec->elf;
	struct lgsym *only = NULL;
	size_t i, n = 0;

	for (i = 1; i < e->nsyms; i++) {
		struct lgsym *s = &e->syms[i];

		if (s->sec != sec || s->type == STT_SECTION || s->type == STT_FILE ||
		    is_mapping(s))
			continue;
		if (off >= s->sym.st_value && off < s->sym.st_value + s->sym.st_size)
			return s;
		only = s;
		n++;
	}
	return n == 1 ? only : NULL;
}

/*
 * x86: the size of the immediate that follows the 32-bit displacement at
 * @off of @sec, for the RIP-relative instructions GCC uses on data with
 * an immediate (cmpb $0, x(%rip); movb $1, x(%rip); ...).
 */
static long x86_imm_size(struct lgsec *sec, GElf_Addr off)
{
	unsigned char modrm, op, reg;
	bool opsize = false;

	if (!sec->buf || off < 3 || off + 4 > sec->sh.sh_size)
		return 0;
	modrm = sec->buf[off - 1];
	op = sec->buf[off - 2];
	if ((modrm & 0xc7) != 0x05)	/* not mod=00 rm=101: not RIP-relative */
		return 0;
	reg = (modrm >> 3) & 7;
	if (sec->buf[off - 3] == 0x0f)	/* two-byte opcodes: bt, shld, shrd */
		return op == 0xba || op == 0xa4 || op == 0xac;
	if (sec->buf[off - 3] == 0x66 ||
	    (off >= 4 && (sec->buf[off - 3] & 0xf0) == 0x40 && sec->buf[off - 4] == 0x66))
		opsize = true;
	switch (op) {
	case 0x80: case 0x83: case 0xc6: case 0x6b: case 0xc0: case 0xc1:
		return 1;
	case 0xf6:
		return reg < 2;
	case 0x81: case 0xc7: case 0x69:
		return opsize ? 2 : 4;
	case 0xf7:
		return reg < 2 ? (opsize ? 2 : 4) : 0;
	}
	return 0;
}

/*
 * lg_rela_bias() - what to add to a relocation's addend to get the offset
 * it refers to: an x86 PC-relative reference's addend is the target minus
 * the distance from the field to the end of the instruction, 4 plus any
 * immediate that follows.
 */
long lg_rela_bias(struct lgsec *sec, struct lgrela *r)
{
	if (sec->elf->eh.e_machine != EM_X86_64 ||
	    (r->type != R_X86_64_PC32 && r->type != R_X86_64_PLT32))
		return 0;
	if (!lg_is_text(sec))
		return 0;	/* data: the field itself is the reference point */
	return 4 + x86_imm_size(sec, r->offset);
}

bool lg_is_arm64(struct lgelf *e)
{
	return e->eh.e_machine == EM_AARCH64;
}

bool lg_is_strings(struct lgsec *sec)
{
	return (sec->sh.sh_flags & (SHF_MERGE | SHF_STRINGS)) ==
	       (SHF_MERGE | SHF_STRINGS);
}

bool lg_is_text(struct lgsec *sec)
{
	return sec->sh.sh_flags & SHF_EXECINSTR;
}

/*
 * Dynamic debug descriptors (pr_debug): bookkeeping of the function that
 * holds the pr_debug, line number included. OUT.o carries a copy of the
 * ones its functions use: the patch module's pr_debugs are its own.
 */
bool lg_is_dyndbg(struct lgsec *sec)
{
	return !strncmp(sec->name, "__dyndbg", 8);
}

/*
 * Sections OUT.o never needs: debug and unwind data, notes, discards, and
 * a KASAN kernel's registration of an object's globals (a constructor
 * that names the source file by its path, which differs between the two
 * trees): a patch module's memory has KASAN shadow that allows every
 * access, registered or not.
 */
bool lg_is_ignored(struct lgsec *sec)
{
	static const char * const prefixes[] = {
		".comment", ".note", ".debug", ".eh_frame", ".discard",
		".llvm_addrsig", ".BTF", ".symtab", ".strtab", ".shstrtab",
		".rela.debug", ".rela.eh_frame", ".rela.discard",
		".rela.BTF", ".text.startup._sub_I_", ".text.exit._sub_D_",
		".data..LASAN", ".init_array", ".fini_array",
		".rela.text.startup._sub_I_", ".rela.text.exit._sub_D_",
		".rela.data..LASAN", ".rela.init_array", ".rela.fini_array",
		NULL,
	};
	size_t i;

	if (!sec->idx)
		return true;
	for (i = 0; prefixes[i]; i++)
		if (!strncmp(sec->name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}
