/* SPDX-License-Identifier: GPL-2.0 */
/* test_lg_window.c's function, for its patch test_lg_window_patch.c. */
#ifndef _TEST_LG_WINDOW_H
#define _TEST_LG_WINDOW_H

int test_lg_window_inner(void);

#endif /* _TEST_LG_WINDOW_H */
