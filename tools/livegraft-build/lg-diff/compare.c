// SPDX-License-Identifier: GPL-2.0
/*
 * compare.c - which functions and objects of PATCHED.o differ from their
 * twins in ORIG.o, and the changes lg-diff refuses.
 *
 * A function differs when its bytes or its relocations do. Relocation
 * targets compare by what they mean, not where they are: a symbol by its
 * twin, a string of a mergeable string section by its text (one changed
 * string moves every later one), other anonymous constants by their bytes.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lg-diff.h"

/* lg_refuse() reasons, for the user */
#define INIT_EXIT "%s '%s' in %s %s: __init and __exit code and data cannot be live patched"

static const char *string_at(struct lgsec *sec, long off, long *start)
{
	long s = off;

	if (!sec->buf || off < 0 || (GElf_Xword)off >= sec->sh.sh_size)
		return NULL;
	while (s > 0 && sec->buf[s - 1])
		s--;
	*start = s;
	return (const char *)sec->buf + s;
}

/*
 * Equal but for the line numbers of "file.c:123" (the kernel's fortify
 * and assertion messages carry __FILE__ ":" __LINE__ in the string).
 */
static bool same_but_lines(const char *x, const char *y)
{
	const char *start = x;

	while (*x && *x == *y) {
		bool line = *x == ':' && x - start >= 2 &&
			    (x[-1] == 'c' || x[-1] == 'h') && x[-2] == '.';

		x++;
		y++;
		if (line && isdigit((unsigned char)*x) && isdigit((unsigned char)*y)) {
			while (isdigit((unsigned char)*x))
				x++;
			while (isdigit((unsigned char)*y))
				y++;
		}
	}
	return *x == *y;
}

static bool strings_equal(struct lgrela *a, long bias_a, struct lgrela *b,
			  long bias_b)
{
	long sa, sb;
	const char *x = string_at(a->sym->sec, a->addend + bias_a, &sa);
	const char *y = string_at(b->sym->sec, b->addend + bias_b, &sb);

	if (!x || !y) {
		/*
		 * Past the end: arm64's ADRP of a "string + 10" that only
		 * needs its page. The same place of the same strings.
		 */
		struct lgsec *p = a->sym->sec, *o = b->sym->sec;

		return !x && !y && a->addend == b->addend && p->buf && o->buf &&
		       p->sh.sh_size == o->sh.sh_size &&
		       !memcmp(p->buf, o->buf, p->sh.sh_size);
	}
	return same_but_lines(x, y) && a->addend - sa == b->addend - sb;
}

/* Anonymous constants (.rodata.cst16, ...): their bytes decide. */
static bool constants_equal(struct lgrela *a, long bias_a, struct lgrela *b,
			    long bias_b)
{
	struct lgsec *x = a->sym->sec, *y = b->sym->sec;
	GElf_Xword n = x->sh.sh_entsize;
	long oa = a->addend + bias_a, ob = b->addend + bias_b;

	if (!n || n != y->sh.sh_entsize || !x->buf || !y->buf || oa < 0 || ob < 0 ||
	    oa + n > x->sh.sh_size || ob + n > y->sh.sh_size)
		return false;
	return a->addend - oa == b->addend - ob &&
	       !memcmp(x->buf + oa, y->buf + ob, n);
}

static bool sections_equal(struct lgdiff *d, struct lgsec *p, struct lgsec *o);

bool lg_rela_equal(struct lgdiff *d, struct lgsec *pa, struct lgrela *a,
		   struct lgsec *ob, struct lgrela *b)
{
	long ba = lg_rela_bias(pa, a);
	long bb = lg_rela_bias(ob, b);
	struct lgsym *x = a->sym, *y = b->sym;

