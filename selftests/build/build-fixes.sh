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
# static variable (6.12's, per mount). Debian's arm64 6.1 has no
# CONFIG_KALLSYMS_ALL: its modules' kallsyms lists functions only, and
# livegraft-build must refuse the fix, naming the variable.
build_module_variable() {
	local rc=0 refusal

	[ "$kver" = 6.1 ] || return 0
	if grep -q '^CONFIG_KALLSYMS_ALL=y' "$config"; then
		build lgb_bmvar 6.1-module-variable.patch
		return
	fi
	refusal=$(build lgb_bmvar 6.1-module-variable.patch 2>&1) || rc=$?
	if [ $rc != 2 ] || ! grep -q "refused: variable 'enabled' of module binfmt_misc .*no CONFIG_KALLSYMS_ALL" <<<"$refusal"; then
		printf '%s\n' "$refusal"
		echo "build-fixes.sh: 6.1-module-variable was not refused for want of CONFIG_KALLSYMS_ALL"
		return 1
	fi
	echo "build-fixes.sh: $release has no CONFIG_KALLSYMS_ALL: 6.1-module-variable refused as it must be"
}
build_module_variable
