// SPDX-License-Identifier: GPL-2.0
/*
 * correlate.c - pair every symbol and section of PATCHED.o with its twin
 * in ORIG.o.
 *
 * Names decide, except for the numbered statics GCC makes of static
 * locals (count.0, __already_done.3, __func__.1): a change elsewhere in the
 * file renumbers them. Such a symbol pairs with the one of the same base
 * name that the same function references; failing that, with the only
 * one of its base name.
 */
#include <ctype.h>
#include <string.h>
#include "lg-diff.h"

/*
 * The name without GCC's trailing ".<digits>", and without the counter of
 * the kernel's __UNIQUE_ID_<name><counter> (dynamic debug descriptors),
 * which a fix renumbers too; its length in @len.
 */
const char *lg_base_name(const char *name, size_t *len)
{
	size_t n = strlen(name), i = n;

	while (i > 0 && isdigit((unsigned char)name[i - 1]))
		i--;
	if (i > 0 && i < n && name[i - 1] == '.')
		n = i - 1;
	if (!strncmp(name, "__UNIQUE_ID_", 12))
		while (n > 12 && isdigit((unsigned char)name[n - 1]))
			n--;
	*len = n;
	return name;
}

static bool same_base(const char *a, const char *b)
{
	size_t la, lb;

	lg_base_name(a, &la);
	lg_base_name(b, &lb);
	return la == lb && !strncmp(a, b, la);
}

static bool numbered(const char *name)
{
	size_t n;

	lg_base_name(name, &n);
	return n != strlen(name);
}

static bool pairable(struct lgsym *s)
{
	return s->idx && s->type != STT_FILE && s->type != STT_SECTION &&
	       s->name[0] && s->name[0] != '$';
}

/*
 * The target of a relocation as a named symbol: the compiler often
 * reaches a static object through its section symbol.
 */
static struct lgsym *rela_target(struct lgsec *sec, struct lgrela *r)
{
	struct lgsym *s;

	if (r->sym->type != STT_SECTION || !r->sym->sec)
		return r->sym;
	s = lg_sym_at(r->sym->sec, r->addend + lg_rela_bias(sec, r));
	return s ? s : r->sym;
}

/* Name each static local's parent: the first function that references it. */
static void find_parents(struct lgelf *e)
{
	size_t i, j;

	for (i = 1; i < e->nsecs; i++) {
		struct lgsec *sec = &e->secs[i];

		if (!lg_is_text(sec))
			continue;
		for (j = 0; j < sec->nrelas; j++) {
			struct lgsym *t = rela_target(sec, &sec->relas[j]);
			struct lgsym *f;

			if (t->type != STT_OBJECT || t->bind != STB_LOCAL || t->parent)
				continue;
			f = lg_sym_at(sec, sec->relas[j].offset);
			if (f && f->type == STT_FUNC)
				t->parent = f;
		}
	}
}

static size_t count_base(struct lgelf *e, struct lgsym *s)
{
	size_t i, n = 0;

	for (i = 1; i < e->nsyms; i++)
		if (pairable(&e->syms[i]) && e->syms[i].bind == STB_LOCAL &&
		    e->syms[i].type == s->type && same_base(e->syms[i].name, s->name))
			n++;
	return n;
}

static void pair(struct lgsym *p, struct lgsym *o)
{
	p->twin = o;
	o->twin = p;
}

static struct lgsym *twin_of_local(struct lgdiff *d, struct lgsym *p)
{
	struct lgelf *o = &d->orig;
	struct lgsym *byname = NULL, *bybase = NULL;
	size_t i;

	for (i = 1; i < o->nsyms; i++) {
		struct lgsym *s = &o->syms[i];

		if (!pairable(s) || s->twin || s->bind != STB_LOCAL ||
		    s->type != p->type)
			continue;
		if (numbered(p->name) && same_base(s->name, p->name)) {
			/* Two functions' statics never pair, whatever their numbers. */
			if (p->parent && s->parent) {
				if (same_base(p->parent->name, s->parent->name))
					return s;
				continue;
			}
			bybase = s;
		}
		if (!strcmp(s->name, p->name))
			byname = s;
	}
	if (bybase && count_base(o, p) == 1 && count_base(&d->patched, p) == 1)
		return bybase;
	return byname;
}

static void correlate_symbols(struct lgdiff *d)
{
	struct lgelf *p = &d->patched;
	size_t i, pass;

	find_parents(&d->orig);
	find_parents(p);
	/* Globals and functions first, so that parents have twins. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 1; i < p->nsyms; i++) {
			struct lgsym *s = &p->syms[i], *o;

			if (!pairable(s) || s->twin)
				continue;
			if (s->bind != STB_LOCAL) {
				o = lg_find_sym(&d->orig, s->name);
				if (o && o->bind != STB_LOCAL && !o->twin)
					pair(s, o);
				continue;
			}
			if (pass == 0 && s->type == STT_OBJECT)
				continue;
			o = twin_of_local(d, s);
			if (o)
				pair(s, o);
		}
	}
}

/* The only named symbol of a section, when it has one. */
static struct lgsym *sole_symbol(struct lgsec *sec)
{
	struct lgelf *e = sec->elf;
	struct lgsym *only = NULL;
	size_t i;

	for (i = 1; i < e->nsyms; i++) {
		if (e->syms[i].sec != sec || !pairable(&e->syms[i]))
			continue;
		if (only)
			return NULL;
		only = &e->syms[i];
	}
	return only;
}

static void pair_sections(struct lgsec *sec, struct lgsec *o)
{
	sec->twin = o;
	o->twin = sec;
	if (sec->secsym && o->secsym) {
		sec->secsym->twin = o->secsym;
		o->secsym->twin = sec->secsym;
	}
}

/*
 * A section that holds one renumbered static follows its symbol; the
 * others pair by name.
 */
static void correlate_sections(struct lgdiff *d)
{
	struct lgelf *p = &d->patched;
	size_t i;

	for (i = 1; i < p->nsecs; i++) {
		struct lgsec *sec = &p->secs[i];
		struct lgsym *s;

		if (sec->sh.sh_type == SHT_RELA || lg_is_ignored(sec))
			continue;
		s = sole_symbol(sec);
		if (s && numbered(s->name) && s->twin && s->twin->sec &&
		    !s->twin->sec->twin)
			pair_sections(sec, s->twin->sec);
	}
	for (i = 1; i < p->nsecs; i++) {
		struct lgsec *sec = &p->secs[i], *o;

		if (sec->twin || sec->sh.sh_type == SHT_RELA || lg_is_ignored(sec))
			continue;
		o = lg_find_sec(&d->orig, sec->name);
		if (o && !o->twin)
			pair_sections(sec, o);
	}
}

void lg_correlate(struct lgdiff *d)
{
	correlate_symbols(d);
	correlate_sections(d);
}
