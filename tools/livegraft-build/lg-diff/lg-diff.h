/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lg-diff.h - the model lg-diff builds of two relocatable objects (ORIG.o
 * and PATCHED.o) and of what it writes (OUT.o, the manifest).
 *
 * Both objects are loaded whole into struct lgelf: sections, symbols and
 * the relocations of each section. correlate.c pairs each section and
 * symbol of PATCHED.o with its twin in ORIG.o, compare.c marks what
 * changed, include.c chooses what OUT.o carries, runtime.c rewrites the
 * runtime constants of what it carries, special.c adds the
 * special-section entries of what is included, output.c writes OUT.o and
 * manifest.c the records. Everything is decided on PATCHED.o's model.
 */
#ifndef LG_DIFF_H
#define LG_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <gelf.h>

enum lg_status { LG_SAME, LG_CHANGED, LG_NEW };

struct lgsym;

struct lgrela {
	GElf_Addr offset;
	unsigned int type;
	long addend;
	struct lgsym *sym;
};

struct lgsec {
	const char *name;
	size_t idx;
	struct lgelf *elf;
	GElf_Shdr sh;
	unsigned char *buf;		/* sh_size bytes, NULL for NOBITS */
	Elf_Data *data;
	struct lgsec *base;		/* for a .rela section: what it relocates */
	struct lgsec *rela;		/* the .rela section relocating this one */
	struct lgrela *relas;		/* of this section, sorted by offset */
	size_t nrelas;
	struct lgsym *secsym;		/* its STT_SECTION symbol, if any */
	struct lgsec *twin;
	enum lg_status status;
	bool include;
	bool special;			/* carried entry by entry, special.c */
	bool loadtime;			/* the module loader reads it at load */
	bool needs_secsym;		/* a reloc record points into it */
	size_t outidx;
	const char *outsym;		/* its lg_<P>_sec_<n>, if it needs one */
	struct lgrela *outrelas;	/* relocations OUT.o keeps */
	size_t noutrelas;
};

struct lgsym {
	const char *name;
	size_t idx;
	GElf_Sym sym;
	unsigned char type, bind;
	struct lgsec *sec;		/* NULL for undefined and absolute */
	struct lgsym *twin;
	struct lgsym *parent;		/* a static local's referencing function */
	enum lg_status status;
	bool include;
	bool has_fentry;
	bool external;			/* left to the module loader */
	bool copied;			/* notrace: carried, its callers redirected */
	const char *outname;		/* name in OUT.o, NULL: its own */
	struct lgsec *outsec;		/* its own copy of a shared section */
	size_t outidx;
};

struct lgelf {
	const char *path;
	int fd;
	Elf *elf;
	GElf_Ehdr eh;
	struct lgsec *secs;
	size_t nsecs;
	struct lgsym *syms;
	size_t nsyms;
};

/* A reference left for livegraft.ko to write: a manifest "reloc" line. */
struct lgrecord {
	struct lgsec *sec;
	GElf_Addr offset;
	unsigned int type;
	const char *name;
	bool local;
	long addend;
};

struct lgdiff {
	struct lgelf orig, patched;
	const char *prefix;
	bool refused;
	size_t nchanged;
	struct lgrecord *records;
	size_t nrecords;
	struct lgsec **extra;		/* sections lg-diff makes: veneers, carved objects */
	size_t nextra;
	struct lgsym **made;		/* symbols it makes: exports runtime.c reads */
	size_t nmade;
};

/* elf.c */
int lg_elf_open(struct lgelf *e, const char *path);
void lg_elf_close(struct lgelf *e);
struct lgsec *lg_find_sec(struct lgelf *e, const char *name);
struct lgsym *lg_find_sym(struct lgelf *e, const char *name);
struct lgsym *lg_sym_at(struct lgsec *sec, GElf_Addr off);
long lg_rela_bias(struct lgsec *sec, struct lgrela *r);
bool lg_is_strings(struct lgsec *sec);
bool lg_is_text(struct lgsec *sec);
/* sec's section symbol, made the first time it is asked for */
struct lgsym *lg_section_symbol(struct lgsec *sec);
bool lg_is_ignored(struct lgsec *sec);
bool lg_is_dyndbg(struct lgsec *sec);
bool lg_is_arm64(struct lgelf *e);

/* correlate.c */
void lg_correlate(struct lgdiff *d);
const char *lg_base_name(const char *name, size_t *len);

/* compare.c */
void lg_compare(struct lgdiff *d);
bool lg_rela_equal(struct lgdiff *d, struct lgsec *pa, struct lgrela *a,
		   struct lgsec *ob, struct lgrela *b);

/* lines.c */
bool lg_lines_only(struct lgsec *p, GElf_Addr po, struct lgsec *o, GElf_Addr oo,
		   GElf_Xword size);

/* include.c */
void lg_include(struct lgdiff *d);
void lg_add_extra(struct lgdiff *d, struct lgsec *sec);
int lg_resolve(struct lgdiff *d);
bool lg_sole_owner(struct lgsym *s);
int lg_add_record(struct lgdiff *d, struct lgsec *sec, GElf_Addr offset,
		  unsigned int type, struct lgsym *target, long addend);

/* special.c */
int lg_special(struct lgdiff *d);
bool lg_is_special(struct lgsec *sec);

/* runtime.c */
int lg_runtime_consts(struct lgdiff *d);
bool lg_is_runtime_const(struct lgsec *sec);

/* arm64.c */
int lg_arm64_veneer(struct lgdiff *d, struct lgsec *sec, struct lgrela *r,
		    struct lgsym *target, long addend);

/* output.c */
int lg_write_out(struct lgdiff *d, const char *path);

/* manifest.c */
int lg_manifest_open(const char *path);
void lg_manifest(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void lg_refuse(struct lgdiff *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int lg_manifest_close(void);
void lg_manifest_records(struct lgdiff *d);
int lg_symvers_load(const char *path);
bool lg_symvers_has(const char *name);

#endif /* LG_DIFF_H */
