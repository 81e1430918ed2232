// SPDX-License-Identifier: GPL-2.0
/*
 * test_lg_cons_fail.c - test_lg_cons_patch with a second object whose
 * pre_patch callback sleeps, then fails: see test_lg_cons_patch.c.
 */
#define TEST_LG_CONS_FAIL
#include "test_lg_cons_patch.c"
