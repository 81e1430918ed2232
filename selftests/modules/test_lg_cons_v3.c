// SPDX-License-Identifier: GPL-2.0
/* test_lg_cons_v3.c - version 3 of the probe's functions: see test_lg_cons_patch.c. */
#define TEST_LG_CONS_VERSION	3
#include "test_lg_cons_patch.c"
