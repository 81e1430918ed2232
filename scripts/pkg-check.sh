#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pkg-check.sh - the host steps of make check for the packaging: each step
# is one invocation, sharing the work directory build/pkg.
#
# usage: pkg-check.sh deb          dpkg-buildpackage -us -uc -b on a copy of
#                                  the tree; the .debs unpacked into a
#                                  throwaway root (build/pkg/root), checked
#        pkg-check.sh lintian      lintian on the .changes: no error, no
#                                  warning
#        pkg-check.sh dkms ARCH KVER   dkms build of the packaged source for
#                                  a cached target kernel, in a throwaway
#                                  DKMS tree; the host's /var/lib/dkms and
#                                  /usr/src stay as they were
#        pkg-check.sh unit         systemd-analyze verify of the packaged
#                                  livegraft.service
#        pkg-check.sh initramfs [KVER]   mkinitramfs with the packaged hook and
#                                  script (in a private mount namespace):
#                                  the patch, livegraft.ko and the command
#                                  are in the image
#        pkg-check.sh livegraft-build [KVER]   the packaged livegraft-build
#                                  makes a patch module of
#                                  selftests/build/cmdline-string.patch for
#                                  x86_64 KVER, its tree left as installed
#        pkg-check.sh ansible      the rollout example: syntax check, then a
#                                  real run against this host, where
#                                  livegraft.ko is not loaded: it must stop
#                                  at the canary on check's exit code 2
#
# The command comes from tools/livegraft (LG_CMD_DIR=... for another
# directory). Exit 0 passed, 1 failed, 77 skipped (the reason is printed).

set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
W=$top/build/pkg
ROOT=$W/root
LG_CACHE=${LG_CACHE:-/var/cache/livegraft}

pp() { printf '[pkg] %s\n' "$*" >&2; }
fail() { pp "FAIL: $*"; exit 1; }
skip() { pp "SKIP: $*"; exit 77; }
need() { command -v "$1" >/dev/null || skip "$1 is not installed (make deps installs it)"; }
need_root() { [ -d "$ROOT/usr/sbin" ] || fail "no $ROOT: run the deb step first"; }
version() { cat "$W/version"; }

