/* SPDX-License-Identifier: GPL-2.0 */
/* test_lg_cons.c's functions, for its patch test_lg_cons_patch.c. */
#ifndef _TEST_LG_CONS_H
#define _TEST_LG_CONS_H

#define TEST_LG_CONS_OLD	1
#define TEST_LG_CONS_NEW	2

void test_lg_cons_record(int expected, int a, int b);
int test_lg_cons_inner(void);
void test_lg_cons_wait(void);
void test_lg_cons_exit_inside(void);
void test_lg_cons_short_exit(void);

#endif /* _TEST_LG_CONS_H */
