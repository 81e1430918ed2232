#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - what `make check` runs: lint and the host's checks, then for
# every target (architecture x kernel) a build, a patch module made as a
# user makes one, and the kselftest collection in a QEMU guest, all but its
# long scripts. `make check-long` (--long) runs those: the consistency
# stress, the soak, the fault injection, livegraft-build's fixes and their
# test in the guest. Lint and each build count as one test each; every
# selftest scenario counts as one.
#
# usage: check.sh [--long | --debug] "KVER..." ARCH...
# Every architecture runs on every kernel version. One architecture's
# targets run in turn, the architectures side by side (a guest each, on a
# 2-CPU machine); the host's checks run before the first architecture's
# targets. The last line is "N passed, N failed, N skipped"; exit 1 on any
# failure. --debug is make check-debug: on a debug kernel (KVER=6.1-debug),
# the harness checks are that each fault its kernel catches fails a run,
# then the whole collection; no lint, no benchmark.

set -uo pipefail

# The scripts of make check-long; make check runs the others.
LONG_SCRIPTS="test-stress.sh test-soak.sh test-fault.sh test-build.sh"

mode=check
case "$1" in
--debug)
	mode=debug
	shift
	# KASAN, lockdep and kmemleak under TCG: test-stress.sh alone takes
	# more than the 600 s of selftests/settings, its cumulative chain more
	# than the 240 s a scenario has by default.
	export LG_TIMEOUT=${LG_TIMEOUT:-3600}
	export LG_SCRIPT_TIMEOUT=${LG_SCRIPT_TIMEOUT:-1800}
	export LG_SCENARIO_TIMEOUT=${LG_SCENARIO_TIMEOUT:-900}
	;;
--long)
	mode=long
	shift
	;;
esac
kvers=$1
kver=${kvers%% *}
shift
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
# shellcheck source=scripts/collection.sh
. scripts/collection.sh

passed=0 failed=0 skipped=0
summary=()
start=$(date +%s)

# step(name, cmd...) - run a step that counts as one test
step()
{
	local name=$1
	shift
	if "$@"; then
		passed=$((passed + 1))
		summary+=("ok      $name")
	else
		failed=$((failed + 1))
		summary+=("not ok  $name")
		return 1
	fi
}

# host_step(name, cmd...) - step() for a host step that may not run on
# this machine: exit 77 counts as skipped (the step printed why); the
# summary gives each one's time
host_step()
{
	local name=$1 t0 rc
	shift
	t0=$(date +%s)
	"$@"
	rc=$?
	name="$name ($(($(date +%s) - t0)) s)"
	if [ $rc -eq 0 ]; then
		passed=$((passed + 1))
		summary+=("ok      $name")
	elif [ $rc -eq 77 ]; then
		skipped=$((skipped + 1))
		summary+=("skip    $name")
	else
		failed=$((failed + 1))
		summary+=("not ok  $name")
	fi
}

# harness_catches(what, timeout, cmd) - the VM runner must fail a guest
# whose command breaks the kernel in this way, and say why
harness_catches()
{
	local out

	make -s ARCH="$1" KVER="$kver" >/dev/null || return 1
	out=$(LG_TIMEOUT=$3 scripts/vm-run.sh --arch "$1" --kver "$kver" \
		--build "build/$1-$kver" --cmd "$4" 2>&1) && return 1
	grep -q "FAIL: $2" <<<"$out"
}

# harness_kselftest_catches(arch, message, VAR=value...) - the shortest
# script of the collection, with a fault: the run must fail and say so
# (each line of message, in any order)
harness_kselftest_catches()
{
	local arch=$1 msg=$2 out line
	shift 2
	make -s ARCH="$arch" KVER="$kver" >/dev/null || return 1
	out=$(env LG_TESTS=test-core.sh "$@" scripts/vm-run.sh --arch "$arch" \
		--kver "$kver" --build "build/$arch-$kver" --kselftest 2>&1) && return 1
	while read -r line; do
		grep -qF -- "$line" <<<"$out" || return 1
	done <<<"$msg"
}

