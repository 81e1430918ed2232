#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh - install the host packages livegraft needs and fetch one target
# kernel (image + headers) from Debian's archive into the cache.
#
# usage: deps.sh [ARCH [KVER]]     ARCH x86_64|arm64 (default x86_64),
#                                  KVER 6.1 (default) or 6.12
#
# Nothing is installed over the host's own kernel: the target's packages are
# unpacked with dpkg-deb into $LG_CACHE/<kver>-<debarch>/root. Versions are
# read from Debian's metapackages every run; a run that finds the resolved
# version already unpacked does nothing else and takes a second or two.
#
# Outputs, per target, in $LG_CACHE/<kver>-<debarch>/:
#   kdir      the kernel headers tree to build modules against
#   vmlinuz   the kernel to boot in QEMU
#   busybox   a static busybox for the guest's initramfs
#   release   the kernel release string (uname -r in the guest)
#   root/lib/modules/<release>/kernel/...  the image's modules that the
#             guest tests load (selftests/target-modules), as packaged
# and, shared by all targets, $LG_CACHE/src/linux-source-<kver>/ with the
# kselftest runner and checkpatch.pl taken from Debian's linux-source package.

set -euo pipefail

LG_CACHE=${LG_CACHE:-/var/cache/livegraft}
ARCH=${1:-x86_64}
KVER=${2:-6.1}

HOST_PKGS="make gcc-12 libc6-dev cpio gzip xz-utils rsync busybox-static
qemu-system-x86 qemu-system-arm gcc-12-aarch64-linux-gnu gcc-aarch64-linux-gnu
libc6-dev-arm64-cross linux-source-$KVER shellcheck
patch flex bison bc libelf-dev
dkms dh-dkms debhelper lintian systemd initramfs-tools-core kmod ansible-core
gnuplot-nox"

case "$ARCH" in
x86_64) DEBARCH=amd64 ;;
arm64) DEBARCH=arm64 ;;
*) echo "deps.sh: unknown ARCH '$ARCH' (x86_64 or arm64)" >&2; exit 1 ;;
esac

# Bookworm's own kernel, or the 6.12 series bookworm carries beside it.
case "$KVER" in
6.1) IMAGE_META=linux-image-$DEBARCH ;;
6.12) IMAGE_META=linux-image-6.12-$DEBARCH ;;
*) echo "deps.sh: unknown KVER '$KVER' (6.1 or 6.12)" >&2; exit 1 ;;
esac

TARGET=$LG_CACHE/$KVER-$DEBARCH
TARGET_MODULES=$(cd "$(dirname "$0")/.." && pwd)/selftests/target-modules
APT_UPDATED=

pp() { printf '[deps] %s\n' "$*" >&2; }

# apt_update() - refresh the package lists once per run, only when needed.
apt_update()
{
	[ -n "$APT_UPDATED" ] && return 0
	pp "apt-get update"
	apt-get update -qq >&2
	APT_UPDATED=1
}

# ensure_host_packages() - install whatever host package is missing.
ensure_host_packages()
{
	local missing=() pkg

	for pkg in $HOST_PKGS; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$pkg")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	apt_update
	pp "apt-get install ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >&2
}

# ensure_foreign_arch() - let apt see the target architecture's packages.
ensure_foreign_arch()
{
	[ "$DEBARCH" = "$(dpkg --print-architecture)" ] && return 0
	dpkg --print-foreign-architectures | grep -qx "$DEBARCH" && return 0
	pp "dpkg --add-architecture $DEBARCH"
	dpkg --add-architecture "$DEBARCH"
	APT_UPDATED=
	apt_update
}

# depends_on(pkg, pattern) - the first dependency of pkg matching pattern.
depends_on()
{
	apt-cache depends "$1" 2>/dev/null |
		sed -n "s/^ *Depends: \($2\)\(:[a-z0-9]*\)\?$/\1/p" | head -n 1
}

# candidate(pkg) - the version apt would install.
candidate()
{
	apt-cache policy "$1" | sed -n 's/^ *Candidate: //p'
}

