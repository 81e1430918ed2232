// SPDX-License-Identifier: GPL-2.0
/*
 * include.c - what OUT.o carries, and what becomes of every reference
 * it makes.
 *
 * OUT.o carries the changed and new functions, new data, and the
 * anonymous constants (strings, literal pools) they reference. Every
 * other reference points into the running kernel: to an exported symbol
 * it stays an undefined symbol for the module loader; to anything else it
 * leaves OUT.o's relocations and becomes a record for livegraft.ko.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lg-diff.h"

/* lg_refuse() reasons, for the user */
#define SHARED "'%s' shares section %s with other symbols: compile with -ffunction-sections"
#define NOTRACE "function '%s' changed, has no ftrace entry (notrace?) and %s"
#define LOADTIME "%s+%#lx refers to unexported '%s', but the loader reads %s before livegraft"
#define TAKEN_CALLER "its caller '%s' has none either and its address is taken"
#define RECTYPE "%s+%#lx refers to '%s' with relocation type %u, which livegraft cannot write"
#define ANON "%s+%#lx refers to %s+%#lx: anonymous data the kernel's symbol table does not name"

static bool is_cold(struct lgsym *s)
{
	const char *c = strstr(s->name, ".cold");

	return c && (!c[5] || c[5] == '.');
}

/* A .cold fragment's parent: the function it was split from. */
static struct lgsym *cold_parent(struct lgelf *e, struct lgsym *s)
{
	size_t n = strstr(s->name, ".cold") - s->name, i;

	for (i = 1; i < e->nsyms; i++)
		if (e->syms[i].type == STT_FUNC && e->syms[i].sec &&
		    strlen(e->syms[i].name) == n && !strncmp(e->syms[i].name, s->name, n))
			return &e->syms[i];
	return NULL;
}

/* Does @s have its section to itself (-ffunction-sections, -fdata-sections)? */
bool lg_sole_owner(struct lgsym *s)
{
	struct lgelf *e = s->sec->elf;
	size_t i;

	for (i = 1; i < e->nsyms; i++) {
		struct lgsym *o = &e->syms[i];

		if (o != s && o->sec == s->sec && o->type != STT_SECTION &&
		    o->name[0] && o->name[0] != '$')
			return false;
	}
	return true;
}

/* A C identifier: the driver declares it (extern char lg_x_foo_isra_0[]). */
static char *out_name(struct lgdiff *d, const char *name)
{
	char *s, *p;

	if (asprintf(&s, "lg_%s%s%s", d->prefix ? d->prefix : "",
		     d->prefix ? "_" : "", name) < 0)
		err(1, "asprintf");
	for (p = s; *p; p++)
		if (*p == '.')
			*p = '_';
	return s;
}

static void carve(struct lgdiff *d, struct lgsym *t);

/* New data in a section it shares (.data.once) is cut out of it. */
static void include_sym(struct lgdiff *d, struct lgsym *s)
{
	s->include = true;
	if (lg_sole_owner(s))
		s->sec->include = true;
	else if (s->type == STT_OBJECT)
		carve(d, s);
	else
		lg_refuse(d, SHARED, s->name, s->sec->name);
}

static bool is_init_exit(struct lgsec *sec)
{
	return !strncmp(sec->name, ".init.", 6) || !strncmp(sec->name, ".exit.", 6);
}

/*
 * promote() - redirect the callers of @s instead of @s: every reference
 * to it must be a call or jump from a function (its address is taken
 * nowhere), and each caller that ftrace cannot redirect either is
 * promoted in turn. __init and __exit callers do not count: they ran
 * before the patch, or run for a module before livegraft patches it.
 * Returns the reason it cannot, or NULL.
 */
static const char *promote(struct lgdiff *d, struct lgsym *s, int depth)
{
	struct lgelf *e = &d->patched;
	size_t i, j;

	static char reason[512];

	if (s->bind != STB_LOCAL) {
		if (!depth)
			return "is global: callers elsewhere would still reach the old one";
		snprintf(reason, sizeof(reason), "its caller '%s' has none either and is global",
			 s->name);
		return reason;
	}
	if (depth > 4)
		return "its callers are notrace too, too deep";
	for (i = 1; i < e->nsecs; i++) {
		struct lgsec *sec = &e->secs[i];

		if (lg_is_ignored(sec) || lg_is_special(sec) || sec->sh.sh_type == SHT_RELA)
			continue;
		for (j = 0; j < sec->nrelas; j++) {
			struct lgrela *r = &sec->relas[j];
			struct lgsym *c;
			const char *why;

			if (r->sym != s && !(r->sym->type == STT_SECTION && r->sym->sec == s->sec))
				continue;
			if (is_init_exit(sec))
				continue;
			c = lg_is_text(sec) ? lg_sym_at(sec, r->offset) : NULL;
			if (!c || c->type != STT_FUNC) {
				if (!depth)
					return "its address is taken";
				snprintf(reason, sizeof(reason), TAKEN_CALLER, s->name);
				return reason;
			}
			if (c == s)
				continue;
			if (c->status == LG_SAME)
				c->status = LG_CHANGED;
			if (!c->has_fentry && !c->copied) {
				c->copied = true;
				why = promote(d, c, depth + 1);
				if (why)
					return why;
			}
		}
	}
	return NULL;
}

