// SPDX-License-Identifier: GPL-2.0
/*
 * The set of exported symbols changes: refused. EXPORT_SYMBOL's symbols
 * as 6.1 (__ksymtab_<name>) and 6.12 (__export_symbol_<name>) make them;
 * -DVERSION instead changes an export's version (__crc_<name>).
 */
#include "lgtest.h"

int lg_api(int v)
{
	return lg_print("api %d\n", v);
}

#ifdef PATCHED
int lg_more(int v)
{
	return lg_print("more %d\n", v);
}

const void *__ksymtab_lg_more __attribute__((section("___ksymtab+lg_more"))) = lg_more;
#endif

#ifdef VERSION
asm(".globl __crc_lg_api\n.set __crc_lg_api, 0x1234\n");
#else
asm(".globl __crc_lg_api\n.set __crc_lg_api, 0x4321\n");
#endif
