#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# soak.sh - what `make soak` runs: the soak scenario (selftests/test-soak.sh)
# at full length, LG_SOAK_CYCLES enable/disable cycles (default 200) and at
# least LG_SOAK_CHAINS checked chains (default 10^6), on every
# architecture and kernel given. make check runs a short version.
#
# usage: soak.sh "KVER..." ARCH...
# The last line is "N passed, N failed, N skipped"; exit 1 on any failure.

set -uo pipefail

kvers=$1
shift
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

export LG_SOAK_CYCLES=${LG_SOAK_CYCLES:-200}
export LG_SOAK_CHAINS=${LG_SOAK_CHAINS:-1000000}
export LG_SOAK_THREADS=${LG_SOAK_THREADS:-16}
# A full soak runs for many minutes in one scenario of one script.
export LG_SCENARIO_TIMEOUT=${LG_SCENARIO_TIMEOUT:-2400}
export LG_SCRIPT_TIMEOUT=${LG_SCRIPT_TIMEOUT:-2400}
export LG_TIMEOUT=${LG_TIMEOUT:-3000}
export LG_TESTS=test-soak.sh

passed=0 failed=0 skipped=0
start=$(date +%s)
for kver in $kvers; do
	for arch in "$@"; do
		build=build/$arch-$kver
		rm -f "$build/results"
		make -s ARCH="$arch" KVER="$kver" &&
			scripts/vm-run.sh --arch "$arch" --kver "$kver" \
				--build "$build" --kselftest
		if [ -f "$build/results" ]; then
			read -r p f s <"$build/results"
		else
			p=0 f=1 s=0
		fi
		passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
		grep -a '^# # .* cycles, .* chains' "$build/vm/console.log" |
			sed "s/^# # /   $arch-$kver: /"
	done
done

echo "== make soak: $(($(date +%s) - start)) s"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