/*
 * A changed function ftrace cannot redirect (notrace, as every inline
 * function of the kernel is) is carried as a copy, and its callers are
 * redirected to copies that call it.
 */
static void promote_notrace(struct lgdiff *d)
{
	struct lgelf *e = &d->patched;
	size_t i;

	for (i = 1; i < e->nsyms; i++) {
		struct lgsym *s = &e->syms[i];
		const char *why;

		if (s->type != STT_FUNC || s->status != LG_CHANGED || s->has_fentry ||
		    s->copied || is_cold(s) || is_init_exit(s->sec))
			continue;
		s->copied = true;
		why = promote(d, s, 0);
		if (why)
			lg_refuse(d, NOTRACE, s->name, why);
	}
}

void lg_include(struct lgdiff *d)
{
	struct lgelf *e = &d->patched;
	size_t i;

	/* A changed .cold fragment changes the function it belongs to. */
	for (i = 1; i < e->nsyms; i++) {
		struct lgsym *s = &e->syms[i], *p;

		if (s->type != STT_FUNC || s->status == LG_SAME || !is_cold(s))
			continue;
		p = cold_parent(e, s);
		if (!p) {
			lg_refuse(d, "'%s' changed and its parent function is not in the object",
				  s->name);
			continue;
		}
		if (p->status == LG_SAME)
			p->status = LG_CHANGED;
	}
	promote_notrace(d);
	for (i = 1; i < e->nsyms; i++) {
		struct lgsym *s = &e->syms[i];

		if (s->status == LG_SAME || is_cold(s) ||
		    (s->type != STT_FUNC && s->type != STT_OBJECT))
			continue;
		if (s->type == STT_OBJECT && s->status == LG_CHANGED)
			continue;	/* refused by compare.c */
		if (is_init_exit(s->sec))
			continue;	/* refused by compare.c */
		include_sym(d, s);
		if (s->status != LG_CHANGED || s->copied)
			continue;
		s->outname = out_name(d, s->name);
		d->nchanged++;
	}
	/* A .cold fragment goes where its function goes. */
	for (i = 1; i < e->nsyms; i++) {
		struct lgsym *s = &e->syms[i], *p;

		if (s->type == STT_FUNC && is_cold(s)) {
			p = cold_parent(e, s);
			if (p && p->include)
				include_sym(d, s);
		}
	}
	if (!d->nchanged && !d->refused)
		lg_refuse(d, "no functional change: no function changed");
}

/* The relocation types livegraft.ko writes (struct lg_reloc). */
static bool record_type(struct lgdiff *d, unsigned int type)
{
	static const unsigned int x86[] = {
		R_X86_64_64, R_X86_64_PC32, R_X86_64_PLT32, R_X86_64_32S,
		R_X86_64_PC64, 0,
	};
	static const unsigned int arm64[] = {
		R_AARCH64_ABS64, R_AARCH64_PREL32, R_AARCH64_PREL64,
		R_AARCH64_ADR_PREL_PG_HI21, R_AARCH64_ADD_ABS_LO12_NC,
		R_AARCH64_LDST8_ABS_LO12_NC, R_AARCH64_LDST16_ABS_LO12_NC,
		R_AARCH64_LDST32_ABS_LO12_NC, R_AARCH64_LDST64_ABS_LO12_NC,
		R_AARCH64_LDST128_ABS_LO12_NC, R_AARCH64_CALL26,
		R_AARCH64_JUMP26, 0,
	};
	const unsigned int *t = lg_is_arm64(&d->patched) ? arm64 : x86;

	for (; *t; t++)
		if (*t == type)
			return true;
	return false;
}

int lg_add_record(struct lgdiff *d, struct lgsec *sec, GElf_Addr offset,
		  unsigned int type, struct lgsym *target, long addend)
{
	struct lgrecord *r;

	if (!record_type(d, type)) {
		lg_refuse(d, RECTYPE, sec->name, (unsigned long)offset, target->name, type);
		return -1;
	}

	r = realloc(d->records, (d->nrecords + 1) * sizeof(*r));
	if (!r)
		err(1, "realloc");
	d->records = r;
	r = &d->records[d->nrecords++];
	/* The running kernel was built from ORIG.o: its names count. */
	r->name = target->twin ? target->twin->name : target->name;
	r->local = target->bind == STB_LOCAL;
	r->sec = sec;
	r->offset = offset;
	r->type = type;
	r->addend = addend;
	sec->needs_secsym = true;
	return 0;
}

/* Anonymous read-only data OUT.o may copy: strings, literals, tables. */
static bool copyable(struct lgsec *t, long off)
{
	if (t->sh.sh_flags & (SHF_WRITE | SHF_EXECINSTR) || !(t->sh.sh_flags & SHF_ALLOC))
		return false;
	return (t->sh.sh_flags & SHF_MERGE) || !lg_sym_at(t, off);
}

/*
 * Read-only data a section the module loader reads refers to: copied, as
 * the loader would read it before livegraft.ko resolves anything.
 */
