#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test-driver.sh - host-side checks of livegraft-build's refusals: each
# must refuse (exit status 2) with its reason named, before any kernel
# build starts. They use made-up targets in a temporary $LG_CACHE (a
# version or a compiler other than the installed ones) and the fixes of
# this directory, so they take a second and need no prepared tree.
#
# With LGB_WARM=1 it also builds a fix for x86_64 6.1 (preparing the
# tree the first time, as build-fixes.sh would later) and checks the
# build's traces: the pristine source stays untouched and the patched
# copy is restored afterwards; that kpatch macros livegraft has no
# meaning for, and klp_ calls other than klp_shadow_*, are refused; and
# that what lg-diff refuses on the real source is refused with its reason
# (__init code, a changed initial value of existing data, a comment-only
# change).
#
# usage: [LGB_WARM=1] selftests/build/test-driver.sh   (make check sets it)

set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
lgb=$top/tools/livegraft-build/livegraft-build
real_cache=${LG_CACHE:-/var/cache/livegraft}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

# expect_exit(status, word, name, pattern, livegraft-build args...) - the
# exit status and a "word: " line matching pattern.
expect_exit()
{
	local want=$1 word=$2 name=$3 pattern=$4 rc=0

	shift 4
	timeout 120 "$lgb" "$@" >"$tmp/out" 2>&1 || rc=$?
	if [ "$rc" = "$want" ] && grep -q "$word: .*$pattern" "$tmp/out"; then
		echo "ok      $name"
	else
		echo "not ok  $name (exit $rc, wanted $want and /$pattern/):"
		sed 's/^/        /' "$tmp/out"
		fails=$((fails + 1))
	fi
}

# expect_refusal(name, pattern, args...) - refused (2), the reason named
expect_refusal() { expect_exit 2 refused "$@"; }

# expect_error(name, pattern, args...) - an error of use (1), named
expect_error() { expect_exit 1 error "$@"; }


# fake_kdir(dir, release the source makes) - the parts of a kernel built
# with O=dir that --kdir looks at, with a Makefile that answers
# kernelrelease; no source link.
fake_kdir()
{
	mkdir -p "$1/include/config"
	cp "$real_cache/6.1-amd64/root/boot/config-$(cat "$real_cache/6.1-amd64/release")" "$1/.config"
	echo 6.1.192 >"$1/include/config/kernel.release"
	for f in vmlinux System.map Module.symvers; do echo x >"$1/$f"; done
	printf 'kernelrelease:\n\t@echo %s\n' "$2" >"$1/Makefile"
}

# fake_target(dir, version, cc text) - a target like scripts/deps.sh's with
# the real 6.1 x86_64 config but the version and compiler given.
fake_target()
{
	local t=$1/6.1-amd64 release

	release=$(cat "$real_cache/6.1-amd64/release")
	mkdir -p "$t/root/boot"
	echo "$release" >"$t/release"
	echo "$2" >"$t/version"
	sed "s/^CONFIG_CC_VERSION_TEXT=.*/CONFIG_CC_VERSION_TEXT=\"$3\"/" \
		"$real_cache/6.1-amd64/root/boot/config-$release" >"$t/root/boot/config-$release"
}

