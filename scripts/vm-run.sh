#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm-run.sh - boot a Debian kernel in QEMU with livegraft's modules and run
# work in it: the kselftest collection, the demo, or any shell command.
#
# usage: vm-run.sh --arch A --kver V --build DIR
#                  (--kselftest | --demo | --cmd 'CMD') [--extra DIR]
#
# The guest is a busybox initramfs built from an explicit list of files. It
# boots with panic_on_warn and oops=panic under -no-reboot, so a WARN, oops
# or panic ends the run; a host timeout catches hangs. The run passes only
# when the guest prints the end marker carrying this run's random token
# (console noise cannot fake it) and the console shows no kernel error.
#
# Exit: the command's own status (--cmd), 0/1 otherwise. In --kselftest
# mode the last line is "N passed, N failed, N skipped", also written to
# DIR/results.

set -euo pipefail

LG_CACHE=${LG_CACHE:-/var/cache/livegraft}
LG_TIMEOUT=${LG_TIMEOUT:-1200}
LG_MEM=${LG_MEM:-1024}
LG_SMP=${LG_SMP:-2}
# x86_64 guests run on one host thread: with multi-threaded TCG a vCPU can
# still execute an int3 that ftrace's text_poke_bp() already removed and
# disarmed (seen as "Oops: int3" at a function entry, or an int3 loop in
# __schedule, a few times in ten runs), which real CPUs rule out with the
# sync_core() IPIs. arm64 patches text without int3 and keeps MTTCG.
LG_ACCEL=${LG_ACCEL:-}
LG_VERBOSE=${LG_VERBOSE:-0}
# --kselftest runs these scripts only, when set: "test-stress.sh ..."
LG_TESTS=${LG_TESTS:-}
# The guest's limit for one scenario, in seconds (functions.sh's default).
LG_SCENARIO_TIMEOUT=${LG_SCENARIO_TIMEOUT:-}
# The kselftest runner's limit per script, when set (selftests/settings').
LG_SCRIPT_TIMEOUT=${LG_SCRIPT_TIMEOUT:-}
# --kselftest runs only these scenarios of those scripts, when set:
# "name|name..." (every script of LG_TESTS must have one)
LG_ONLY=${LG_ONLY:-}
# For make check's tests of this harness only: "leftover" leaves livegraft
# loaded after the collection, "hang" adds a scenario that never ends,
# "stop-early" ends each script after its first scenario; for make
# check-debug's, "leak", "uaf", "lockdep" and "sleep" load test_lg_debug.ko
# with that fault after the collection.
LG_FAULT=${LG_FAULT:-}
# For debugging a guest: more QEMU options ("-s" for a gdb stub on port
# 1234) and more kernel command line ("nokaslr").
LG_QEMU_ARGS=${LG_QEMU_ARGS:-}
LG_APPEND=${LG_APPEND:-}

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)

arch=x86_64 kver=6.1 build='' mode='' cmd='' extra=''
while [ $# -gt 0 ]; do
	case "$1" in
	--arch) arch=$2; shift 2 ;;
	--kver) kver=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	--extra) extra=$2; shift 2 ;;
	--cmd) mode=cmd; cmd=$2; shift 2 ;;
	--kselftest) mode=kselftest; shift ;;
	--demo) mode=demo; shift ;;
	*) echo "vm-run.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
if [ -z "$build" ] || [ -z "$mode" ]; then
	echo "vm-run.sh: need --build and a mode" >&2
	exit 2
fi
build=$(cd "$build" && pwd)
tests=
for t in $LG_TESTS; do
	tests="$tests -t livegraft:$t"
done

case "$arch" in
x86_64) debarch=amd64 ;;
arm64) debarch=arm64 ;;
*) echo "vm-run.sh: unknown arch '$arch'" >&2; exit 2 ;;
esac
target=$LG_CACHE/$kver-$debarch
ksft=$LG_CACHE/src/linux-source-$kver/tools/testing/selftests
release=$(cat "$target/release")
tag="$arch-$kver"
work=$build/vm
log=$work/console.log
token=$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')

# shellcheck source=scripts/collection.sh
. "$here/collection.sh"

pp() { printf '[%s] %s\n' "$tag" "$*" >&2; }

# fail() - say why the run failed, and keep it for make check's summary
fail() {
	pp "FAIL: $*"
	printf '%s\n' "$*" >>"$build/failures"
}