# download(dir, pkg=version...) - apt-get download into dir, once.
download()
{
	local dir=$1
	shift
	mkdir -p "$dir"
	# apt drops privileges to _apt for downloads when it can.
	chown _apt "$dir" 2>/dev/null || true
	(cd "$dir" && apt-get download -qq "$@" >&2)
}

# unpack(deb, root, [paths]) - extract a package without installing it.
unpack()
{
	local deb=$1 root=$2
	shift 2
	mkdir -p "$root"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$root" "$@"
}

# fetch_kernel() - the image, headers and host kbuild of the target kernel.
fetch_kernel()
{
	local image headers common release version kbuild kbuild_ver debs

	image=$(depends_on "$IMAGE_META:$DEBARCH" 'linux-image-[^ :]*')
	[ -n "$image" ] || { apt_update; image=$(depends_on "$IMAGE_META:$DEBARCH" 'linux-image-[^ :]*'); }
	[ -n "$image" ] || { echo "deps.sh: cannot resolve $IMAGE_META" >&2; exit 1; }
	release=${image#linux-image-}
	version=$(candidate "$image:$DEBARCH")

	if [ -f "$TARGET/release" ] && [ "$(cat "$TARGET/version" 2>/dev/null)" = "$version" ] &&
	   [ "$(cat "$TARGET/release")" = "$release" ]; then
		return 0
	fi

	headers=linux-headers-$release
	common=linux-headers-${release%-*}-common
	kbuild=$(depends_on "$headers:$DEBARCH" 'linux-kbuild-[^ :]*')
	kbuild_ver=$(candidate "$kbuild")

	pp "fetching $image $version for $ARCH into $TARGET"
	rm -rf "$TARGET"
	debs=$TARGET/debs
	download "$debs" "$image:$DEBARCH=$version" "$headers:$DEBARCH=$version" \
		"$common=$version" "$kbuild=$kbuild_ver"

	unpack "$debs/${image}_"*.deb "$TARGET/root" ./boot
	unpack_target_modules "$debs/${image}_"*.deb "$release"
	unpack "$debs/${headers}_"*.deb "$TARGET/root"
	unpack "$debs/${common}_"*.deb "$TARGET/root"
	# The host's own architecture of kbuild: its fixdep and modpost run
	# here, also when cross-building for arm64.
	unpack "$debs/${kbuild}_"*.deb "$TARGET/root"

	ln -sfn "root/usr/src/$headers" "$TARGET/kdir"
	# The arch headers include the common ones by absolute path.
	sed -i "s|/usr/src/|$TARGET/root/usr/src/|" "$TARGET/kdir/Makefile"
	ln -sfn "root/boot/vmlinuz-$release" "$TARGET/vmlinuz"
	[ -e "$TARGET/kdir/scripts/basic/fixdep" ] ||
		{ echo "deps.sh: $TARGET/kdir/scripts is not usable" >&2; exit 1; }
	rm -rf "$debs"
	echo "$version" >"$TARGET/version"
	echo "$release" >"$TARGET/release"
}

# unpack_target_modules(deb, release) - the modules of the image package
# listed in selftests/target-modules (paths under lib/modules/<release>,
# without the compression suffix), as Debian ships them: the guest tests
# load them, livegraft-build reads their symbol tables. The list, copied
# beside them, is the stamp.
unpack_target_modules()
{
	local deb=$1 release=$2 m paths=()

	while read -r m; do
		case "$m" in
		'' | '#'*) continue ;;
		esac
		paths+=("./lib/modules/$release/$m*")
	done <"$TARGET_MODULES"
	rm -rf "$TARGET/root/lib/modules/$release/kernel"
	[ ${#paths[@]} -eq 0 ] ||
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$TARGET/root" --wildcards "${paths[@]}"
	cp "$TARGET_MODULES" "$TARGET/target-modules"
}

# fetch_target_modules() - the image package once more, when the list of
# modules changed since the kernel was fetched.
fetch_target_modules()
{
	local release version image

	if cmp -s "$TARGET_MODULES" "$TARGET/target-modules"; then
		# make's stamp: newer than the list of a fresh checkout
		touch "$TARGET/target-modules"
		return 0
	fi
	release=$(cat "$TARGET/release")
	version=$(cat "$TARGET/version")
	image=linux-image-$release
	pp "fetching $image $version for the modules of selftests/target-modules"
	rm -rf "$TARGET/debs"
	download "$TARGET/debs" "$image:$DEBARCH=$version"
	unpack_target_modules "$TARGET/debs/${image}_"*.deb "$release"
	rm -rf "$TARGET/debs"
}

# fetch_busybox() - a static busybox of the target architecture.
fetch_busybox()
{
	local version

	if [ "$DEBARCH" = "$(dpkg --print-architecture)" ]; then
		ln -sfn /bin/busybox "$TARGET/busybox"
		return 0
	fi
	[ -x "$TARGET/busybox" ] && return 0
	version=$(candidate "busybox-static:$DEBARCH")
	pp "fetching busybox-static:$DEBARCH $version"
	download "$TARGET/debs" "busybox-static:$DEBARCH=$version"
	unpack "$TARGET/debs/busybox-static_"*.deb "$TARGET/bb" ./bin/busybox
	mv "$TARGET/bb/bin/busybox" "$TARGET/busybox"
	rm -rf "$TARGET/bb" "$TARGET/debs"
}

# fetch_kselftest() - the kselftest runner, checkpatch.pl, and the kernel's
# livepatch samples and test modules (built against livegraft's
# compatibility layer), straight from Debian's linux-source package: the
# real harness and code nobody here wrote, not copies in our tree.
fetch_kselftest()
{
	local src=$LG_CACHE/src/linux-source-$KVER
	local version tarball=/usr/src/linux-source-$KVER.tar.xz

	# The stamp names what is extracted, so that a new list re-extracts.
	version="$(dpkg-query -W -f='${Version}' "linux-source-$KVER") klp2"
	[ "$(cat "$src/version" 2>/dev/null)" = "$version" ] && return 0
	pp "extracting the kselftest runner, checkpatch.pl and the livepatch samples and test modules from $tarball"
	rm -rf "$src"
	mkdir -p "$LG_CACHE/src"
	# The kernel's livepatch test modules moved in 6.10.
	case $KVER in
	6.1) klp_tests=lib/livepatch klp_extra= ;;
	*)
		klp_tests=tools/testing/selftests/livepatch/test_modules
		klp_extra=tools/testing/selftests/livepatch/test_klp-call_getpid.c
		;;
	esac
	tar -xf "$tarball" -C "$LG_CACHE/src" \
		"linux-source-$KVER/tools/testing/selftests/run_kselftest.sh" \
		"linux-source-$KVER/tools/testing/selftests/kselftest" \
		"linux-source-$KVER/tools/testing/selftests/lib.mk" \
		"linux-source-$KVER/scripts/checkpatch.pl" \
		"linux-source-$KVER/scripts/spelling.txt" \
		"linux-source-$KVER/scripts/const_structs.checkpatch" \
		"linux-source-$KVER/samples/livepatch" \
		"linux-source-$KVER/$klp_tests" \
		${klp_extra:+"linux-source-$KVER/$klp_extra"}
	ln -sfn "$klp_tests" "$src/klp-tests"
	echo "$version" >"$src/version"
}

# One run at a time: apt-get and dpkg take their own locks and fail rather
# than wait, and two runs for one kernel series share its source tree.
mkdir -p "$LG_CACHE"
exec 9>"$LG_CACHE/.deps.lock"
flock 9
ensure_host_packages
ensure_foreign_arch
mkdir -p "$TARGET"
fetch_kernel
fetch_target_modules
fetch_busybox
fetch_kselftest
pp "ready: $ARCH $KVER $(cat "$TARGET/release") in $TARGET"