static bool readonly(struct lgsym *t)
{
	GElf_Xword f = t->sec->sh.sh_flags;

	return t->type == STT_OBJECT && (f & SHF_ALLOC) && !(f & (SHF_WRITE | SHF_EXECINSTR));
}

/*
 * carve() - copy object @t out of the section it shares with others
 * (pr_debug descriptors all live in one __dyndbg) into a section of its
 * own in OUT.o, with its relocations.
 */
static void carve(struct lgdiff *d, struct lgsym *t)
{
	struct lgsec *from = t->sec, *c = calloc(1, sizeof(*c));
	GElf_Addr start = t->sym.st_value, end = start + t->sym.st_size;
	size_t i;

	if (!c)
		err(1, "calloc");
	*c = *from;
	c->sh.sh_size = t->sym.st_size;
	c->buf = calloc(1, t->sym.st_size + 1);
	c->relas = calloc(from->nrelas + 1, sizeof(struct lgrela));
	if (!c->buf || !c->relas)
		err(1, "calloc");
	if (from->buf)
		memcpy(c->buf, from->buf + start, t->sym.st_size);
	c->nrelas = 0;
	for (i = 0; i < from->nrelas; i++) {
		if (from->relas[i].offset < start || from->relas[i].offset >= end)
			continue;
		c->relas[c->nrelas] = from->relas[i];
		c->relas[c->nrelas++].offset -= start;
	}
	c->include = true;
	c->loadtime = true;
	c->outrelas = NULL;
	c->twin = NULL;
	t->outsec = c;
	lg_add_extra(d, c);
}

/*
 * lg_add_extra() - a section lg-diff makes itself (a carved-out object,
 * arm64's veneers) joins OUT.o, with a section symbol of its own.
 */
void lg_add_extra(struct lgdiff *d, struct lgsec *sec)
{
	struct lgsec **extra = realloc(d->extra, (d->nextra + 1) * sizeof(*extra));

	if (!extra)
		err(1, "realloc");
	lg_section_symbol(sec);
	d->extra = extra;
	d->extra[d->nextra++] = sec;
}

static void keep(struct lgsec *sec, struct lgrela *r, struct lgsym *target,
		 long addend)
{
	struct lgrela *k = &sec->outrelas[sec->noutrelas++];

	*k = *r;
	k->sym = target;
	k->addend = addend;
}

static int resolve_rela(struct lgdiff *d, struct lgsec *sec, struct lgrela *r)
{
	struct lgsym *t = r->sym;
	long addend = r->addend;

	if (t->type == STT_SECTION) {
		struct lgsec *ts = t->sec;
		long off = addend + lg_rela_bias(sec, r);

		if (!ts) {
			lg_refuse(d, "%s+%#lx: relocation against an absolute section",
				  sec->name, (unsigned long)r->offset);
			return -1;
		}
		if (ts->include) {
			keep(sec, r, t, addend);
			return 0;
		}
		if (copyable(ts, off)) {
			ts->include = true;
			keep(sec, r, t, addend);
			return 0;
		}
		t = lg_sym_at(ts, off);
		if (!t) {
			lg_refuse(d, ANON,
				  sec->name, (unsigned long)r->offset, ts->name,
				  (unsigned long)off);
			return -1;
		}
		addend -= t->sym.st_value;
	}
	if (!t->include && t->sec && (lg_is_dyndbg(t->sec) || (sec->loadtime && readonly(t)))) {
		t->include = true;
		if (lg_sole_owner(t)) {
			t->sec->include = true;
			t->sec->loadtime = true;
		} else {
			carve(d, t);
		}
	}
	if (t->include) {
		keep(sec, r, t, addend);
		return 0;
	}
	if (t->bind != STB_LOCAL && lg_symvers_has(t->name)) {
		t->external = true;
		keep(sec, r, t, addend);
		return 0;
	}
	if (sec->loadtime) {
		lg_refuse(d, LOADTIME, sec->name, (unsigned long)r->offset, t->name,
			  sec->name);
		return -1;
	}
	if (lg_is_arm64(&d->patched) &&
	    (r->type == R_AARCH64_CALL26 || r->type == R_AARCH64_JUMP26))
		return lg_arm64_veneer(d, sec, r, t, addend);
	return lg_add_record(d, sec, r->offset, r->type, t, addend);
}

int lg_resolve(struct lgdiff *d)
{
	struct lgelf *e = &d->patched;
	bool more = true;
	size_t i, j;

	/* Each pass may include more anonymous data: go until none does. */
	while (more) {
		more = false;
		for (i = 1; i < e->nsecs + d->nextra; i++) {
			struct lgsec *sec = i < e->nsecs ? &e->secs[i] : d->extra[i - e->nsecs];

			if (!sec->include || sec->outrelas)
				continue;
			more = true;
			sec->outrelas = calloc(sec->nrelas + 1, sizeof(struct lgrela));
			if (!sec->outrelas)
				err(1, "calloc");
			for (j = 0; j < sec->nrelas; j++)
				if (resolve_rela(d, sec, &sec->relas[j]))
					return -1;
		}
	}
	return 0;
}