[ -f "$real_cache/6.1-amd64/release" ] || {
	echo "SKIP: no x86_64 6.1 target in $real_cache (make deps)"
	exit 4
}
src_ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
cc_text=$(gcc-12 --version | head -n 1)
cc_ver=${cc_text##* }

fake_target "$tmp/badver" "6.1.0-0lgtest" "$cc_text"
LG_CACHE=$tmp/badver LGB_CACHE=$tmp/lgb expect_refusal \
	"a source package of another version is refused, both named" \
	"version mismatch: linux-source-6.1 is $src_ver but the target kernel .* is 6.1.0-0lgtest" \
	--arch x86_64 --kver 6.1 "$here/version-string.patch"

fake_target "$tmp/badcc" "$src_ver" "gcc-12 (Debian 12.9.0-1) 12.9.0"
LG_CACHE=$tmp/badcc LGB_CACHE=$tmp/lgb expect_refusal \
	"another GCC version is refused, both named" \
	"compiler mismatch: the kernel was built with 'gcc-12 (Debian 12.9.0-1) 12.9.0' (GCC 12.9.0), gcc-12 here is '$cc_text' (GCC $cc_ver)" \
	--arch x86_64 --kver 6.1 "$here/version-string.patch"

fake_target "$tmp/clang" "$src_ver" "Debian clang version 14.0.6"
LG_CACHE=$tmp/clang LGB_CACHE=$tmp/lgb expect_refusal \
	"a kernel built with another compiler than GCC is refused" \
	"compiler mismatch: the kernel was built with 'Debian clang version 14.0.6'" \
	--arch x86_64 --kver 6.1 "$here/version-string.patch"

LGB_CACHE=$tmp/lgb expect_refusal "a header change is refused" \
	"fs/proc/internal.h: a header change" \
	--arch x86_64 --kver 6.1 "$here/refuse-header.patch"

printf -- '--- a/fs/proc/Makefile\n+++ b/fs/proc/Makefile\n@@ -1 +1 @@\n-x\n+y\n' >"$tmp/make.patch"
LGB_CACHE=$tmp/lgb expect_refusal "a Makefile change is refused" \
	"fs/proc/Makefile: not a C file" --arch x86_64 --kver 6.1 "$tmp/make.patch"

printf -- '--- a/arch/x86/lib/memcpy_64.S\n+++ b/arch/x86/lib/memcpy_64.S\n@@ -1 +1 @@\n-x\n+y\n' >"$tmp/asm.patch"
LGB_CACHE=$tmp/lgb expect_refusal "an assembly change is refused" \
	"arch/x86/lib/memcpy_64.S: assembly" --arch x86_64 --kver 6.1 "$tmp/asm.patch"

printf -- '--- /dev/null\n+++ b/fs/proc/new.c\n@@ -0,0 +1 @@\n+int x;\n' >"$tmp/new.patch"
LGB_CACHE=$tmp/lgb expect_refusal "a new file is refused" \
	"fs/proc/new.c: a new file" --arch x86_64 --kver 6.1 "$tmp/new.patch"

echo 'not a diff' >"$tmp/empty.patch"
LGB_CACHE=$tmp/lgb expect_refusal "a file that is no diff is refused" \
	"not a unified diff" --arch x86_64 --kver 6.1 "$tmp/empty.patch"

mkdir -p "$tmp/kdir-none"
LGB_CACHE=$tmp/lgb expect_error "--kdir: a directory that is no kernel build is refused" \
	"not a configured kernel build directory" --kdir "$tmp/kdir-none" "$here/version-string.patch"
fake_kdir "$tmp/kdir-unbuilt" 6.1.192
rm "$tmp/kdir-unbuilt/vmlinux"
LGB_CACHE=$tmp/lgb expect_error "--kdir: a kernel that is not built is refused" \
	"has no vmlinux: build the kernel first" --kdir "$tmp/kdir-unbuilt" "$here/version-string.patch"
fake_kdir "$tmp/kdir-intree" 6.1.192
LGB_CACHE=$tmp/lgb expect_error "--kdir: a kernel built in its source tree is refused" \
	"was built in its source tree" --kdir "$tmp/kdir-intree" "$here/version-string.patch"
fake_kdir "$tmp/kdir-other" 6.1.999
ln -s "$tmp/kdir-none" "$tmp/kdir-other/source"
LGB_CACHE=$tmp/lgb expect_error "--kdir: --arch must be the kernel's" \
	"--arch arm64, but --kdir .* is an x86_64 kernel" --arch arm64 --kdir "$tmp/kdir-other" "$here/version-string.patch"
LGB_CACHE=$tmp/lgb expect_refusal "--kdir: a source tree that makes another release is refused, both named" \
	"version mismatch: the source of --kdir makes 6.1.999, the kernel built there is 6.1.192" \
	--kdir "$tmp/kdir-other" "$here/version-string.patch"

# A real build on the prepared tree: the pristine source stays as it was.
if [ -n "${LGB_WARM:-}" ]; then
	cache=${LGB_CACHE:-$real_cache/lgbuild}
	"$lgb" --arch x86_64 --kver 6.1 --prepare >"$tmp/out" 2>&1 ||
		cat "$tmp/out"
	pristine=$(ls -d "$cache"/src/6.1-*/linux-source-6.1)
	f=fs/proc/version.c
	before=$(sha1sum <"$pristine/$f")
	if "$lgb" --arch x86_64 --kver 6.1 --out "$tmp" "$here/version-string.patch" >"$tmp/out" 2>&1 &&
	   [ -f "$tmp/livegraft-version_string.ko" ] &&
	   [ "$(sha1sum <"$pristine/$f")" = "$before" ] &&
	   [ "$(stat -c %i "$pristine/$f")" = "$(stat -c %i "$cache/6.1-amd64/src-fixed/$f")" ]; then
		echo "ok      a build leaves the pristine source and its patched copy as they were"
	else
		echo "not ok  a build leaves the pristine source and its patched copy as they were:"
		sed 's/^/        /' "$tmp/out"
		fails=$((fails + 1))
	fi

	# What lg-diff refuses once both objects are compiled, on the
	# real source (a second or so each on the warm tree).
	expect_refusal "a change to __init code is refused, the function named" \
		"function 'proc_version_init' in .init.text changed: __init and __exit code and data cannot be live patched" \
		--arch x86_64 --kver 6.1 --out "$tmp" "$here/refuse-init.patch"
	expect_refusal "a changed initial value of existing data is refused, the object named" \
		"data object 'uts_kern_table' changed its initial value" \
		--arch x86_64 --kver 6.1 --out "$tmp" "$here/refuse-data-value.patch"
	expect_refusal "a comment-only change is refused as no functional change" \
		"fs/proc/version.c: no functional change: no function changed" \
		--arch x86_64 --kver 6.1 --out "$tmp" "$here/refuse-comment.patch"
fi

# kpatch-style fixes: what livegraft has no meaning for is refused at the
# compile, with the reason (compiles on the prepared x86_64 6.1 tree).
if [ -n "${LGB_WARM:-}" ]; then
	expect_refusal "KPATCH_FORCE_UNSAFE is refused with its reason" \
		"fs/proc/version.c: KPATCH_FORCE_UNSAFE is refused: livegraft keeps its consistency model" \
		--arch x86_64 --kver 6.1 --out "$tmp" "$here/refuse-kpatch-unsafe.patch"
	expect_refusal "a call of the kernel's livepatch API other than klp_shadow_* is refused" \
		"fs/proc/version.c calls klp_enable_patch: livegraft provides klp_shadow_" \
		--arch x86_64 --kver 6.1 --out "$tmp" "$here/refuse-klp-api.patch"
	# A callback of a module's file is that module's object's (the
	# generated tables say so).
	if "$lgb" --arch x86_64 --kver 6.1 --name kpdummy --out "$tmp" \
		"$here/6.1-kpatch-module-callback.patch" >"$tmp/out" 2>&1 &&
	   tr -d '\n\t ' <"$tmp/livegraft-kpdummy.c" |
		grep -qF '{.name="dummy",.funcs=funcs_dummy,.callbacks={.post_patch=lgb_cb_dummy_post_patch,}},{}};'; then
		echo "ok      a kpatch callback of a module's file goes to that module's object"
	else
		echo "not ok  a kpatch callback of a module's file goes to that module's object:"
		sed 's/^/        /' "$tmp/out" "$tmp/livegraft-kpdummy.c"
		fails=$((fails + 1))
	fi
	# kpatch's older hooks are a post_patch and a pre_unpatch callback.
	if "$lgb" --arch x86_64 --kver 6.1 --name kphooks --out "$tmp" \
		"$here/kpatch-hooks.patch" >"$tmp/out" 2>&1 &&
	   tr -d '\n\t ' <"$tmp/livegraft-kphooks.c" |
		grep -qF '.callbacks={.pre_unpatch=lgb_cb_vmlinux_pre_unpatch,.post_patch=lgb_cb_vmlinux_post_patch,}}'; then
		echo "ok      KPATCH_LOAD_HOOK and KPATCH_UNLOAD_HOOK become post_patch and pre_unpatch"
	else
		echo "not ok  KPATCH_LOAD_HOOK and KPATCH_UNLOAD_HOOK become post_patch and pre_unpatch:"
		sed 's/^/        /' "$tmp/out" "$tmp/livegraft-kphooks.c"
		fails=$((fails + 1))
	fi
fi

[ "$fails" = 0 ]
