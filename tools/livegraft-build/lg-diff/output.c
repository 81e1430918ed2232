// SPDX-License-Identifier: GPL-2.0
/*
 * output.c - write OUT.o: the included sections, their kept relocations,
 * and a symbol table of section symbols, the included functions and data
 * (changed ones under their lg_ names), the lg_<P>_sec_<n> symbols the
 * reloc records use, and the exported symbols left to the module loader.
 */
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lg-diff.h"

struct strtab {
	char *buf;
	size_t len;
};

static size_t add_str(struct strtab *t, const char *s)
{
	size_t n = strlen(s) + 1, off = t->len;

	t->buf = realloc(t->buf, t->len + n);
	if (!t->buf)
		err(1, "realloc");
	memcpy(t->buf + off, s, n);
	t->len += n;
	return off;
}

struct out {
	struct lgsec **secs;		/* OUT.o's sections, index 1.. */
	size_t nsecs;
	Elf64_Sym *syms;
	size_t nsyms;
	struct strtab str, shstr;
};

static void add_sec(struct out *o, struct lgsec *sec)
{
	o->secs = realloc(o->secs, (o->nsecs + 1) * sizeof(*o->secs));
	if (!o->secs)
		err(1, "realloc");
	o->secs[o->nsecs] = sec;
	sec->outidx = o->nsecs++;
}

static size_t add_sym(struct out *o, const char *name, unsigned char bind,
		      unsigned char type, size_t shndx, GElf_Addr value, GElf_Xword size)
{
	Elf64_Sym *s;

	o->syms = realloc(o->syms, (o->nsyms + 1) * sizeof(*o->syms));
	if (!o->syms)
		err(1, "realloc");
	s = &o->syms[o->nsyms];
	memset(s, 0, sizeof(*s));
	s->st_name = name && *name ? add_str(&o->str, name) : 0;
	s->st_info = GELF_ST_INFO(bind, type);
	s->st_shndx = shndx;
	s->st_value = value;
	s->st_size = size;
	return o->nsyms++;
}

/* The sections, then the symbols: locals first, as ELF wants. */
static size_t build_symbols(struct lgdiff *d, struct out *o)
{
	struct lgelf *e = &d->patched;
	size_t i, first_global, pass;

	add_sym(o, NULL, STB_LOCAL, STT_NOTYPE, SHN_UNDEF, 0, 0);
	for (i = 1; i < o->nsecs; i++) {
		struct lgsym *ss = o->secs[i]->secsym;
		size_t idx = add_sym(o, NULL, STB_LOCAL, STT_SECTION, i, 0, 0);

		if (ss)
			ss->outidx = idx;
	}
	first_global = 0;
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1)
			first_global = o->nsyms;
		for (i = 1; i < e->nsyms; i++) {
			struct lgsym *s = &e->syms[i];
			bool global = s->outname || s->bind != STB_LOCAL;
			unsigned char bind = s->outname ? STB_GLOBAL : s->bind;

			if (global != pass)
				continue;
			if (s->include && s->type != STT_SECTION)
				s->outidx = add_sym(o, s->outname ? s->outname : s->name,
						    bind, s->type,
						    s->outsec ? s->outsec->outidx : s->sec->outidx,
						    s->outsec ? 0 : s->sym.st_value,
						    s->sym.st_size);
			else if (s->external && pass == 1)
				s->outidx = add_sym(o, s->name, STB_GLOBAL, STT_NOTYPE,
						    SHN_UNDEF, 0, 0);
		}
	}
	for (i = 0; i < d->nmade; i++)
		if (d->made[i]->external)
			d->made[i]->outidx = add_sym(o, d->made[i]->name, STB_GLOBAL,
						     STT_NOTYPE, SHN_UNDEF, 0, 0);
	for (i = 1; i < o->nsecs; i++) {
		struct lgsec *sec = o->secs[i];
		char *name;

		if (!sec->needs_secsym)
			continue;
		if (asprintf(&name, "lg_%s%ssec_%zu", d->prefix ? d->prefix : "",
			     d->prefix ? "_" : "", i) < 0)
			err(1, "asprintf");
		sec->outsym = name;
		add_sym(o, name, STB_GLOBAL, STT_NOTYPE, i, 0, 0);
	}
	return first_global;
}

static size_t sym_index(struct lgsym *s)
{
	if (s->type == STT_SECTION)
		return s->sec->secsym->outidx;
	return s->outidx;
}

static void new_section(Elf *elf, struct out *o, const char *name, GElf_Word type,
			GElf_Xword flags, void *buf, size_t size, Elf_Type dtype,
			GElf_Xword align, GElf_Xword entsize, GElf_Word link,
			GElf_Word info)
{
	Elf_Scn *scn = elf_newscn(elf);
	Elf_Data *data = scn ? elf_newdata(scn) : NULL;
	GElf_Shdr sh;

	if (!data || !gelf_getshdr(scn, &sh))
		errx(1, "libelf: %s", elf_errmsg(-1));
	data->d_buf = buf;
	data->d_size = size;
	data->d_type = dtype;
	data->d_align = align ? align : 1;
	sh.sh_name = add_str(&o->shstr, name);
	sh.sh_type = type;
	sh.sh_flags = flags;
	sh.sh_addralign = align;
	sh.sh_entsize = entsize;
	sh.sh_link = link;
	sh.sh_info = info;
	if (!gelf_update_shdr(scn, &sh))
		errx(1, "libelf: %s", elf_errmsg(-1));
}