step_deb()
{
	local src=$W/src deb f

	need dpkg-buildpackage
	need dh_dkms
	rm -rf "$W" && mkdir -p "$src" "$ROOT" || fail "cannot create $W"
	# The tree as git sees it (new files too), so that the build leaves
	# neither debian/ outputs nor ../*.deb in the worktree.
	(cd "$top" && git ls-files -z --cached --others --exclude-standard) |
		rsync -a --from0 --files-from=- "$top/" "$src/" || fail "copy of the tree"
	(cd "$src" && LG_CMD_DIR=${LG_CMD_DIR:-$top/tools/livegraft} \
		dpkg-buildpackage -us -uc -b) >"$W/build.log" 2>&1 || {
		tail -n 15 "$W/build.log" >&2
		fail "dpkg-buildpackage (build/pkg/build.log)"
	}
	(cd "$src" && dpkg-parsechangelog -S Version) >"$W/version"
	for deb in "$W"/*.deb; do
		case "$deb" in *-dbgsym_*) continue ;; esac
		dpkg-deb -x "$deb" "$ROOT" || fail "dpkg-deb -x $deb"
	done
	for f in usr/sbin/livegraft usr/bin/livegraft-build \
		usr/lib/livegraft/bin/lg-diff \
		usr/lib/livegraft/tools/livegraft-build/livegraft-build \
		usr/share/initramfs-tools/hooks/livegraft \
		usr/share/initramfs-tools/scripts/init-premount/livegraft; do
		[ -x "$ROOT/$f" ] || fail "/$f is missing or not executable"
	done
	for f in "usr/src/livegraft-$(version)/dkms.conf" \
		"usr/src/livegraft-$(version)/Kbuild" \
		usr/include/livegraft/livegraft.h \
		usr/share/man/man8/livegraft.8 \
		usr/share/man/man1/livegraft-build.1 \
		lib/systemd/system/livegraft.service \
		usr/share/doc/livegraft-tools/packaging.md; do
		# dh_compress leaves files under 4 kB alone.
		[ -f "$ROOT/$f" ] || [ -f "$ROOT/$f.gz" ] || fail "/$f is missing"
	done
	grep -qx "PACKAGE_VERSION=\"$(version)\"" "$ROOT/usr/src/livegraft-$(version)/dkms.conf" ||
		fail "dkms.conf's PACKAGE_VERSION is not $(version)"
	# The samples and test modules stay out of the DKMS source.
	[ ! -e "$ROOT/usr/src/livegraft-$(version)/samples" ] || fail "samples/ in the DKMS source"
	# lg-diff was built for this host and runs.
	"$ROOT/usr/lib/livegraft/bin/lg-diff" --help >/dev/null 2>&1
	f=$?
	# 1: its usage; anything above 2 (its refusal) is no answer of its.
	[ $f -le 2 ] || fail "lg-diff does not run (exit $f)"
	pp "$(cd "$W" && ls ./*.deb | tr '\n' ' ')"
}

step_lintian()
{
	local out

	need lintian
	[ -f "$W/livegraft_$(version)_$(dpkg --print-architecture).changes" ] ||
		fail "no .changes: run the deb step first"
	out=$(lintian --fail-on error,warning -I --pedantic \
		"$W/livegraft_$(version)_$(dpkg --print-architecture).changes" 2>&1)
	local rc=$?
	out=$(grep -v '^running with root privileges' <<<"$out")
	[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/[lintian] /' >&2
	[ $rc -eq 0 ] || fail "lintian"
}

# Every file and directory of the host's DKMS places, to compare.
host_dkms_state() { find /var/lib/dkms /usr/src -printf '%p %s %T@\n' 2>/dev/null | sort; }

step_dkms()
{
	local arch=$1 kver=$2 debarch karch release tree before ko

	need dkms
	need_root
	case "$arch" in
	x86_64) debarch=amd64 karch=x86_64 ;;
	arm64) debarch=arm64 karch=aarch64 ;;
	*) fail "unknown arch $arch" ;;
	esac
	release=$(cat "$LG_CACHE/$kver-$debarch/release" 2>/dev/null) ||
		skip "no cached target $kver-$debarch (make deps ARCH=$arch KVER=$kver)"
	tree=$W/dkms-$arch-$kver
	rm -rf "$tree" && mkdir -p "$tree"
	before=$(host_dkms_state)
	dkms --dkmstree "$tree" --sourcetree "$ROOT/usr/src" \
		build -m livegraft -v "$(version)" -k "$release" -a "$karch" \
		--kernelsourcedir "$LG_CACHE/$kver-$debarch/kdir" >"$tree.log" 2>&1 || {
		cat "$tree.log" "$tree"/livegraft/*/build/make.log >&2 2>/dev/null
		fail "dkms build for $release"
	}
	ko=$tree/livegraft/$(version)/$release/$karch/module/livegraft.ko
	[ -f "$ko" ] || fail "dkms built no $ko"
	modinfo -F vermagic "$ko" | grep -q "^$release " ||
		fail "livegraft.ko's vermagic is not $release: $(modinfo -F vermagic "$ko")"
	[ "$before" = "$(host_dkms_state)" ] || fail "dkms changed /var/lib/dkms or /usr/src"
	cp "$ko" "$W/livegraft-$arch-$kver.ko"
}

