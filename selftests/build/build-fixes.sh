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
# build(name, fix) - one patch module; any failure fails the run
build() {
	"$lgb" --arch "$arch" --kver "$kver" --name "$1" --out "$out" "$here/$2"
}

build lgb_version version-string.patch
release=$(cat "${LG_CACHE:-/var/cache/livegraft}/$kver-${arch/x86_64/amd64}/release")
config=${LG_CACHE:-/var/cache/livegraft}/$kver-${arch/x86_64/amd64}/root/boot/config-$release
if ! grep -q '^CONFIG_KALLSYMS_ALL=y' "$config"; then
	# Debian's arm64 6.1: kallsyms has no variables, which the other
	# fixes use; the refusal must name the reason.
	rc=0
	refusal=$(mktemp)
	build lgb_cmdline cmdline-string.patch >"$refusal" 2>&1 || rc=$?
	if [ $rc != 2 ] || ! grep -q "refused: symbol 'saved_command_line' .*no CONFIG_KALLSYMS_ALL" "$refusal"; then
		cat "$refusal"
		echo "build-fixes.sh: cmdline-string was not refused for want of CONFIG_KALLSYMS_ALL"
		exit 1
	fi
	rm -f "$refusal"
	echo "build-fixes.sh: $release has no CONFIG_KALLSYMS_ALL: cmdline-string refused as it must be; new-function, duplicate-name not built"
else
	build lgb_cmdline cmdline-string.patch
	build lgb_newfn new-function.patch
	build lgb_dupname "$kver-duplicate-name.patch"
fi

# kpatch-style fixes: kpatch-macros.h's callbacks, klp_shadow_*() as
# livegraft's shadow variables, kpatch-syscall.h's KPATCH_SYSCALL_DEFINE1.
build lgb_kpcb kpatch-callbacks.patch
build lgb_kpshadow kpatch-shadow.patch
build lgb_kpsyscall kpatch-syscall.patch
