#!/bin/busybox sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0
#
# /init of livegraft's test guest: mount, run the work the host asked for,
# check that nothing leaked, print the end marker, power off.

/bin/busybox --install -s
# The static insmod built for the guest stays in place of busybox's.

step() { echo "[+] $*"; }

fail() {
	echo "[!] $*"
	rc=1
}

mount_filesystems() {
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev
	# devtmpfs has no fd links; kselftest's runner writes to /dev/stdout.
	ln -s /proc/self/fd /dev/fd
	ln -s fd/0 /dev/stdin
	ln -s fd/1 /dev/stdout
	ln -s fd/2 /dev/stderr
	mkdir -p /dev/pts /dev/shm
	mount -t devpts devpts /dev/pts
	mount -t tmpfs tmpfs /tmp
	mount -t debugfs debugfs /sys/kernel/debug
	mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
	hostname livegraft-guest
}

run_work() {
	case "$mode" in
	kselftest)
		step "running the kselftest collection on $(uname -r) $(uname -m)"
		t=$(cat /etc/lg-scenario-timeout)
		[ -n "$t" ] && export LG_SCENARIO_TIMEOUT="$t"
		t=$(cat /etc/lg-only)
		[ -n "$t" ] && export LG_ONLY="$t"
		. /etc/lg-env
		cd /kselftest || return
		# What must report: the host checks every scenario listed here.
		for script in $(cat /etc/lg-scripts); do
			LG_LIST=1 sh "livegraft/$script" |
				sed "s|^|LIVEGRAFT-SCENARIO $script: |"
		done
		# shellcheck disable=SC2046 # LG_TESTS: "-t livegraft:test-x.sh ..."
		./run_kselftest.sh $(cat /etc/lg-tests)
		# make check proves that a leftover fails the run.
		grep -qx leftover /etc/lg-fault &&
			insmod "/lib/modules/$(uname -r)/extra/livegraft.ko"
		# make check-debug, that each fault its kernel catches does.
		for f in leak uaf lockdep sleep; do
			grep -qx $f /etc/lg-fault || continue
			insmod "/lib/modules/$(uname -r)/extra/test_lg_debug.ko" fault=$f &&
				rmmod test_lg_debug
		done
		cd /
		;;
	demo)
		sh /root/demo.sh
		rc=$?
		;;
	cmd)
		cd /extra 2>/dev/null || cd /
		sh -c "$(cat /etc/lg-cmd)"
		rc=$?
		cd /
		;;
	esac
}

# check_leaks() - every test leaves the system as it found it.
check_leaks() {
	step "checking for leftovers"
	touch /run/livegraft-leftovers
	for ko in "/lib/modules/$(uname -r)/extra/"*.ko; do
		name=$(basename "$ko" .ko | tr - _)
		grep -qx "$name" /run/livegraft-leftovers && continue
		grep -q "^$name " /proc/modules && fail "module $name still loaded"
	done
	if grep -qx livegraft /run/livegraft-leftovers; then
		[ -z "$(ls /sys/kernel/livegraft)" ] ||
			fail "patches left in /sys/kernel/livegraft: $(ls /sys/kernel/livegraft)"
	elif [ -e /sys/kernel/livegraft ]; then
		fail "/sys/kernel/livegraft still exists"
	fi
	# Taint bits 7 (D: oops) and 9 (W: warning).
	[ $(($(cat /proc/sys/kernel/tainted) & 0x280)) -eq 0 ] ||
		fail "kernel tainted by an oops or a warning"
}

# kmemleak_scan() - what kmemleak finds now. It reports no object younger
# than 5 s, and an object it saw once only on the second scan.
kmemleak_scan() {
	echo scan >/sys/kernel/debug/kmemleak
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak
}

# kmemleak_boot() - the debug kernel's own leaks, before any module of ours:
# shown (prefixed, not a failure) and forgotten, so that the scan after the
# work reports only what was lost since.
kmemleak_boot() {
	[ -e /sys/kernel/debug/kmemleak ] || return 0
	step "kmemleak: the kernel's own leaks at boot"
	kmemleak_scan | sed 's/^/kmemleak at boot: /'
	echo clear >/sys/kernel/debug/kmemleak
}

# kmemleak_check() - anything lost since kmemleak_boot() fails the run; the
# host fails it too, on the report's "unreferenced object" lines.
kmemleak_check() {
	[ -e /sys/kernel/debug/kmemleak ] || return 0
	step "kmemleak: scanning for leaks"
	kmemleak_scan >/tmp/kmemleak
	cat /tmp/kmemleak
	n=$(grep -c '^unreferenced object' /tmp/kmemleak)
	[ "$n" -eq 0 ] || fail "kmemleak: $n unreferenced objects"
}

rc=0
mode=$(cat /etc/lg-mode)
mount_filesystems
kmemleak_boot
echo "LIVEGRAFT-BEGIN $(cat /etc/lg-token)"
run_work
[ "$mode" = kselftest ] && check_leaks
kmemleak_check
echo "LIVEGRAFT-END $(cat /etc/lg-token) rc=$rc"
poweroff -f