step_unit()
{
	local out ov=$W/overlay-unit

	need systemd-analyze
	need unshare
	need_root
	unshare -m true 2>/dev/null || skip "no private mount namespace here (unshare -m)"
	# verify looks for ExecStart's program and the units named in the
	# ordering on this host: the package's files go into an overlay of
	# /usr, private to the namespace; the man page is looked up there too.
	rm -rf "$ov" && mkdir -p "$ov"/{usr,usr.w}
	out=$(unshare -m bash -euc '
		ov=$1 root=$2
		mount -t overlay overlay -o "lowerdir=/usr,upperdir=$ov/usr,workdir=$ov/usr.w" /usr
		cp -a "$root/usr/sbin/livegraft" /usr/sbin/
		cp -a "$root/usr/share/man/man8/livegraft.8.gz" /usr/share/man/man8/
		cp -a "$root/lib/systemd/system/livegraft.service" /usr/lib/systemd/system/
		systemd-analyze verify /usr/lib/systemd/system/livegraft.service
	' - "$ov" "$ROOT" 2>&1)
	local rc=$?
	rm -rf "$ov"
	[ $rc -eq 0 ] && [ -z "$out" ] || fail "systemd-analyze verify: $out"
}

# The image for x86_64 KVER (the dkms step's livegraft.ko), built in a
# private mount namespace where /usr and /var are overlays: the package's
# files, /lib/modules/<release> and /var/lib/livegraft/<release> exist there
# only, and go with the namespace. The kept "patches" are copies of
# livegraft.ko under patch names: the hook copies files, it loads nothing.
step_initramfs()
{
	local kver=${1:-6.1} release ko img=$W/initrd.img ov=$W/overlay f list

	need mkinitramfs
	need lsinitramfs
	need unmkinitramfs
	need unshare
	need_root
	release=$(cat "$LG_CACHE/$kver-amd64/release" 2>/dev/null) ||
		skip "no cached target $kver-amd64"
	ko=$W/livegraft-x86_64-$kver.ko
	[ -f "$ko" ] || skip "no $ko: the dkms step for x86_64 $kver did not run"
	unshare -m true 2>/dev/null || skip "no private mount namespace here (unshare -m)"
	[ -d /boot ] || skip "no /boot on this host to hold the target's config"
	rm -rf "$ov" "$img" && mkdir -p "$ov"/{usr,usr.w,var,var.w,boot} "$W/conf"/{hooks,scripts}
	printf 'MODULES=list\nBUSYBOX=auto\nCOMPRESS=gzip\n' >"$W/conf/initramfs.conf"
	: >"$W/conf/modules"
	unshare -m bash -euc '
		ov=$1 root=$2 release=$3 ko=$4 conf=$5 img=$6 config=$7
		mount -t overlay overlay -o "lowerdir=/usr,upperdir=$ov/usr,workdir=$ov/usr.w" /usr
		mount -t overlay overlay -o "lowerdir=/var,upperdir=$ov/var,workdir=$ov/var.w" /var
		# mkinitramfs reads the kernel config (compression, ...).
		mount --bind "$ov/boot" /boot
		cp "$config" /boot/
		cp -a "$root/usr/sbin/livegraft" /usr/sbin/
		cp -a "$root/usr/share/initramfs-tools/." /usr/share/initramfs-tools/
		mkdir -p "/usr/lib/modules/$release/updates/dkms" \
			"/var/lib/livegraft/$release/cumulative"
		cp "$ko" "/usr/lib/modules/$release/updates/dkms/livegraft.ko"
		touch "/usr/lib/modules/$release/modules.order" \
			"/usr/lib/modules/$release/modules.builtin" \
			"/usr/lib/modules/$release/modules.builtin.modinfo"
		depmod "$release"
		cp "$ko" "/var/lib/livegraft/$release/livegraft-fix1.ko"
		cp "$ko" "/var/lib/livegraft/$release/cumulative/livegraft-cumul1.ko"
		TMPDIR=/tmp mkinitramfs -d "$conf" -o "$img" "$release"
	' - "$ov" "$ROOT" "$release" "$ko" "$W/conf" "$img" \
		"$LG_CACHE/$kver-amd64/root/boot/config-$release" >"$W/initramfs.log" 2>&1 || {
		tail -n 20 "$W/initramfs.log" >&2
		fail "mkinitramfs"
	}
	rm -rf "$ov"
	# Without the usr/ of a merged /usr, for either kind of host.
	list=$(lsinitramfs "$img" | sed 's|^usr/||') || fail "lsinitramfs"
	for f in sbin/livegraft sbin/insmod sbin/modinfo scripts/init-premount/livegraft \
		"lib/modules/$release/updates/dkms/livegraft.ko" \
		"var/lib/livegraft/$release/livegraft-fix1.ko" \
		"var/lib/livegraft/$release/cumulative/livegraft-cumul1.ko"; do
		grep -qx "$f" <<<"$list" || fail "/$f is not in the initramfs"
	done
	# init runs what ORDER lists.
	rm -rf "$W/initrd" && unmkinitramfs "$img" "$W/initrd" || fail "unmkinitramfs"
	grep -q '^/scripts/init-premount/livegraft ' "$W/initrd/scripts/init-premount/ORDER" ||
		fail "init-premount/ORDER does not run livegraft"
	rm -rf "$W/initrd"
}