	if (a->type != b->type)
		return false;
	if (x->type == STT_SECTION && y->type == STT_SECTION && x->sec && y->sec) {
		struct lgsym *nx = lg_sym_at(x->sec, a->addend + ba);
		struct lgsym *ny = lg_sym_at(y->sec, b->addend + bb);

		if (lg_is_strings(x->sec) && lg_is_strings(y->sec))
			return strings_equal(a, ba, b, bb);
		if (x->sec->sh.sh_flags & SHF_MERGE)
			return constants_equal(a, ba, b, bb);
		if (nx && ny)
			return nx->twin == ny &&
			       a->addend - (long)nx->sym.st_value ==
			       b->addend - (long)ny->sym.st_value;
		/* Anonymous data, a jump table: the same bytes at the same place. */
		return x->sec->twin == y->sec && a->addend == b->addend &&
		       sections_equal(d, x->sec, y->sec);
	}
	if (x->type == STT_SECTION || y->type == STT_SECTION)
		return false;
	return x->twin == y && a->addend == b->addend;
}

static size_t first_rela(struct lgsec *sec, GElf_Addr off)
{
	size_t i = 0;

	while (i < sec->nrelas && sec->relas[i].offset < off)
		i++;
	return i;
}

/* Set when the last ranges_equal() of code saw only line numbers move. */
static bool lines_moved;

/* Bytes [po, po + size) of @p and [oo, oo + size) of @o, relocations included. */
static bool ranges_equal(struct lgdiff *d, struct lgsec *p, GElf_Addr po,
			 struct lgsec *o, GElf_Addr oo, GElf_Xword size)
{
	size_t i = first_rela(p, po), j = first_rela(o, oo);

	lines_moved = false;
	if (p->sh.sh_type != o->sh.sh_type)
		return false;
	if (p->buf && o->buf && memcmp(p->buf + po, o->buf + oo, size)) {
		if (!lg_is_text(p) || !lg_lines_only(p, po, o, oo, size)) {
			if (getenv("LG_DEBUG"))
				fprintf(stderr, "lg-diff: %s+%#lx: the bytes differ\n",
					p->name, (unsigned long)po);
			return false;
		}
		lines_moved = true;
	}
	for (;;) {
		bool pin = i < p->nrelas && p->relas[i].offset < po + size;
		bool oin = j < o->nrelas && o->relas[j].offset < oo + size;

		if (!pin || !oin)
			return pin == oin;
		if (p->relas[i].offset - po != o->relas[j].offset - oo ||
		    !lg_rela_equal(d, p, &p->relas[i], o, &o->relas[j])) {
			if (getenv("LG_DEBUG"))
				fprintf(stderr, "lg-diff: %s+%#lx: %s+%ld differs from %s+%ld\n",
					p->name, (unsigned long)p->relas[i].offset,
					p->relas[i].sym->name, p->relas[i].addend,
					o->relas[j].sym->name, o->relas[j].addend);
			return false;
		}
		i++;
		j++;
	}
}

static bool sections_equal(struct lgdiff *d, struct lgsec *p, struct lgsec *o)
{
	/* A jump table refers to its own function: stop the recursion there. */
	static int depth;
	bool eq;

	if (p->sh.sh_size != o->sh.sh_size || depth > 2)
		return p->sh.sh_size == o->sh.sh_size;
	depth++;
	eq = ranges_equal(d, p, 0, o, 0, p->sh.sh_size);
	depth--;
	return eq;
}

static bool symbols_equal(struct lgdiff *d, struct lgsym *p, struct lgsym *o)
{
	if (p->sym.st_size != o->sym.st_size || !o->sec)
		return false;
	return ranges_equal(d, p->sec, p->sym.st_value, o->sec, o->sym.st_value,
			    p->sym.st_size);
}

static bool is_init_exit(struct lgsec *sec)
{
	return !strncmp(sec->name, ".init.", 6) || !strncmp(sec->name, ".exit.", 6);
}

/* x86: "call __fentry__" at the entry, after an ENDBR if IBT is on. */
static bool x86_fentry(struct lgsym *f)
{
	struct lgsec *sec = f->sec;
	size_t i;

	for (i = first_rela(sec, f->sym.st_value); i < sec->nrelas; i++) {
		struct lgrela *r = &sec->relas[i];

		if (r->offset > f->sym.st_value + 9)
			break;
		if (!strcmp(r->sym->name, "__fentry__"))
			return true;
	}
	return false;
}

