#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-fixes.sh - build the patch modules of selftests/test-build.sh with
# livegraft-build, for one target, into DIR (make check uses
# build/<arch>-<kver>/lgbuild, which vm-run.sh brings into the guest).
#
# usage: build-fixes.sh ARCH KVER DIR

set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
lgb=$here/../../tools/livegraft-build/livegraft-build
arch=$1 kver=$2 out=$3

mkdir -p "$out"
rm -f "$out"/livegraft-lgb_*.ko
target=(--arch "$arch" --kver "$kver")
case "$kver" in
*-debug)
	# make check-debug's kernel, built here from Debian's source: no
	# package to build against, its build directory instead (--kdir).
	debarch=${arch/x86_64/amd64}
	target=(--kdir "${LG_CACHE:-/var/cache/livegraft}/$kver-$debarch/kdir")
	;;
esac
# build(name, fix) - one patch module; any failure fails the run
build() {
	"$lgb" "${target[@]}" --name "$1" --out "$out" "$here/$2"
}

build lgb_uptime uptime-number.patch
if [ "${kver%-debug}" != "$kver" ]; then
	# KASAN pads a file's strings into one .rodata: a changed string
	# moves the others, and lg-diff sees every user changed.
	echo "build-fixes.sh: $kver: the fixes that change strings are not built on a KASAN kernel"
	exit 0
fi

build lgb_version version-string.patch
build lgb_cmdline cmdline-string.patch
build lgb_newfn new-function.patch
build lgb_dupname "$kver-duplicate-name.patch"

# A fix in a module (binfmt_misc), on every target: the report names the
# module for the changed function and for the static functions of the
# module that the patch reaches through relocations.
build_module_fix() {
	local report

	report=$(build lgb_binfmt module-binfmt-misc.patch) || {
		printf '%s\n' "$report"
		return 1
	}
	printf '%s\n' "$report"
	for want in 'changed +binfmt_misc +bm_entry_write ' 'at load +binfmt_misc +parse_command$'; do
		grep -Eq "^ *$want" <<<"$report" || {
			echo "build-fixes.sh: the report of module-binfmt-misc.patch has no line '$want'"
			return 1
		}
	done
}
build_module_fix

# A variable of a module: 6.1's binfmt_misc keeps its "enabled" in a
# static variable (6.12's, per mount).
[ "$kver" != 6.1 ] || build lgb_bmvar 6.1-module-variable.patch

# kpatch-style fixes: kpatch-macros.h's callbacks, klp_shadow_*() as
# livegraft's shadow variables, kpatch-syscall.h's KPATCH_SYSCALL_DEFINE1.
build lgb_kpcb kpatch-callbacks.patch
build lgb_kpshadow kpatch-shadow.patch
build lgb_kpsyscall kpatch-syscall.patch
