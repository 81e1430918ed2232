// SPDX-License-Identifier: GPL-2.0
/*
 * special.c - the entries of the kernel's special sections that belong
 * to the functions OUT.o carries, each with its relocations.
 *
 * A special section is an array; an entry belongs to the function its
 * first field points into. OUT.o gets a copy of the section holding only
 * the entries of included functions. A section lg-diff does not know
 * that points into an included function refuses the fix, naming it.
 */
#include <err.h>
#include <stdlib.h>
#include <string.h>
#include "lg-diff.h"

/* lg_refuse() reasons, for the user */
#define KEY "%s: key '%s' is not exported: the module loader reads %s before livegraft can"
#define UNKNOWN "an included function has an entry in %s, which lg-diff does not carry yet"

/*
 * @size: bytes per entry, 0 = infer it from the spacing of the relocations
 *        (x86's struct alt_instr grew between 6.1 and 6.12)
 * @key:  offset of a key field (jump label, static call) in the entry, or -1
 * @load: the module loader applies the section when it loads the patch
 *        module, before livegraft.ko writes the reloc records: every
 *        reference in it must resolve without one
 */
struct special {
	const char *name;
	size_t size;
	int key;
	bool load;
};

static const struct special specials[] = {
	{ "__ex_table", 12, -1, false },
	{ "__bug_table", 12, -1, false },
	{ ".altinstructions", 0, -1, true },
	{ "__jump_table", 16, 8, true },
	{ ".static_call_sites", 8, 4, true },
	{ ".retpoline_sites", 4, -1, true },
	{ ".return_sites", 4, -1, true },
	{ ".call_sites", 4, -1, true },
	{ ".ibt_endbr_seal", 4, -1, true },
	{ ".orc_unwind_ip", 4, -1, true },
	{ ".parainstructions", 16, -1, true },
	{ ".smp_locks", 4, -1, true },
	{ "__patchable_function_entries", 8, -1, true },
	{ "__mcount_loc", 8, -1, true },
	{ NULL }
};

/* Carried whole when any entry refers to them, or by their pair. */
static const char * const companions[] = {
	".altinstr_replacement", ".orc_unwind", NULL
};

static const struct special *find_special(const char *name)
{
	const struct special *s;

	for (s = specials; s->name; s++)
		if (!strcmp(s->name, name))
			return s;
	return NULL;
}

static bool is_companion(const char *name)
{
	size_t i;

	for (i = 0; companions[i]; i++)
		if (!strcmp(companions[i], name))
			return true;
	return false;
}

/* Does a section only describe code (ftrace sites, ORC, alternatives...)? */
bool lg_is_special(struct lgsec *sec)
{
	return find_special(sec->name) || is_companion(sec->name) ||
	       !strcmp(sec->name, "__bug_table");
}

/* The section and offset a relocation in data points at (no bias). */
static struct lgsec *target_sec(struct lgrela *r)
{
	return r->sym->sec;
}

static size_t entry_size(struct lgdiff *d, struct lgsec *sec,
			 const struct special *sp)
{
	size_t size = sp->size;

	if (!size)
		size = sec->nrelas >= 4 ? sec->relas[2].offset - sec->relas[0].offset :
		       sec->sh.sh_size;
	if (!size || sec->sh.sh_size % size) {
		lg_refuse(d, "%s: size %lu is not a multiple of its entry size %zu",
			  sec->name, (unsigned long)sec->sh.sh_size, size);
		return 0;
	}
	return size;
}

/*
 * replacements() - cut the replacement instructions of the kept
 * .altinstructions entries out of .altinstr_replacement. An entry's
 * second field points at them, its last byte is their length (struct
 * alt_instr on x86 6.1 and 6.12, arm64). apply_alternatives() copies them
 * at load time: they must need no reloc record either.
 */
static void replacements(struct lgdiff *d, struct lgsec *alt, size_t size)
{
	struct lgsec *rs = lg_find_sec(&d->patched, ".altinstr_replacement");
	unsigned char *buf;
	struct lgrela *relas;
	size_t i, j, out = 0, nr = 0;

	if (!rs || !alt->include)
		return;
	buf = calloc(rs->sh.sh_size + 1, 1);
	relas = calloc(rs->nrelas + 1, sizeof(*relas));
	if (!buf || !relas)
		err(1, "calloc");
	for (i = 0; i < alt->nrelas; i++) {
		struct lgrela *r = &alt->relas[i];
		GElf_Addr start = r->offset - r->offset % size;
		size_t len = alt->buf[start + size - 1];

		if (r->offset != start + 4 || target_sec(r) != rs)
			continue;
		if (r->addend < 0 || r->addend + len > rs->sh.sh_size) {
			lg_refuse(d, ".altinstructions+%#lx: replacement out of its section",
				  (unsigned long)start);
			return;
		}
		memcpy(buf + out, rs->buf + r->addend, len);
		for (j = 0; j < rs->nrelas; j++) {
			struct lgrela *q = &rs->relas[j];

			if (q->offset < (GElf_Addr)r->addend || q->offset >= r->addend + len)
				continue;
			relas[nr] = *q;
			relas[nr++].offset = q->offset - r->addend + out;
		}
		r->addend = out;
		out += len;
	}
	rs->buf = buf;
	rs->sh.sh_size = out;
	rs->relas = relas;
	rs->nrelas = nr;
	rs->special = true;
	rs->loadtime = true;
	rs->include = out > 0;
}

