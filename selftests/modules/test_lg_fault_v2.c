// SPDX-License-Identifier: GPL-2.0
/* test_lg_fault_v2.c - see test_lg_fault_patch.c: the replace patch. */
#define TEST_LG_FAULT_VERSION	2
#include "test_lg_fault_patch.c"