# build_static(dest, source, [flags...]) - a static program for the guest
build_static()
{
	local cc=gcc

	[ "$arch" = arm64 ] && [ "$(uname -m)" != aarch64 ] && cc=aarch64-linux-gnu-gcc
	"$cc" -O2 -Wall -static -o "$1" "$2" "${@:3}"
}

# copy_target_modules(dir) - the target image's own modules that tests
# load (selftests/target-modules, kept in the cache by deps.sh), into dir
# uncompressed for the guest's insmod. A kernel without them (the debug
# kernel) gets none: the tests that need them say so.
copy_target_modules()
{
	local m ko

	while read -r m; do
		case "$m" in
		'' | '#'*) continue ;;
		esac
		for ko in "$target/root/lib/modules/$release/$m"{,.xz,.zst}; do
			[ -f "$ko" ] || continue
			case "$ko" in
			*.xz) xz -dc "$ko" ;;
			*.zst) zstd -qdc "$ko" ;;
			*) cat "$ko" ;;
			esac >"$1/$(basename "$m")"
		done
	done <"$top/selftests/target-modules"
}

# stage_initramfs() - lay out the guest's root: busybox, /init, the modules,
# the kselftest runner and collection, and the user's extra files.
stage_initramfs()
{
	local root=$work/root ko

	rm -rf "$work"
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,root,etc}
	cp "$target/busybox" "$root/bin/busybox"
	install -m 0755 "$here/guest/init.sh" "$root/init"
	# A static insmod, see guest/insmod.c.
	build_static "$root/sbin/insmod" "$here/guest/insmod.c"
	# setuid for the selftests of who may drive livegraft (guest/runas.c).
	build_static "$root/usr/bin/runas" "$here/guest/runas.c"
	# Raw system calls for test-build.sh (guest/lgb-probe.c).
	build_static "$root/usr/bin/lgb-probe" "$here/guest/lgb-probe.c"
	# getpid timed from user space, for the end-to-end benchmark.
	build_static "$root/usr/bin/bench-getpid" "$here/guest/bench-getpid.c"
	# Threads by the thousand for guest/bench-scale.sh.
	build_static "$root/usr/bin/scale-threads" "$here/guest/scale-threads.c" -pthread
	# The kernel's getpid hammer, for test_klp_syscall (6.10 and later).
	if [ -f "$ksft/livepatch/test_klp-call_getpid.c" ]; then
		build_static "$root/usr/bin/test_klp-call_getpid" \
			"$ksft/livepatch/test_klp-call_getpid.c"
	fi
	# The operator's command, where the package installs it
	# (tools/livegraft/livegraft); test-command.sh drives it.
	install -m 0755 "$top/tools/livegraft/livegraft" "$root/usr/sbin/livegraft"
	# kselftest's runner calls /usr/bin/timeout with GNU options.
	install -m 0755 "$here/guest/timeout.sh" "$root/usr/bin/timeout"

	mkdir -p "$root/lib/modules/$release/extra"
	for ko in $(cd "$build" && find . -name '*.ko' ! -path './vm/*'); do
		cp "$build/$ko" "$root/lib/modules/$release/extra/"
	done
	copy_target_modules "$root/lib/modules/$release/extra"

	mkdir -p "$root/kselftest"
	cp "$ksft/run_kselftest.sh" "$root/kselftest/"
	cp -r "$ksft/kselftest" "$root/kselftest/"
	make -s -C "$top/selftests" KSFT_LIB="$ksft" \
		INSTALL_PATH="$root/kselftest/livegraft" install >/dev/null
	[ -z "$LG_SCRIPT_TIMEOUT" ] ||
		sed -i "s/^timeout=.*/timeout=$LG_SCRIPT_TIMEOUT/" "$root/kselftest/livegraft/settings"
	make -s --no-print-directory -C "$top/selftests" KSFT_LIB="$ksft" \
		COLLECTION=livegraft emit_tests >"$root/kselftest/kselftest-list.txt"

	cp "$top/scripts/guest/demo.sh" "$top/scripts/guest/bench.sh" \
		"$top/scripts/guest/bench-scale.sh" "$root/root/"
	if [ -n "$extra" ]; then
		cp -r "$extra/." "$root/extra"
	fi
	printf '%s\n' "$mode" >"$root/etc/lg-mode"
	printf '%s\n' "$token" >"$root/etc/lg-token"
	printf '%s\n' "$cmd" >"$root/etc/lg-cmd"
	printf '%s\n' "$tests" >"$root/etc/lg-tests"
	[ "$mode" != kselftest ] || printf '%s\n' ${LG_TESTS:-$(collection_scripts "$top")} >"$root/etc/lg-scripts"
	printf '%s\n' "$LG_SCENARIO_TIMEOUT" >"$root/etc/lg-scenario-timeout"
	printf '%s\n' "$LG_ONLY" >"$root/etc/lg-only"
	printf '%s\n' "$LG_FAULT" >"$root/etc/lg-fault"
	# The selftests' own knobs, passed on when set.
	for v in LG_STRESS_CYCLES LG_SOAK_CYCLES LG_SOAK_CHAINS LG_SOAK_THREADS; do
		[ -z "${!v:-}" ] || printf 'export %s=%q\n' "$v" "${!v}"
	done >"$root/etc/lg-env"

	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) |
		gzip -1 >"$work/initramfs.gz"
}

