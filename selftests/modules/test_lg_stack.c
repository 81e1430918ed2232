// SPDX-License-Identifier: GPL-2.0
/* test_lg_stack.c - a second patch of /proc/cmdline, to stack on the first. */
#include "test_lg_livepatch.c"
