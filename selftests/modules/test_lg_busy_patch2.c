// SPDX-License-Identifier: GPL-2.0
/*
 * test_lg_busy_patch2.c - test_lg_busy_patch a second time, to stack on
 * it: see test_lg_busy_patch.c.
 */
#include "test_lg_busy_patch.c"
