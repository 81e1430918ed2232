// SPDX-License-Identifier: GPL-2.0
/*
 * test_lg_cons_soak.c - test_lg_cons_patch with a second object, the
 * module test_lg_target, which the soak test keeps loading and unloading:
 * see test_lg_cons_patch.c.
 */
#define TEST_LG_CONS_SOAK
#include "test_lg_cons_patch.c"
