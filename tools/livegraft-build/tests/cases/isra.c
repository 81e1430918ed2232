// SPDX-License-Identifier: GPL-2.0
/*
 * GCC's clones: get() becomes get.constprop.0.isra.0. user() changes and
 * calls the unchanged clone: a reloc. In PATCHED_CLONE the clone changes
 * and is redirected under its own name.
 */
#include "lgtest.h"

struct lg_s {
	int a, b[100];
};

static noinline int get(struct lg_s *p, int unused)
{
#ifdef PATCHED_CLONE
	return p->a * 9;
#else
	return p->a * 7;
#endif
}

int user(struct lg_s *p)
{
#ifdef PATCHED
	return get(p, 1) + lg_print("patched\n");
#else
	return get(p, 1) + 1;
#endif
}

int user2(struct lg_s *p)
{
	return get(p, 1) + 3;
}
