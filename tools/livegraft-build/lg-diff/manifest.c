// SPDX-License-Identifier: GPL-2.0
/*
 * manifest.c - the manifest lg-diff writes for the driver (format in
 * tools/livegraft-build's design: one record a line, fields separated by
 * one TAB), and the target's Module.symvers: what the module loader can
 * resolve by itself.
 */
#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lg-diff.h"

static FILE *manifest;
static char **exported;
static size_t nexported;

int lg_manifest_open(const char *path)
{
	manifest = fopen(path, "w");
	if (!manifest) {
		warn("%s", path);
		return -1;
	}
	fprintf(manifest, "# lg-diff manifest\n");
	return 0;
}

void lg_manifest(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(manifest, fmt, ap);
	va_end(ap);
	fputc('\n', manifest);
}

void lg_refuse(struct lgdiff *d, const char *fmt, ...)
{
	va_list ap;

	d->refused = true;
	fputs("refuse\t", manifest);
	fputs("lg-diff: refused: ", stderr);
	va_start(ap, fmt);
	vfprintf(manifest, fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', manifest);
	fputc('\n', stderr);
}

int lg_manifest_close(void)
{
	if (fclose(manifest)) {
		warn("manifest");
		return -1;
	}
	return 0;
}

void lg_manifest_records(struct lgdiff *d)
{
	struct lgelf *e = &d->patched;
	size_t i;

	for (i = 1; i < e->nsyms; i++) {
		struct lgsym *s = &e->syms[i];

		if (s->type == STT_FILE && s->name[0])
			lg_manifest("file\t%s", s->name);
	}
	for (i = 1; i < e->nsyms; i++) {
		struct lgsym *s = &e->syms[i];

		if (!s->include || s->type == STT_SECTION)
			continue;
		if (s->outname)
			lg_manifest("changed\t%s\t%s", s->twin->name, s->outname);
		else if (s->status == LG_NEW)
			lg_manifest("new\t%s\t%s", s->type == STT_FUNC ? "func" : "data",
				    s->name);
	}
	for (i = 0; i < d->nrecords; i++) {
		struct lgrecord *r = &d->records[i];

		lg_manifest("reloc\t%s\t%lu\t%u\t%s\t%s\t%ld", r->sec->outsym,
			    (unsigned long)r->offset, r->type, r->name,
			    r->local ? "local" : "global", r->addend);
	}
	for (i = 1; i < e->nsyms; i++)
		if (e->syms[i].external)
			lg_manifest("export\t%s", e->syms[i].name);
	for (i = 0; i < d->nmade; i++)
		if (d->made[i]->external)
			lg_manifest("export\t%s", d->made[i]->name);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

/* Module.symvers: CRC, name, module, export type, namespace; TAB-separated. */
int lg_symvers_load(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;

	if (!f) {
		warn("%s", path);
		return -1;
	}
	while (getline(&line, &cap, f) > 0) {
		char *name = strchr(line, '\t'), *end;

		if (!name)
			continue;
		name++;
		end = strchr(name, '\t');
		if (end)
			*end = '\0';
		else
			name[strcspn(name, "\n")] = '\0';
		exported = realloc(exported, (nexported + 1) * sizeof(*exported));
		if (!exported)
			err(1, "realloc");
		exported[nexported] = strdup(name);
		if (!exported[nexported++])
			err(1, "strdup");
	}
	free(line);
	fclose(f);
	qsort(exported, nexported, sizeof(*exported), name_cmp);
	return 0;
}

bool lg_symvers_has(const char *name)
{
	return nexported &&
	       bsearch(&name, exported, nexported, sizeof(*exported), name_cmp);
}