# The packaged driver, as installed: /usr and /var are overlays in a
# private mount namespace, so that /usr/lib/livegraft is the package's and
# what the build writes into the cache (lgbuild/livegraft: livegraft.ko for
# make extmod) goes with the namespace. A warm target only: a cold
# preparation takes minutes (make build-patch does it once).
step_livegraft_build()
{
	local kver=${1:-6.1} ov=$W/overlay-lgb out=$W/lgb-out release ko

	need unshare
	need_root
	release=$(cat "$LG_CACHE/$kver-amd64/release" 2>/dev/null) ||
		skip "no cached target $kver-amd64"
	[ -s "$LG_CACHE/lgbuild/$kver-amd64/stamp" ] ||
		skip "livegraft-build's tree for x86_64 $kver is not prepared (make build-patch prepares it, minutes)"
	unshare -m true 2>/dev/null || skip "no private mount namespace here (unshare -m)"
	rm -rf "$ov" "$out" && mkdir -p "$ov"/{usr,usr.w,var,var.w} "$out"
	nice -n 19 unshare -m bash -euc '
		ov=$1 root=$2 kver=$3 out=$4 fix=$5
		mount -t overlay overlay -o "lowerdir=/usr,upperdir=$ov/usr,workdir=$ov/usr.w" /usr
		mount -t overlay overlay -o "lowerdir=/var,upperdir=$ov/var,workdir=$ov/var.w" /var
		cp -a "$root/usr/." /usr/
		touch "$ov/installed"
		LG_CACHE=/var/cache/livegraft livegraft-build --arch x86_64 --kver "$kver" \
			--out "$out" "$fix"
	' - "$ov" "$ROOT" "$kver" "$out" "$top/selftests/build/cmdline-string.patch" \
		>"$W/livegraft-build.log" 2>&1 || {
		tail -n 20 "$W/livegraft-build.log" >&2
		fail "the packaged livegraft-build"
	}
	ko=$out/livegraft-cmdline_string.ko
	[ -f "$ko" ] || fail "no $ko"
	modinfo -F vermagic "$ko" | grep -q "^$release " || fail "$ko is not for $release"
	# The installed tree stays as the package left it.
	f=$(find "$ov/usr/lib/livegraft" -newer "$ov/installed" | head -n 3)
	[ -z "$f" ] || fail "livegraft-build wrote into /usr/lib/livegraft: $f"
	rm -rf "$ov"
}

# The real run: two inventory names for this host, both through the local
# connection, the canary first. livegraft.ko is not loaded on the host
# (the host never loads livegraft's modules), so the packaged command's
# check exits 2: the canary must fail on that, the second host must never
# run, and nothing may be copied.
step_ansible()
{
	local play=$top/packaging/ansible/rollout.yml inv=$W/inventory.ini out rc

	need ansible-playbook
	ansible-playbook --syntax-check -i "$top/packaging/ansible/inventory.ini" "$play" \
		>/dev/null || fail "ansible-playbook --syntax-check"
	need_root
	[ ! -d /sys/kernel/livegraft ] || skip "livegraft.ko is loaded on this host"
	[ ! -e /var/lib/livegraft ] || skip "this host keeps live patches (/var/lib/livegraft)"
	printf '[livegraft]\ncanary ansible_connection=local\nsecond ansible_connection=local\n' >"$inv"
	: >"$W/livegraft-canary.ko"
	out=$(ANSIBLE_NOCOLOR=1 ansible-playbook -i "$inv" "$play" \
		-e "ansible_python_interpreter=$(command -v python3)" \
		-e "livegraft=$ROOT/usr/sbin/livegraft" -e "patch=$W/livegraft-canary.ko" 2>&1)
	rc=$?
	printf '%s\n' "$out" >"$W/ansible.log"
	[ $rc -ne 0 ] || fail "the rollout succeeded on a host without livegraft.ko"
	grep -q 'livegraft check exited 2 ' <<<"$out" ||
		fail "the canary did not stop on check's exit code 2 (build/pkg/ansible.log)"
	grep -Eq '^canary +:.* failed=1 ' <<<"$out" || fail "the canary did not fail"
	! grep -q '^second ' <<<"$out" || fail "the second batch ran after a failed canary"
	if [ -e /var/lib/livegraft ]; then
		rm -rf /var/lib/livegraft
		fail "the rollout copied the patch to this host (removed)"
	fi
}

case "${1:-}" in
deb | lintian | dkms | unit | initramfs | livegraft-build | ansible)
	s=$1
	shift
	"step_${s//-/_}" "$@"
	;;
*) sed -n 's/^# \{0,1\}//; 6,32p' "$0" >&2; exit 1 ;;
esac
