#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lint.sh - the kernel's checkpatch.pl over every C source and header,
# the tool shellcheck on every shell script, and a check that every
# mutation of make mutate still applies; exit 0 only when all are clean.
#
# usage: lint.sh <linux-source dir holding scripts/checkpatch.pl>

set -uo pipefail

src=$1
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
rc=0

# Tracked files and new ones not yet added, so that a new file is linted
# before its first commit.
files() {
	git ls-files --cached --others --exclude-standard "$@"
}

# Host programs under tools/ use libelf's CamelCase types and cannot
# have the kernel's attribute macros: checkpatch spares them those two.
checkpatch() {
	local ignore=$1
	shift
	[ $# -gt 0 ] || return 0
	echo "[lint] checkpatch.pl on $# C files"
	"$src/scripts/checkpatch.pl" --no-tree --quiet --terse --show-types \
		--strict --ignore "FILE_PATH_CHANGES,SPDX_LICENSE_TAG$ignore" \
		-f "$@" | grep -v '^total: 0 errors, 0 warnings, 0 checks'
	[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
}
mapfile -t csrc < <(files '*.c' '*.h' ':!tools/')
checkpatch "" "${csrc[@]}"
mapfile -t csrc < <(files 'tools/*.c' 'tools/*.h' ':!tools/livegraft-build/include/')
checkpatch ",CAMELCASE,PREFER_DEFINED_ATTRIBUTE_MACRO" "${csrc[@]}"
# The kpatch headers of livegraft-build are kernel code with kpatch's
# interface: macros that expand to declarations and definitions, as
# the kernel's syscall wrappers they copy (SYSCALL_DEFINEx reuses its
# arguments and is no expression either), with kpatch's names.
mapfile -t csrc < <(files 'tools/livegraft-build/include/*.h')
# (6.12's checkpatch also names the refusing macros' unused arguments:
# they keep kpatch's signatures.)
checkpatch ",CAMELCASE,COMPLEX_MACRO,MACRO_ARG_REUSE,MACRO_ARG_UNUSED" "${csrc[@]}"

mapfile -t shsrc < <(files '*.sh' .ci/run tools/livegraft-build/livegraft-build \
	tools/livegraft/livegraft tools/livegraft/completion.bash \
	packaging/initramfs-tools/hooks/livegraft \
	packaging/initramfs-tools/scripts/init-premount/livegraft)
if [ ${#shsrc[@]} -gt 0 ]; then
	echo "[lint] shellcheck on ${#shsrc[@]} shell scripts"
	# Warnings and errors; the style notes (quote every expansion, ...)
	# are left to judgement, as in the kernel's own selftests.
	shellcheck -x --severity=warning "${shsrc[@]}" || rc=1
fi

# The mutations of make mutate still apply to the code they break.
echo "[lint] mutations of scripts/mutate.sh"
"$(dirname "$0")/mutate.sh" --check | sed 's/^/[lint] /'
[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1

[ $rc -eq 0 ] && echo "[lint] clean" || echo "[lint] FAILED"
exit $rc
