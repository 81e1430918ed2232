#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - the benchmark's report renders (scripts/bench-report.sh) from
# canned guest output, without a guest: every table row with its figures
# and ratios, "timeout" and "-" where the guest had none, the notes, and a
# PNG that is a PNG. make check runs it among its host steps.

set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

# render(log) - report and plot of one canned log into $tmp
render() {
	rm -f "$tmp/report.md" "$tmp/plot.png"
	"$here/../bench-report.sh" "$here/$1" "$tmp/report.md" "$tmp/plot.png" 2>"$tmp/err" ||
		{ echo "FAIL: bench-report.sh $1 exits $?"; cat "$tmp/err"; failed=1; }
	if [ -s "$tmp/err" ]; then
		echo "FAIL: bench-report.sh $1 complains:"
		cat "$tmp/err"
		failed=1
	fi
	if [ "$(head -c 8 "$tmp/plot.png" 2>/dev/null | od -An -tx1 | tr -d ' ')" != 89504e470d0a1a0a ]; then
		echo "FAIL: $1: the plot is not a PNG"
		failed=1
	fi
}

# expect(line...) - each line, exactly, in the report
expect() {
	local l

	for l in "$@"; do
		grep -Fxq -- "$l" "$tmp/report.md" && continue
		echo "FAIL: the report lacks: $l"
		failed=1
	done
}

render bench.log
expect "# livegraft benchmark: 6.12.57+deb12-amd64 x86_64" \
	"## Per call: a tiny function, 1000000 calls a run" \
	"| unpatched | 20.000 | 0 | 1.00 | | 19.250 - 21.500 |" \
	"| livegraft | 80.000 | 60.0 | 4.00 | 0.75 | 78.500 - 90.000 |" \
	"| kernel livepatch | 100.000 | 80.0 | 5.00 | 1.00 | - |" \
	"## End to end: getpid from user space, 300000 calls a run" \
	"| unpatched | 400.000 | 0 | 1.00 | | 395.000 - 410.000 |" \
	"| livegraft | 450.000 | 50.0 | 1.12 | 0.50 | - |" \
	"| kernel livepatch | 500.000 | 100.0 | 1.25 | 1.00 | - |" \
	"| idle | 2.000 | 1000.000 | 500.00 |" \
	"| load | 4.000 | timeout | - |" \
	"| sleep | 100 | 5.0 | 1000.0 | 200.00 | 12 | 50.00 |" \
	"| sleep | 1000 | 40.0 | timeout | - | 120 | 40.00 |" \
	"| mix | 100 | 6.0 | - | - | 12 | 60.00 |" \
	"- livepatch test_lg_klp: no end of transition in 30s"

# arm64: no livepatch, the fast path beside the handler, no scale
# benchmark, a timeout in the end to end.
render bench-arm64.log
expect "# livegraft benchmark: 6.12.57+deb12-arm64 aarch64" \
	"| livegraft | 20.000 | 7.0 | 1.54 | - | 19.000 - 21.000 |" \
	"| kernel livepatch | - | - | - | - | - |" \
	"| livegraft, ftrace handler (fast_slots=0) | 84.000 | 71.0 | 6.46 | - | 80.000 - 90.000 |" \
	"livegraft's patched function: on the direct-call fast path." \
	"The fast path's overhead / the handler's: 0.10." \
	"| livegraft | timeout | - | - | - | - |" \
	"| idle | 3.000 | - | - |" \
	"| load | 6.500 | - | - |" \
	"(not measured: the guest had no bench-scale.sh)" \
	"- livegraft test_lg_bench_e2e_patch: no end of transition in 30s"

[ $failed = 0 ] && echo "bench report: renders"
exit $failed
