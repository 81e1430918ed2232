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
build lgb_cmdline cmdline-string.patch
build lgb_newfn new-function.patch
build lgb_dupname "$kver-duplicate-name.patch"