# user_patch_module(arch) - what Documentation/writing-a-patch.md tells a
# patch author to do: build a module outside the tree with make extmod,
# then try it in a guest with make vm-run
user_patch_module()
{
	local dir rc
	# shellcheck disable=SC2016 # $(uname -r) is the guest's
	local cmd='insmod /lib/modules/$(uname -r)/extra/livegraft.ko && insmod my_patch.ko && grep -qx "my_patch: this has been live patched" /proc/cmdline'

	dir=$(mktemp -d)
	sed 's/livegraft_sample/my_patch/g' samples/livegraft-sample.c >"$dir/my_patch.c"
	echo 'obj-m := my_patch.o' >"$dir/Kbuild"
	make -s ARCH="$1" KVER="$kver" extmod M="$dir" >/dev/null &&
		quiet_unless_failed make -s ARCH="$1" KVER="$kver" vm-run EXTRA="$dir" CMD="$cmd"
	rc=$?
	rm -rf "$dir"
	return $rc
}

# quiet_unless_failed(cmd...) - cmd with its output shown only when it
# fails (a guest's console is the only account of what went wrong)
quiet_unless_failed()
{
	local out rc

	out=$("$@" 2>&1)
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "$*: exit $rc"
		printf '%s\n' "$out" | tail -n 60
	fi
	return $rc
}

# command_new_and_test(arch) - the livegraft command's prepare and test
# steps: `livegraft new`'s skeleton builds with make extmod, and
# `livegraft test` fails it in a guest (unedited, it refuses to load); a
# real patch module passes `livegraft test` with its smoke script
command_new_and_test()
{
	local dir out rc=1 lg=tools/livegraft/livegraft

	dir=$(mktemp -d)
	if (cd "$dir" && "$top/$lg" new lg_skel cmdline_proc_show >/dev/null) &&
		make -s ARCH="$1" KVER="$kver" extmod M="$dir/lg_skel" >/dev/null; then
		out=$("$lg" test "$dir/lg_skel/lg_skel.ko" --arch "$1" --kver "$kver" 2>&1)
		rc=$?
	fi
	if [ "$rc" -ne 0 ] && grep -q "insmod .*lg_skel.ko failed: .*Invalid argument" <<<"$out"; then
		mkdir "$dir/my_patch"
		sed 's/livegraft_sample/my_patch/g' samples/livegraft-sample.c >"$dir/my_patch/my_patch.c"
		echo 'obj-m := my_patch.o' >"$dir/my_patch/Kbuild"
		echo 'grep -qx "my_patch: this has been live patched" /proc/cmdline' >"$dir/smoke.sh"
		make -s ARCH="$1" KVER="$kver" extmod M="$dir/my_patch" >/dev/null &&
			quiet_unless_failed "$lg" test "$dir/my_patch/my_patch.ko" \
				"$dir/smoke.sh" --arch "$1" --kver "$kver"
		rc=$?
	else
		echo "livegraft test of the unedited skeleton: exit $rc, expected its insmod to fail with EINVAL:"
		printf '%s\n' "$out" | tail -n 40
		rc=1
	fi
	rm -rf "$dir"
	return $rc
}

