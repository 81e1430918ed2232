/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LIVEGRAFT_MODULES_H
#define _LIVEGRAFT_MODULES_H

struct module;

int lg_modules_init(void);
void lg_modules_exit(void);

/* Must hold lg_mutex. */
struct module *lg_module_present(const char *name);

#endif /* _LIVEGRAFT_MODULES_H */