# boot() - run QEMU on the serial console, saving everything it prints.
boot()
{
	local append="panic=-1 panic_on_warn=1 oops=panic softlockup_panic=1"
	local qemu

	append="$append hung_task_panic=1 loglevel=5 rdinit=/init $LG_APPEND"
	case "$arch" in
	x86_64)
		qemu=(qemu-system-x86_64 -machine pc -cpu max)
		append="console=ttyS0 $append"
		# Debian's x86_64 kernels choose their preemption at boot; the
		# tests want the harshest, where a task can lose its CPU
		# anywhere. (Debian's arm64 kernels are built voluntary.)
		[ "$mode" = kselftest ] && append="$append preempt=full"
		;;
	arm64)
		qemu=(qemu-system-aarch64 -machine virt -cpu 'max,pauth-impdef=on')
		append="console=ttyAMA0 $append"
		;;
	esac
	# One host thread for both vCPUs: multi-threaded TCG runs code that
	# another vCPU has rewritten stale (Documentation/testing.md), and
	# ftrace rewrites code while other CPUs run it.
	accel=${LG_ACCEL:-tcg,thread=single}
	qemu+=(-accel "$accel" -smp "$LG_SMP" -m "$LG_MEM" -nographic
	       -no-reboot -kernel "$target/vmlinuz" -initrd "$work/initramfs.gz"
	       -append "$append")
	# shellcheck disable=SC2206 # word splitting wanted
	qemu+=($LG_QEMU_ARGS)

	pp "booting $release under QEMU ($accel, ${LG_SMP} cpus)"
	set +e
	timeout --foreground "$LG_TIMEOUT" "${qemu[@]}" </dev/null 2>&1 |
		sed -u 's/\r//g' | tee "$log" | show
	qemu_rc=${PIPESTATUS[0]}
	set -e
}

# show() - what the user sees of the console: everything in verbose mode;
# the test results and anything the kernel reports in kselftest mode; else
# what the guest printed once the work began. In kselftest mode the
# results also go to vm/times, each after the host's clock (the seconds
# since the boot began): where a collection spends its time.
show()
{
	local line t0 now

	if [ "$LG_VERBOSE" = 1 ]; then
		sed -u "s/^/[$tag] /"
	elif [ "$mode" = kselftest ]; then
		printf -v t0 '%(%s)T' -1
		: >"$work/times"
		grep --line-buffered -aE "$result_re|$error_re" |
			while IFS= read -r line; do
				printf -v now '%(%s)T' -1
				printf '%d %s\n' $((now - t0)) "$line" >>"$work/times"
				printf '[%s] %s\n' "$tag" "$line"
			done
	else
		awk -v tok="$token" '
			$0 == "LIVEGRAFT-BEGIN " tok { on = 1; next }
			index($0, "LIVEGRAFT-END " tok) == 1 { on = 0 }
			on { print; fflush() }'
	fi
}

# A scenario's result, and why it failed (die()'s and cleanup()'s "ERROR:"
# lines): CI's log is often all there is of a run.
result_re='^(not )?ok [0-9]+ |^# TEST: |^# ERROR: '
error_re='Oops|BUG:|WARNING:|Kernel panic|soft lockup|hard LOCKUP|blocked for more than|Call Trace:|general protection fault|Unable to handle kernel|^unreferenced object 0x'

