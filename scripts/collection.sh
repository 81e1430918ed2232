# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# collection.sh - sourced by vm-run.sh and check.sh: the kselftest
# collection's scripts, as selftests/Makefile lists them.

# collection_scripts(top) - TEST_PROGS of top/selftests/Makefile, one per
# line, in its order
collection_scripts()
{
	sed -n '/^TEST_PROGS :=/,/[^\\]$/p' "$1/selftests/Makefile" |
		sed 's/^TEST_PROGS :=//; s/\\$//' | tr -s ' \t' '\n' | grep .
}
