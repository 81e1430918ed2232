// SPDX-License-Identifier: GPL-2.0
/*
 * __LINE__ passed as an argument (as ext4_journal_start() does): lines
 * added above it change the immediate and nothing else, or the number in
 * a "file.c:123" string. Those functions did not change; the one the fix
 * changes did.
 */
#include "lgtest.h"

int fixed(int v)
{
#ifdef PATCHED
	return lg_print("good %d\n", v);
#else
	return lg_print("broken %d\n", v);
#endif
}

/* Far enough down that the lines take an imm32, as in most kernel files. */
#ifdef PATCHED
#line 602
#else
#line 600
#endif
int uses_line(int h)
{
	return lg_journal(h, __LINE__) + lg_journal(h + 1, __LINE__);
}

/* The line goes on the stack (xfs_iunlink_remove's tracepoint). */
int stacks_line(int h)
{
	return lg_many(h, h, h, h, h, h, h, h, __LINE__);
}

#define LG_STR2(x) #x
#define LG_STR(x) LG_STR2(x)

/* As fortify's "field ... at file.c:123" messages. */
int names_line(int h)
{
	return lg_print("checked at " __FILE__ ":" LG_STR(__LINE__) "\n") + h;
}
