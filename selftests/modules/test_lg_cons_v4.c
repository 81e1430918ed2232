// SPDX-License-Identifier: GPL-2.0
/* test_lg_cons_v4.c - version 4 of the probe's functions: see test_lg_cons_patch.c. */
#define TEST_LG_CONS_VERSION	4
#include "test_lg_cons_patch.c"
