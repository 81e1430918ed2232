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
# Callbacks of a module's object (binfmt_misc), run when it loads.
build lgb_kpmodcb kpatch-module-callbacks.patch

# The fix set of issue 10 (test-build.sh proves each live), on every
# target. Where the report shows what the fix is about, check it here.
# expect_report(pattern, what) - the last report has a line matching pattern
expect_report() {
	grep -q "$1" "$out/report" || {
		cat "$out/report"
		echo "build-fixes.sh: the report does not show $2"
		exit 1
	}
}
# expect_runtime_const - on x86_64 6.12, access_ok() in do_syslog() and
# filldir64() reads USER_PTR_MAX as a runtime constant (runtime_ptr_*):
# lg-diff rewrites it to read the export, which the report must show
expect_runtime_const() {
	[ "$arch-$kver" = x86_64-6.12 ] || return 0
	expect_report '^  exported (module loader): .*\<USER_PTR_MAX\>' "USER_PTR_MAX read from its export"
}
build lgb_inlined inlined-callee.patch >"$out/report"
# task_cpus_allowed is inlined: its caller is the changed function.
expect_report '^  changed  vmlinux  proc_pid_status ' "the caller of the inlined task_cpus_allowed"
if grep -q task_cpus_allowed "$out/report"; then
	cat "$out/report"
	echo "build-fixes.sh: the report names task_cpus_allowed: it is not inlined here"
	exit 1
fi
build lgb_data new-data.patch >"$out/report"
expect_report '^  new data vmlinux  lgb_loadavg_reads ' "lgb_loadavg_reads as new data"
build lgb_static static-local.patch >"$out/report"
expect_report '^  at load vmlinux  saved_console_loglevel\.[0-9]*\($\|,\)' "the kernel's saved_console_loglevel referenced, not copied"
expect_runtime_const
build lgb_uaccess user-access.patch >"$out/report"
expect_report '^  changed  vmlinux  filldir64 ' "filldir64 changed"
expect_runtime_const
rm -f "$out/report"
