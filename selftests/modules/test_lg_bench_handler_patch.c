// SPDX-License-Identifier: GPL-2.0
/*
 * test_lg_bench_handler_patch.c - livegraft's replacement of
 * test_lg_bench_fn3(), which the benchmark loads with fast_slots=0: the
 * cost of a call through livegraft's ftrace handler beside the fast
 * path's, in the same boot.
 */

#define TEST_LG_BENCH_FN "test_lg_bench_fn3"
#include "test_lg_bench_patch.c"
