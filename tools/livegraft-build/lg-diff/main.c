// SPDX-License-Identifier: GPL-2.0
/*
 * lg-diff - compare a kernel object compiled before and after a fix, and
 * write what changed as OUT.o plus a manifest for livegraft-build.
 *
 * usage: lg-diff [--prefix P] --symvers Module.symvers ORIG.o PATCHED.o OUT.o MANIFEST
 *
 * Exit status: 0 OUT.o and MANIFEST written, 2 the fix is refused (the
 * manifest's "refuse" lines say why), 1 any other error.
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include "lg-diff.h"

static const char usage[] =
	"usage: lg-diff [--prefix P] --symvers Module.symvers ORIG.o PATCHED.o OUT.o MANIFEST";

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "prefix", required_argument, NULL, 'p' },
		{ "symvers", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	struct lgdiff d = { .orig.fd = -1, .patched.fd = -1 };
	const char *symvers = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "p:s:", opts, NULL)) != -1) {
		if (c == 'p')
			d.prefix = optarg;
		else if (c == 's')
			symvers = optarg;
		else
			errx(1, "%s", usage);
	}
	if (!symvers || argc - optind != 4)
		errx(1, "%s", usage);
	if (elf_version(EV_CURRENT) == EV_NONE)
		errx(1, "libelf: %s", elf_errmsg(-1));
	if (lg_symvers_load(symvers) || lg_elf_open(&d.orig, argv[optind]) ||
	    lg_elf_open(&d.patched, argv[optind + 1]) ||
	    lg_manifest_open(argv[optind + 3]))
		return 1;
	if (d.orig.eh.e_machine != d.patched.eh.e_machine)
		errx(1, "%s and %s are for different machines", argv[optind],
		     argv[optind + 1]);

	lg_correlate(&d);
	lg_compare(&d);
	lg_include(&d);
	if (!d.refused)
		lg_runtime_consts(&d);
	if (!d.refused)
		lg_special(&d);
	if (!d.refused)
		lg_resolve(&d);
	if (d.refused) {
		lg_manifest_close();
		return 2;
	}
	lg_write_out(&d, argv[optind + 2]);
	lg_manifest_records(&d);
	lg_elf_close(&d.orig);
	lg_elf_close(&d.patched);
	return lg_manifest_close() ? 1 : 0;
}
