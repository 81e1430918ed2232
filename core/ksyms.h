/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel internals livegraft needs but the kernel does not export. Each is
 * resolved once, at load, through kallsyms; insmod fails naming the first
 * one that is missing, so nothing ever runs without them.
 */
#ifndef _LIVEGRAFT_KSYMS_H
#define _LIVEGRAFT_KSYMS_H

#include <linux/kallsyms.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sched/idle.h>
#include <linux/wait.h>

/*
 * The types come from the kernel's own declarations, so a prototype that
 * changes between kernel versions changes here with it at build time.
 */
struct lg_ksyms {
	typeof(kallsyms_lookup_name) *kallsyms_lookup_name;
	typeof(kallsyms_on_each_match_symbol) *kallsyms_on_each_match_symbol;
	typeof(kallsyms_lookup_size_offset) *kallsyms_lookup_size_offset;
	typeof(find_module) *find_module;
	typeof(task_call_func) *task_call_func;
	typeof(wake_up_state) *wake_up_state;
	typeof(idle_task) *idle_task;
};

/* Written once by lg_ksyms_init(), read-only afterwards. */
extern struct lg_ksyms lg_ksym;

int lg_ksyms_init(void);
void *lg_ksym_require(const char *name);
void *lg_ksym_require_data(const char *name);

#endif /* _LIVEGRAFT_KSYMS_H */
