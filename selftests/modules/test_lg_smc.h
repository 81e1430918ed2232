/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TEST_LG_SMC_H
#define TEST_LG_SMC_H

#include <linux/types.h>

/* test_lg_smc_fn.S: returns the immediate of its "mov w0", which starts at
 * test_lg_smc_mov.
 */
int test_lg_smc_fn(void);
extern u32 test_lg_smc_mov[];

#endif
