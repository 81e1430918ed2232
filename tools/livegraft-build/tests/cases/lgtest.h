/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lgtest.h - what the lg-diff test cases borrow from the kernel, reduced
 * to what the compiler emits for it. Each case is compiled twice, the
 * second time with -DPATCHED.
 */
#ifndef LGTEST_H
#define LGTEST_H

int lg_print(const char *fmt, ...);
int unexported_func(int x);
extern int unexported_var;
int lg_journal(int handle, unsigned int line);
int lg_many(int a, int b, int c, int d, int e, int f, int g, int h, unsigned int line);

struct lg_key {
	int enabled;
};

extern struct lg_key lg_exported_key, lg_hidden_key;

#define __init __attribute__((section(".init.text"), cold))
#define noinline __attribute__((noinline))

#ifdef __aarch64__
#define notrace __attribute__((patchable_function_entry(0, 0)))
#define TRAP "brk 0x800"
#else
#define notrace __attribute__((no_instrument_function))
#define TRAP "ud2"
#endif

/* A WARN-like trap whose line number lives in __bug_table, as in the kernel. */
static inline __attribute__((always_inline)) void trap_at(int line)
{
	asm volatile("1: " TRAP "\n"
		     ".pushsection __bug_table, \"aw\"\n"
		     "2: .long 1b - 2b\n"
		     ".long 0\n"
		     ".short %c0\n"
		     ".short 0\n"
		     ".popsection" : : "i" (line));
}

#define TRAP_LINE() trap_at(__LINE__)

/* A faulting access with its exception table entry, as copy_to_user has. */
static inline __attribute__((always_inline)) void ex_entry(void)
{
	asm volatile("1: nop\n"
		     ".pushsection __ex_table, \"a\"\n"
		     ".balign 4\n"
		     ".long 1b - .\n"
		     ".long 1b - .\n"
		     ".long 0\n"
		     ".popsection");
}

/* pr_debug's descriptor, __UNIQUE_ID_ddebug<counter>: its line inside. */
struct lg_ddebug {
	const char *format;
	unsigned int line;
};

int lg_dyn_print(struct lg_ddebug *desc);

#define DYNDBG __attribute__((section("__dyndbg"), used))

#endif /* LGTEST_H */