/* An exported key or one OUT.o defines is resolved by the module loader. */
static bool key_ok(struct lgdiff *d, struct lgrela *r, const char *sec)
{
	struct lgsym *t = r->sym;

	if (t->type == STT_SECTION && t->sec)
		t = lg_sym_at(t->sec, r->addend);
	if (t && (t->include || (t->bind != STB_LOCAL && lg_symvers_has(t->name)) ||
		  (t->sec && lg_is_dyndbg(t->sec))))
		return true;
	lg_refuse(d, KEY, sec, t ? t->name : "(anonymous)", sec);
	return false;
}

static void keep_entries(struct lgdiff *d, struct lgsec *sec, const struct special *sp,
			 bool *kept)
{
	size_t size = entry_size(d, sec, sp), n, i, j = 0, out = 0, nr = 0;
	unsigned char *buf;
	struct lgrela *relas;

	if (!size)
		return;
	n = sec->sh.sh_size / size;
	buf = calloc(sec->sh.sh_size + 1, 1);
	relas = calloc(sec->nrelas + 1, sizeof(*relas));
	if (!buf || !relas)
		err(1, "calloc");
	for (i = 0; i < n; i++) {
		GElf_Addr start = i * size;
		bool in;
		size_t k;

		while (j < sec->nrelas && sec->relas[j].offset < start)
			j++;
		in = j < sec->nrelas && sec->relas[j].offset == start &&
		     target_sec(&sec->relas[j]) && target_sec(&sec->relas[j])->include &&
		     lg_is_text(target_sec(&sec->relas[j]));
		kept[i] = in;
		if (!in)
			continue;
		if (sec->buf)
			memcpy(buf + out, sec->buf + start, size);
		for (k = j; k < sec->nrelas && sec->relas[k].offset < start + size; k++) {
			if (sp->key >= 0 && sec->relas[k].offset == start + sp->key &&
			    !key_ok(d, &sec->relas[k], sec->name))
				continue;
			relas[nr] = sec->relas[k];
			relas[nr++].offset -= start - out;
		}
		out += size;
	}
	sec->buf = buf;
	sec->sh.sh_size = out;
	sec->relas = relas;
	sec->nrelas = nr;
	sec->special = true;
	sec->loadtime = sp->load;
	sec->include = out > 0;
	if (!strcmp(sec->name, ".altinstructions"))
		replacements(d, sec, size);
}

/* .orc_unwind holds the entries .orc_unwind_ip indexes, 6 bytes each. */
static void keep_orc(struct lgdiff *d, struct lgsec *orc, const bool *kept, size_t n)
{
	unsigned char *buf;
	size_t i, out = 0;

	if (orc->sh.sh_size != n * 6) {
		lg_refuse(d, ".orc_unwind has %lu bytes for %zu .orc_unwind_ip entries",
			  (unsigned long)orc->sh.sh_size, n);
		return;
	}
	buf = calloc(orc->sh.sh_size + 1, 1);
	if (!buf)
		err(1, "calloc");
	for (i = 0; i < n; i++)
		if (kept[i]) {
			memcpy(buf + out, orc->buf + i * 6, 6);
			out += 6;
		}
	orc->buf = buf;
	orc->sh.sh_size = out;
	orc->special = true;
	orc->include = out > 0;
}

static bool ordinary(const char *name)
{
	static const char * const prefixes[] = {
		".text", ".data", ".rodata", ".bss", ".init.", ".exit.", ".ref.",
		".rela", ".modinfo", "__ksymtab", "___ksymtab", "__kcrctab",
		"__param", NULL,
	};
	size_t i;

	for (i = 0; prefixes[i]; i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/* A section lg-diff does not carry must not hold entries of what it includes. */
static void check_unknown(struct lgdiff *d)
{
	struct lgelf *e = &d->patched;
	size_t i, j;

	for (i = 1; i < e->nsecs; i++) {
		struct lgsec *sec = &e->secs[i];

		if (lg_is_ignored(sec) || sec->special || is_companion(sec->name) ||
		    find_special(sec->name) || ordinary(sec->name) ||
		    lg_is_runtime_const(sec))
			continue;
		for (j = 0; j < sec->nrelas; j++) {
			struct lgsec *t = target_sec(&sec->relas[j]);

			if (t && t->include && lg_is_text(t)) {
				lg_refuse(d, UNKNOWN,
					  sec->name);
				break;
			}
		}
	}
}

int lg_special(struct lgdiff *d)
{
	struct lgelf *e = &d->patched;
	struct lgsec *ip = NULL, *orc;
	bool *kept = NULL;
	size_t i, nip = 0;

	for (i = 1; i < e->nsecs; i++) {
		struct lgsec *sec = &e->secs[i];
		const struct special *sp = find_special(sec->name);
		bool *k;

		if (!sp)
			continue;
		k = calloc(sec->sh.sh_size + 1, sizeof(bool));
		if (!k)
			err(1, "calloc");
		if (!strcmp(sec->name, ".orc_unwind_ip"))
			nip = sec->sh.sh_size / 4;
		keep_entries(d, sec, sp, k);
		if (!strcmp(sec->name, ".orc_unwind_ip")) {
			ip = sec;
			kept = k;
		} else {
			free(k);
		}
	}
	orc = lg_find_sec(e, ".orc_unwind");
	if (ip && orc)
		keep_orc(d, orc, kept, nip);
	free(kept);
	check_unknown(d);
	return d->refused ? -1 : 0;
}