# verdict() - did the guest finish, cleanly? Sets guest_rc.
verdict()
{
	local end

	end=$(grep -a "^LIVEGRAFT-END $token rc=" "$log" | tail -n 1 || true)
	if grep -aEq "$error_re" "$log"; then
		fail "the kernel reported an error (see $log):"
		grep -aE -m 5 "$error_re" "$log" | sed "s/^/[$tag]   /" >&2
		grep -aE -m 1 "$error_re" "$log" | sed 's/^/  /' >>"$build/failures"
		guest_rc=1
		kernel_error=1
	elif [ -z "$end" ]; then
		if [ "$qemu_rc" = 124 ]; then
			fail "timeout after ${LG_TIMEOUT}s (see $log)"
		else
			fail "the guest stopped before finishing (qemu exit $qemu_rc, see $log)"
		fi
		tail -n 20 "$log" | sed "s/^/[$tag]   /" >&2
		guest_rc=1
		kernel_error=1
	else
		guest_rc=${end##*rc=}
	fi
}

# unreported_scenarios() - "script: scenario" for each scenario that the
# guest listed (LIVEGRAFT-SCENARIO lines) and that has no TEST line
unreported_scenarios()
{
	awk '
		/^LIVEGRAFT-SCENARIO / {
			line = substr($0, 20)
			script = line
			sub(/: .*/, "", script)
			listed[substr(line, length(script) + 3)] = script
			next
		}
		/^# TEST: / {
			name = substr($0, 9)
			sub(/ \.\.\. (ok|not ok|SKIP).*$/, "", name)
			reported[name] = 1
		}
		END {
			for (name in listed)
				if (!(name in reported))
					print listed[name] ": " name
		}' "$log"
}

# count_results() - tally the scenarios the collection reported. A script
# that failed (TAP "not ok") without a failing scenario counts once more,
# and so does a guest that crashed or hung.
count_results()
{
	local passed failed skipped extra_fail

	passed=$(grep -acE '^# TEST: .* \.\.\. ok$' "$log" || true)
	failed=$(grep -acE '^# TEST: .* \.\.\. not ok' "$log" || true)
	skipped=$(grep -acE '^# TEST: .* \.\.\. SKIP' "$log" || true)
	extra_fail=$(awk '
		/^# TEST: .* \.\.\. not ok/ { bad = 1 }
		/^not ok [0-9]+ / { if (!bad) n++; bad = 0; next }
		/^ok [0-9]+ / { bad = 0 }
		END { print n + 0 }' "$log")
	failed=$((failed + extra_fail + ${kernel_error:-0}))
	# Every script of the collection (or of LG_TESTS) must have reported,
	# and every scenario it listed before the collection ran.
	for t in ${LG_TESTS:-$(collection_scripts "$top")}; do
		grep -aqF "LIVEGRAFT-SCENARIO $t: " "$log" || {
			fail "$t listed no scenario"
			failed=$((failed + 1))
		}
		grep -aqE "^(not )?ok [0-9]+ selftests: livegraft: $t( |\$)" "$log" && continue
		fail "$t never reported a result"
		failed=$((failed + 1))
	done
	while IFS= read -r missing; do
		fail "$missing: never reported"
		failed=$((failed + 1))
	done < <(unreported_scenarios)
	# The guest's own checks after the collection: leftovers, taint.
	if [ -z "${kernel_error:-}" ] && [ "$guest_rc" != 0 ]; then
		fail "the guest found leftovers after the collection (see $log)"
		failed=$((failed + 1))
	fi
	if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$skipped" -eq 0 ]; then
		fail "no test ran"
		failed=1
	fi
	echo "$passed $failed $skipped" >"$build/results"
	# The failed scenarios and scripts, for make check's summary.
	grep -aE '^# TEST: .* \.\.\. not ok|^not ok [0-9]+ ' "$log" |
		sed 's/^# TEST: //' >>"$build/failures" || true
	echo "[$tag] $passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
}

rm -f "$build/failures"
stage_initramfs
boot
verdict
case "$mode" in
kselftest) count_results ;;
*) exit "$guest_rc" ;;
esac
