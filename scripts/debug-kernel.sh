#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# debug-kernel.sh - build make check-debug's kernel: Debian's linux-source
# with scripts/debug/*.config (KASAN, lockdep, kmemleak, ...), laid out in
# the cache as deps.sh lays out Debian's kernels, so that KVER=<kver>-debug
# works with the Makefile, vm-run.sh and check.sh like any other target.
#
# usage: debug-kernel.sh [ARCH [KVER]]   ARCH x86_64 (default) or arm64,
#                                        KVER 6.1 (default)
#
# Outputs, in $LG_CACHE/<kver>-debug-<debarch>/: build (the O= tree, which
# is also kdir), vmlinuz, release, version, busybox; and the link
# $LG_CACHE/src/linux-source-<kver>-debug to the target's kselftest tree.
# Built once per machine: a run that finds the same source package version
# and the same config fragments already built does nothing. The source is
# unpacked under $LG_CACHE/src/full-<kver>, never into git.

set -euo pipefail

LG_CACHE=${LG_CACHE:-/var/cache/livegraft}
ARCH=${1:-x86_64}
KVER=${2:-6.1}
here=$(cd "$(dirname "$0")" && pwd)

case "$ARCH" in
x86_64) DEBARCH=amd64 KARCH=x86 CROSS='' IMAGE=arch/x86/boot/bzImage ;;
arm64)
	DEBARCH=arm64 KARCH=arm64 IMAGE=arch/arm64/boot/Image
	CROSS=
	[ "$(uname -m)" = aarch64 ] || CROSS=aarch64-linux-gnu-
	;;
*) echo "debug-kernel.sh: unknown ARCH '$ARCH'" >&2; exit 1 ;;
esac

pp() { printf '[debug-kernel] %s\n' "$*" >&2; }

# Debian's kernel of the same series first: its packages, busybox and the
# kselftest tree are the debug target's too.
"$here/deps.sh" "$ARCH" "$KVER"
for pkg in flex bison bc libelf-dev; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' && continue
	pp "apt-get install $pkg"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg" >&2
done

base=$LG_CACHE/$KVER-$DEBARCH
target=$LG_CACHE/$KVER-debug-$DEBARCH
src=$LG_CACHE/src/full-$KVER/linux-source-$KVER
tarball=/usr/src/linux-source-$KVER.tar.xz
fragments=("$here/debug/common.config" "$here/debug/$ARCH.config")
version="$(dpkg-query -W -f='${Version}' "linux-source-$KVER") $(cat "${fragments[@]}" | sha1sum | cut -c1-12)"

ln -sfn "linux-source-$KVER" "$LG_CACHE/src/linux-source-$KVER-debug"
if [ "$(cat "$target/version" 2>/dev/null)" = "$version" ] && [ -f "$target/release" ]; then
	exit 0
fi

# unpack() - the whole source tree, once per package version.
unpack()
{
	local pkg

	pkg=$(dpkg-query -W -f='${Version}' "linux-source-$KVER")
	[ "$(cat "$src/.lg-version" 2>/dev/null)" = "$pkg" ] && return 0
	pp "unpacking $tarball"
	rm -rf "$LG_CACHE/src/full-$KVER"
	mkdir -p "$LG_CACHE/src/full-$KVER"
	tar -xf "$tarball" -C "$LG_CACHE/src/full-$KVER"
	echo "$pkg" >"$src/.lg-version"
}

# check_config() - every =y the fragments ask for is =y: a dependency that
# dropped an option must not go unnoticed.
check_config()
{
	local opt bad=0

	for opt in $(grep -h '^CONFIG_.*=y$' "${fragments[@]}" | cut -d= -f1); do
		grep -qx "$opt=y" "$target/build/.config" && continue
		pp "FAIL: $opt=y was asked for, .config has: $(grep "^$opt=\|^# $opt is" "$target/build/.config" || echo nothing)"
		bad=1
	done
	return $bad
}

kmake()
{
	nice -n 19 make -C "$src" O="$target/build" ARCH="$KARCH" \
		${CROSS:+CROSS_COMPILE=$CROSS} "$@"
}

unpack
mkdir -p "$target/build"
rm -f "$target/release" "$target/version"
pp "configuring: allnoconfig + ${fragments[*]##*/}"
(cd "$src" && ARCH=$KARCH CROSS_COMPILE=$CROSS \
	scripts/kconfig/merge_config.sh -n -O "$target/build" "${fragments[@]}" >/dev/null)
kmake -s olddefconfig
check_config
start=$(date +%s)
pp "building $(kmake -s kernelrelease) for $ARCH (make -j2, nice 19)"
kmake -s -j2 all
pp "built in $(( $(date +%s) - start ))s"

ln -sfn build "$target/kdir"
ln -sfn "build/$IMAGE" "$target/vmlinuz"
ln -sfn "$(readlink -f "$base/busybox")" "$target/busybox"
kmake -s kernelrelease >"$target/release"
echo "$version" >"$target/version"
pp "ready: $ARCH $KVER-debug $(cat "$target/release") in $target"
