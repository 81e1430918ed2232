// SPDX-License-Identifier: GPL-2.0
/* test_lg_meminfo.c - a patch of /proc/meminfo, beside the /proc/cmdline one. */
#define TEST_LG_OLD_NAME "meminfo_proc_show"
#include "test_lg_livepatch.c"