# host_checks(arch...) - lint, the host's checks and the harness's, in
# the first architecture's guests
host_checks()
{
	local arch

	if [ $mode = debug ]; then
		step "harness: a leak fails the run (kmemleak)" \
			harness_kselftest_catches "$1" "unreferenced object 0x" LG_FAULT=leak
		step "harness: a use after free fails the run (KASAN)" \
			harness_kselftest_catches "$1" "BUG: KASAN: use-after-free in test_lg_debug_init" \
			LG_FAULT=uaf
		step "harness: a lock order inversion fails the run (lockdep)" \
			harness_kselftest_catches "$1" "WARNING: possible circular locking dependency detected" \
			LG_FAULT=lockdep
		step "harness: sleeping under a spinlock fails the run" \
			harness_kselftest_catches "$1" "BUG: sleeping function called from invalid context" \
			LG_FAULT=sleep
	else
		step "lint" make -s lint KVER="$kver"
		step "lg-diff unit tests (host)" make -s -C tools/livegraft-build check
		step "the livegraft command on made-up sysfs and ftrace trees (host)" \
			tools/livegraft/tests/run.sh
		step "livegraft-build's refusals; a build leaves the pristine source alone (host)" \
			env LGB_WARM=1 selftests/build/test-driver.sh
		step "the benchmark's report and plot render from canned guest output (host)" \
			scripts/bench-test/check.sh
		# Packaging (scripts/pkg-check.sh, Documentation/packaging.md): the
		# .debs, lintian, DKMS for each architecture on the first kernel, the
		# packaged livegraft-build (a minute: it builds livegraft.ko for its
		# make extmod), the boot unit, the initramfs, the Ansible rollout;
		# about two minutes in all.
		host_step "package: dpkg-buildpackage, the .debs unpacked and checked (host)" \
			scripts/pkg-check.sh deb
		host_step "package: lintian, no error or warning (host)" scripts/pkg-check.sh lintian
		for arch in "$@"; do
			host_step "package: dkms build of livegraft-dkms for $arch $kver (host)" \
				scripts/pkg-check.sh dkms "$arch" "$kver"
		done
		host_step "package: the packaged livegraft-build makes a patch module, x86_64 $kver (host)" \
			scripts/pkg-check.sh livegraft-build "$kver"
		host_step "package: systemd-analyze verify livegraft.service (host)" \
			scripts/pkg-check.sh unit
		host_step "package: mkinitramfs with the livegraft hook, x86_64 $kver (host)" \
			scripts/pkg-check.sh initramfs "$kver"
		host_step "package: Ansible rollout, syntax and a real run stopped at the canary (host)" \
			scripts/pkg-check.sh ansible
		step "harness catches a kernel panic" \
			harness_catches "$1" "the kernel reported an error" 300 'echo c >/proc/sysrq-trigger'
		step "harness catches a hung guest" \
			harness_catches "$1" "timeout" 30 'sleep 600'
		step "harness: a leftover module fails the run" \
			harness_kselftest_catches "$1" "FAIL: the guest found leftovers" LG_FAULT=leftover
		step "harness: a scenario that never ends fails, the rest runs" \
			harness_kselftest_catches "$1" "TEST: harness: a scenario that never ends ... not ok" \
			LG_FAULT=hang LG_SCENARIO_TIMEOUT=10
		# Without the harness's kill, the dead scenario's process keeps the
		# runner's pipe open and the script ends in its 120 s timeout.
		step "harness: a scenario that dies leaves nothing running" \
			harness_kselftest_catches "$1" \
			"not ok 1 selftests: livegraft: test-core.sh # exit=1" \
			LG_FAULT=orphan LG_SCRIPT_TIMEOUT=120
		step "harness: a scenario whose cleanup leaves a module fails, naming it" \
			harness_kselftest_catches "$1" \
			"ERROR: cleanup left rmmod livegraft:
TEST: harness: a scenario that leaves a module in use ... not ok" \
			LG_FAULT=in-use LG_ONLY="harness: a scenario that leaves a module in use"
		step "harness: a script that never reports fails the run" \
			harness_kselftest_catches "$1" "FAIL: test-missing.sh never reported" \
			LG_TESTS="test-core.sh test-missing.sh"
		step "harness: a scenario that never runs fails the run" \
			harness_kselftest_catches "$1" \
			"FAIL: test-core.sh: refuse to load without kallsyms_lookup_name: never reported" \
			LG_FAULT=stop-early
		# A short run of the benchmark, to prove it works; its figures mean little.
		step "benchmark runs" env CALLS=10000 E2E_CALLS=10000 RUNS=1 BOUND=15 \
			SCALE_THREADS=100 scripts/bench.sh "$1" "$kver" >/dev/null
	fi
}

# scripts(long|quick|all) - the collection's scripts of that kind, in the
# collection's order
scripts()
{
	local t long

	for t in $(collection_scripts .); do
		case " $LONG_SCRIPTS " in
		*" $t "*) long=1 ;;
		*) long= ;;
		esac
		case $1 in
		long) [ -n "$long" ] || continue ;;
		quick) [ -z "$long" ] || continue ;;
		esac
		printf '%s ' "$t"
	done
}