/*
 * arm64: an entry of __patchable_function_entries at the function, or up
 * to 8 bytes before it (6.12's DYNAMIC_FTRACE_WITH_CALL_OPS puts the ops
 * pointer's two NOPs ahead of the symbol).
 */
static bool arm64_fentry(struct lgelf *e, struct lgsym *f)
{
	size_t i, j;

	for (i = 1; i < e->nsecs; i++) {
		struct lgsec *pfe = &e->secs[i];

		if (strcmp(pfe->name, "__patchable_function_entries"))
			continue;
		for (j = 0; j < pfe->nrelas; j++) {
			struct lgrela *r = &pfe->relas[j];

			long at = (long)f->sym.st_value;

			if ((r->sym == f && r->addend <= 0 && r->addend >= -8) ||
			    (r->sym->type == STT_SECTION && r->sym->sec == f->sec &&
			     r->addend <= at && r->addend >= at - 8))
				return true;
		}
	}
	return false;
}

static void compare_symbols(struct lgdiff *d)
{
	struct lgelf *e = &d->patched;
	size_t i;

	for (i = 1; i < e->nsyms; i++) {
		struct lgsym *s = &e->syms[i];

		if ((s->type != STT_FUNC && s->type != STT_OBJECT) || !s->sec ||
		    lg_is_ignored(s->sec) || s->sec->sh.sh_type == SHT_RELA)
			continue;
		if (s->type == STT_FUNC)
			s->has_fentry = lg_is_arm64(e) ? arm64_fentry(e, s) : x86_fentry(s);
		if (lg_is_dyndbg(s->sec))
			continue;	/* copied when used, include.c */
		if (!s->twin)
			s->status = LG_NEW;
		else if (!symbols_equal(d, s, s->twin))
			s->status = LG_CHANGED;
		else if (lines_moved)
			lg_manifest("# %s: only line numbers changed", s->name);
		if (s->status == LG_SAME)
			continue;
		if (is_init_exit(s->sec)) {
			lg_refuse(d, INIT_EXIT,
				  s->type == STT_FUNC ? "function" : "data object",
				  s->name, s->sec->name,
				  s->status == LG_NEW ? "is new" : "changed");
		} else if (s->type == STT_OBJECT && s->status == LG_CHANGED) {
			lg_refuse(d, "data object '%s' changed its %s", s->name,
				  s->sym.st_size != s->twin->sym.st_size ?
				  "size" : "initial value");
		} else if (s->status == LG_CHANGED) {
			s->sec->status = LG_CHANGED;
		}
	}
}

/*
 * The export name of a symbol of EXPORT_SYMBOL's machinery (6.1:
 * __ksymtab_<name>, 6.12: __export_symbol_<name>), of a version
 * (__crc_<name>) with @crc set, or NULL.
 */
static const char *export_name(struct lgsym *s, bool *crc)
{
	static const char * const prefixes[] = {
		"__ksymtab_", "__export_symbol_", "__crc_", NULL,
	};
	size_t i;

	for (i = 0; prefixes[i]; i++)
		if (!strncmp(s->name, prefixes[i], strlen(prefixes[i]))) {
			*crc = i == 2;
			return s->name + strlen(prefixes[i]);
		}
	return NULL;
}

static void compare_exports(struct lgdiff *d)
{
	struct lgelf *objs[2] = { &d->patched, &d->orig };
	size_t k, i;

	for (k = 0; k < 2; k++) {
		struct lgelf *e = objs[k];

		for (i = 1; i < e->nsyms; i++) {
			struct lgsym *s = &e->syms[i];
			const char *name;
			bool crc;

			if (s->type == STT_SECTION || s->sym.st_shndx == SHN_UNDEF)
				continue;
			name = export_name(s, &crc);
			if (!name)
				continue;
			if (!s->twin)
				lg_refuse(d, "the fix %s the export '%s'",
					  k ? "removes" : "adds", name);
			else if (crc && !k && s->sym.st_value != s->twin->sym.st_value)
				lg_refuse(d, "the fix changes the version of the exported '%s'",
					  name);
		}
	}
}

void lg_compare(struct lgdiff *d)
{
	compare_exports(d);
	compare_symbols(d);
}
