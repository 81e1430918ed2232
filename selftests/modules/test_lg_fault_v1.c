// SPDX-License-Identifier: GPL-2.0
/* test_lg_fault_v1.c - see test_lg_fault_patch.c. */
#define TEST_LG_FAULT_VERSION	1
#include "test_lg_fault_patch.c"
