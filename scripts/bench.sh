#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh - run the benchmark (scripts/guest/bench.sh) in one guest boot
# and write what it measured to build/<arch>-<kver>/bench.txt, with a bar
# chart beside it, bench.svg.
#
# usage: bench.sh ARCH KVER

set -euo pipefail

arch=$1
kver=$2
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build/$arch-$kver
out=$build/bench.txt

"$top/scripts/vm-run.sh" --arch "$arch" --kver "$kver" --build "$build" \
	--cmd "CALLS=${CALLS:-1000000} RUNS=${RUNS:-5} sh /root/bench.sh" | tee "$build/bench.log"
grep -q '^BENCH done' "$build/bench.log" || { echo "bench: the guest did not finish"; exit 1; }

# value(key) - a measured value, or "-" where it was not measured
value() {
	awk -v k="$1" '$1 == "BENCH" && $2 == k { print $3 }' "$build/bench.log" |
		grep . || echo -
}

ratio() {
	if [ "$1" = - ] || [ "$2" = - ]; then echo -; else
		awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
	fi
}

base=$(value call_ns_unpatched)
lg=$(value call_ns_livegraft)
klp=$(value call_ns_livepatch)
{
	echo "livegraft benchmark, one boot of $(grep '^BENCH kernel' "$build/bench.log" | cut -d' ' -f3-)"
	echo "under QEMU TCG: absolute times are the emulator's, compare within a column"
	echo
	echo "cost of one call of three identical tiny functions, patched side by side"
	echo "($(value calls_per_run) calls a run, runs interleaved, median of $(value runs))"
	printf '  %-28s %10s ns  x%s\n' unpatched "$base" 1.00
	printf '  %-28s %10s ns  x%s\n' "patched by livegraft" "$lg" "$(ratio "$lg" "$base")"
	printf '  %-28s %10s ns  x%s\n' "patched by kernel livepatch" "$klp" "$(ratio "$klp" "$base")"
	echo
	echo "transition, from insmod to complete (median of $(value runs), ms)"
	printf '  %-10s %12s %12s\n' "" livegraft livepatch
	for load in idle load; do
		printf '  %-10s %12s %12s\n' "$load" "$(value "transition_ms_${load}_livegraft")" \
			"$(value "transition_ms_${load}_livepatch")"
	done
} >"$out"

# A horizontal bar chart of every measured number, one group per metric.
awk '$1 == "BENCH" && $2 ~ /^(call_ns|transition_ms)_/ && $3 != "" { print $2, $3 }' "$build/bench.log" |
	awk 'BEGIN { y = 30 }
	{ key[NR] = $1; val[NR] = $2; if ($2 > max[grp($1)]) max[grp($1)] = $2 }
	function grp(k) { return k ~ /^call/ ? "call" : "transition" }
	END {
		printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"760\" height=\"%d\" font-family=\"sans-serif\" font-size=\"13\">\n", 40 + NR * 26
		print "<text x=\"10\" y=\"18\">livegraft benchmark (call cost in ns, transitions in ms)</text>"
		for (i = 1; i <= NR; i++) {
			w = max[grp(key[i])] ? 380 * val[i] / max[grp(key[i])] : 0
			printf "<text x=\"10\" y=\"%d\">%s</text>", y + 14, key[i]
			printf "<rect x=\"300\" y=\"%d\" width=\"%.1f\" height=\"18\" fill=\"%s\"/>", y, w, key[i] ~ /livegraft/ ? "#2a7" : "#888"
			printf "<text x=\"%.1f\" y=\"%d\">%s</text>\n", 306 + w, y + 14, val[i]
			y += 26
		}
		print "</svg>"
	}' >"$build/bench.svg"

cat "$out"
echo "written: $out, $build/bench.svg"