# target_check(arch, kver) - one target's steps and its collection
# (make check's, check-long's, or all of it on the debug kernel)
target_check()
{
	local arch=$1 tag=$1-$2 build=build/$1-$2 p f s tests

	kver=$2
	rm -f "$build/results" "$build/failures"
	step "build $tag" make -s ARCH="$arch" KVER="$kver" || return 0
	if [ $mode != long ]; then
		if [ "$arch" = x86_64 ]; then
			step "fast path trampolines branch only directly $tag" \
				scripts/check-tramp.sh "$build/livegraft.ko"
		fi
		step "user patch module $tag: make extmod, make vm-run" \
			user_patch_module "$arch"
		step "livegraft new and livegraft test $tag" \
			command_new_and_test "$arch"
	fi
	case $mode in
	check) tests=$(scripts quick) ;;
	long) tests=$(scripts long) ;;
	debug) tests=$(scripts all) ;;
	esac
	if [ "$tests" != "${tests/test-build.sh/}" ]; then
		# The fixes of selftests/build made into patch modules for
		# test-build.sh in the guest (a target's first build prepares
		# its source tree: minutes).
		# The debug kernel has no Debian package: its build directory
		# serves (--kdir), for the fixes that build on a KASAN kernel.
		step "livegraft-build: the fixes of selftests/build for $tag" \
			selftests/build/build-fixes.sh "$arch" "$kver" "$build/lgbuild"
	fi
	# The collection in one guest, LG_TIMEOUT bounding it.
	LG_TESTS="$tests" LG_TIMEOUT=${LG_TIMEOUT:-2400} \
		scripts/vm-run.sh --arch "$arch" --kver "$kver" --build "$build" --kselftest
	if [ -f "$build/results" ]; then
		read -r p f s <"$build/results"
	else
		p=0 f=1 s=0
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	summary+=("$( [ "$f" -eq 0 ] && echo "ok    " || echo "not ok")  selftests $tag: $p passed, $f failed, $s skipped")
	# What failed, named where CI's tail shows it.
	if [ "$f" -ne 0 ] && [ -s "$build/failures" ]; then
		while IFS= read -r what; do
			summary+=("          $what")
		done <"$build/failures"
	fi
}

# job(name, function, args...) - run a function whose steps count apart:
# its counts and summary lines go to $jobs/name.{counts,summary}
jobs=build/check-jobs
job()
{
	local name=$1

	shift
	passed=0 failed=0 skipped=0 summary=()
	"$@"
	printf '%s\n' "${summary[@]}" >"$jobs/$name.summary"
	echo "$passed $failed $skipped" >"$jobs/$name.counts"
}

# lane(arch, first) - one architecture's targets in turn, after the host's
# checks in the first one (their harness boots that architecture's
# guests from the same build directory)
lane()
{
	local lane_arch=$1 kv

	if [ "$2" = 1 ] && [ $mode != long ]; then
		job host host_checks "${archs[@]}"
	fi
	for kv in $kvers; do
		job "$lane_arch-$kv" target_check "$lane_arch" "$kv"
	done
}

archs=("$@")
rm -rf "$jobs"
mkdir -p "$jobs"
# Every target's packages and kernel before the lanes start, one at a
# time: the host's checks need the host's packages, and two lanes would
# otherwise meet in apt-get (on a new machine, the x86_64 lane then failed
# on dpkg's lock). The debug kernel is built by its own target's make.
if [ $mode != debug ]; then
	for kv in $kvers; do
		for arch in "${archs[@]}"; do
			if ! scripts/deps.sh "$arch" "$kv"; then
				echo "check.sh: scripts/deps.sh $arch $kv failed"
				echo "0 passed, 1 failed, 0 skipped"
				exit 1
			fi
		done
	done
fi
first=1
for arch in "${archs[@]}"; do
	lane "$arch" $first &
	first=0
done
wait
names=(host)
for kv in $kvers; do
	for arch in "${archs[@]}"; do
		names+=("$arch-$kv")
	done
done
for name in "${names[@]}"; do
	[ $mode != long ] || [ "$name" != host ] || continue
	if [ -f "$jobs/$name.counts" ]; then
		read -r p f s <"$jobs/$name.counts"
		mapfile -t lines <"$jobs/$name.summary"
	else
		p=0 f=1 s=0 lines=("not ok  $name: its job ended without counts")
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	summary+=("${lines[@]}")
done

echo
echo "== make $([ $mode = check ] && echo check || echo check-$mode): $(($(date +%s) - start)) s"
printf '   %s\n' "${summary[@]}"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
