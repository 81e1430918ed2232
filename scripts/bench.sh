#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh - run the benchmark (scripts/guest/bench.sh, and the scale
# benchmark at its end) in one guest boot, and write what it measured to
# build/<arch>-<kver>/bench.txt (markdown) with a plot beside it, bench.png
# (scripts/bench-report.sh).
#
# usage: bench.sh ARCH KVER
# The sizes (CALLS, E2E_CALLS, RUNS, BOUND, SCALE_THREADS, SCALE_BOUND,
# SCALE_TIMEOUT) pass to the guest when set.

set -euo pipefail

arch=$1
kver=$2
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build/$arch-$kver
out=$build/bench.txt

cmd=
for v in CALLS E2E_CALLS RUNS BOUND SCALE_THREADS SCALE_BOUND SCALE_TIMEOUT; do
	[ -z "${!v+set}" ] || cmd="$cmd $v=$(printf %q "${!v}")"
done
# A run that finished but that vm-run.sh fails (a kernel error after the
# bench, a leftover module) still gets its report, and fails after it.
rc=0
"$top/scripts/vm-run.sh" --arch "$arch" --kver "$kver" --build "$build" \
	--cmd "${cmd# } sh /root/bench.sh" | tee "$build/bench.log" || rc=$?
grep -q '^BENCH done' "$build/bench.log" || { echo "bench: the guest did not finish"; exit 1; }

rm -f "$build/bench.svg"
"$top/scripts/bench-report.sh" "$build/bench.log" "$out" "$build/bench.png"
cat "$out"
echo "written: $out, $build/bench.png"
[ $rc = 0 ] || echo "bench: the guest run failed (vm-run.sh exit $rc), see above"
exit $rc