/* Its own name must be in it before its buffer is handed over. */
static void add_shstrtab(Elf *elf, struct out *o)
{
	size_t name = add_str(&o->shstr, ".shstrtab");
	Elf_Scn *scn = elf_newscn(elf);
	Elf_Data *data = scn ? elf_newdata(scn) : NULL;
	GElf_Shdr sh;

	if (!data || !gelf_getshdr(scn, &sh))
		errx(1, "libelf: %s", elf_errmsg(-1));
	data->d_buf = o->shstr.buf;
	data->d_size = o->shstr.len;
	data->d_type = ELF_T_BYTE;
	data->d_align = 1;
	sh.sh_name = name;
	sh.sh_type = SHT_STRTAB;
	sh.sh_addralign = 1;
	if (!gelf_update_shdr(scn, &sh))
		errx(1, "libelf: %s", elf_errmsg(-1));
}

static Elf64_Rela *build_relas(struct lgsec *sec)
{
	Elf64_Rela *r = calloc(sec->noutrelas + 1, sizeof(*r));
	size_t i;

	if (!r)
		err(1, "calloc");
	for (i = 0; i < sec->noutrelas; i++) {
		r[i].r_offset = sec->outrelas[i].offset;
		r[i].r_info = ELF64_R_INFO(sym_index(sec->outrelas[i].sym),
					   sec->outrelas[i].type);
		r[i].r_addend = sec->outrelas[i].addend;
	}
	return r;
}

int lg_write_out(struct lgdiff *d, const char *path)
{
	struct lgelf *e = &d->patched;
	struct out o = { 0 };
	size_t i, nrela = 0, symtab, first_global;
	struct lgsec null = { 0 };
	GElf_Ehdr eh;
	Elf *elf;
	int fd;

	add_str(&o.str, "");
	add_str(&o.shstr, "");
	add_sec(&o, &null);
	for (i = 1; i < e->nsecs; i++)
		if (e->secs[i].include)
			add_sec(&o, &e->secs[i]);
	for (i = 0; i < d->nextra; i++)
		add_sec(&o, d->extra[i]);
	for (i = 1; i < o.nsecs; i++)
		if (o.secs[i]->noutrelas)
			nrela++;
	symtab = o.nsecs + nrela;
	first_global = build_symbols(d, &o);

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		err(1, "%s", path);
	elf = elf_begin(fd, ELF_C_WRITE, NULL);
	if (!elf || !gelf_newehdr(elf, ELFCLASS64) || !gelf_getehdr(elf, &eh))
		errx(1, "libelf: %s", elf_errmsg(-1));
	eh.e_ident[EI_DATA] = e->eh.e_ident[EI_DATA];
	eh.e_ident[EI_OSABI] = e->eh.e_ident[EI_OSABI];
	eh.e_type = ET_REL;
	eh.e_machine = e->eh.e_machine;
	eh.e_version = EV_CURRENT;
	eh.e_flags = e->eh.e_flags;
	eh.e_shstrndx = symtab + 2;

	for (i = 1; i < o.nsecs; i++) {
		struct lgsec *s = o.secs[i];

		/* Groups and link order do not survive: OUT.o has its own layout. */
		GElf_Xword flags = s->sh.sh_flags & ~(SHF_GROUP | SHF_LINK_ORDER);

		new_section(elf, &o, s->name, s->sh.sh_type, flags,
			    s->sh.sh_type == SHT_NOBITS ? NULL : s->buf, s->sh.sh_size,
			    ELF_T_BYTE, s->sh.sh_addralign, s->sh.sh_entsize, 0, 0);
	}
	for (i = 1; i < o.nsecs; i++) {
		struct lgsec *s = o.secs[i];
		char *name;

		if (!s->noutrelas)
			continue;
		if (asprintf(&name, ".rela%s", s->name) < 0)
			err(1, "asprintf");
		new_section(elf, &o, name, SHT_RELA, SHF_INFO_LINK, build_relas(s),
			    s->noutrelas * sizeof(Elf64_Rela), ELF_T_RELA, 8,
			    sizeof(Elf64_Rela), symtab, i);
	}
	new_section(elf, &o, ".symtab", SHT_SYMTAB, 0, o.syms,
		    o.nsyms * sizeof(Elf64_Sym), ELF_T_SYM, 8, sizeof(Elf64_Sym),
		    symtab + 1, first_global);
	new_section(elf, &o, ".strtab", SHT_STRTAB, 0, o.str.buf, o.str.len,
		    ELF_T_BYTE, 1, 0, 0, 0);
	add_shstrtab(elf, &o);
	if (!gelf_update_ehdr(elf, &eh) || elf_update(elf, ELF_C_WRITE) < 0)
		errx(1, "%s: %s", path, elf_errmsg(-1));
	elf_end(elf);
	close(fd);
	return 0;
}
