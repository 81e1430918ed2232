/* SPDX-License-Identifier: GPL-2.0 */
/*
 * test_lg_args.h - test_lg_args's functions are global, so that the
 * compiler keeps every argument of their calls as written.
 */
#ifndef _TEST_LG_ARGS_H
#define _TEST_LG_ARGS_H

long test_lg_args6(long a, long b, long c, long d, long e, long f);
long test_lg_args_va(int n, ...);
int test_lg_args_hold(void);

#endif /* _TEST_LG_ARGS_H */
