#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-report.sh - turn what one guest boot of the benchmark printed
# (scripts/guest/bench.sh's "BENCH key value" lines, bench-scale.sh's
# "SCALE framework workload threads ms kib" lines) into a markdown report
# and a plot drawn by gnuplot.
#
# usage: bench-report.sh BENCH.LOG REPORT.md PLOT.png

set -euo pipefail

log=$1
out=$2
png=$3

# value(key) - a measured value: a number, "timeout", or "-" where it was
# not measured
value() {
	awk -v k="$1" '$1 == "BENCH" && $2 == k { v = $3 } END { print v == "" ? "-" : v }' "$log"
}

num() {
	[[ $1 =~ ^[0-9]+(\.[0-9]+)?$ ]]
}

# ratio(a, b) - a / b, or "-" unless both are numbers and b is not 0
ratio() {
	if num "$1" && num "$2"; then
		awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'
	else
		echo -
	fi
}

# minus(a, b) - a - b, or "-"
minus() {
	if num "$1" && num "$2"; then
		awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a - b }'
	else
		echo -
	fi
}

# cost_table(prefix) - unpatched, livegraft, livepatch of one measurement:
# the time, the overhead over unpatched, the ratios
cost_table() {
	local base lg klp olg oklp

	base=$(value "${1}_unpatched")
	lg=$(value "${1}_livegraft")
	klp=$(value "${1}_livepatch")
	olg=$(minus "$lg" "$base")
	oklp=$(minus "$klp" "$base")
	echo "| | ns per call | overhead (ns) | x unpatched | overhead / livepatch's | runs, min - max |"
	echo "|---|---:|---:|---:|---:|---:|"
	echo "| unpatched | $base | 0 | 1.00 | | $(spread "$1_unpatched") |"
	echo "| livegraft | $lg | $olg | $(ratio "$lg" "$base") | $(ratio "$olg" "$oklp") | $(spread "$1_livegraft") |"
	echo "| kernel livepatch | $klp | $oklp | $(ratio "$klp" "$base") | $(ratio "$oklp" "$oklp") | $(spread "$1_livepatch") |"
	handler_row "$1" "$base" "$oklp"
}

# handler_row(prefix, unpatched, livepatch's overhead) - livegraft's patch
# through its ftrace handler, where the guest measured one beside the fast
# path (fast_slots=0)
handler_row() {
	local h oh

	h=$(value "${1}_livegraft_handler")
	[ "$h" != - ] || return 0
	oh=$(minus "$h" "$2")
	echo "| livegraft, ftrace handler (fast_slots=0) | $h | $oh | $(ratio "$h" "$2") | $(ratio "$oh" "$3") | $(spread "$1_livegraft_handler") |"
}

# path_line() - how livegraft's patched function was called, and what the
# fast path's overhead is of the handler's where both were measured
path_line() {
	local base olg oh

	case $(value livegraft_path) in
	fast) echo "livegraft's patched function: on the direct-call fast path." ;;
	handler) echo "livegraft's patched function: through livegraft's ftrace handler (this kernel has no direct calls)." ;;
	*) return 0 ;;
	esac
	[ "$(value call_ns_livegraft_handler)" != - ] || return 0
	base=$(value call_ns_unpatched)
	olg=$(minus "$(value call_ns_livegraft)" "$base")
	oh=$(minus "$(value call_ns_livegraft_handler)" "$base")
	echo "The fast path's overhead / the handler's: $(ratio "$olg" "$oh")."
}

# spread(key) - the lowest and highest of the runs whose median "key" is
# (the guest's "BENCH raw_key v1 v2 ..." line), or "-"
spread() {
	awk -v k="raw_$1" '$1 == "BENCH" && $2 == k && NF > 2 {
		lo = hi = $3
		for (i = 4; i <= NF; i++) {
			if ($i + 0 < lo + 0) lo = $i
			if ($i + 0 > hi + 0) hi = $i
		}
		r = lo " - " hi
	} END { print r == "" ? "-" : r }' "$log"
}

# scale_rows() - "workload threads lg_ms klp_ms lg_kib" per measured pair,
# in the order of the log
scale_rows() {
	awk '$1 == "SCALE" && NF >= 6 {
		k = $3 " " $4
		if (!(k in seen)) { seen[k] = 1; order[++n] = k }
		ms[$2, k] = $5
		if ($2 == "livegraft") kib[k] = $6
	}
	END {
		for (i = 1; i <= n; i++) {
			k = order[i]
			lg = ms["livegraft", k]; klp = ms["livepatch", k]
			print k, lg == "" ? "-" : lg, klp == "" ? "-" : klp, kib[k] == "" ? "-" : kib[k]
		}
	}' "$log"
}

kernel=$(value kernel)
machine=$(awk '$1 == "BENCH" && $2 == "kernel" { print $4 }' "$log")
runs=$(value runs)
{
	echo "# livegraft benchmark: $kernel $machine"
	echo
	echo "One boot under QEMU TCG: absolute times are the emulator's; compare"
	echo "within a table. Medians of $runs interleaved runs; \"timeout\": a wait"
	echo "that ran out ($(value bound_s) s), \"-\": not measured (no livepatch on this kernel,"
	echo "or a patch of that framework was left stuck)."
	echo
	echo "## Per call: a tiny function, $(value calls_per_run) calls a run"
	echo
	cost_table call_ns
	path=$(path_line)
	[ -z "$path" ] || printf '\n%s\n' "$path"
	echo
	echo "## End to end: getpid from user space, $(value e2e_calls_per_run) calls a run"
	echo
	cost_table e2e_ns
	echo
	echo "## Transition: insmod to complete (ms)"
	echo
	echo "| | livegraft | kernel livepatch | livepatch / livegraft |"
	echo "|---|---:|---:|---:|"
	for load in idle load; do
		lg=$(value "transition_ms_${load}_livegraft")
		klp=$(value "transition_ms_${load}_livepatch")
		echo "| $load | $lg | $klp | $(ratio "$klp" "$lg") |"
	done
	echo
	echo "## Scale: transition (ms) and livegraft's memory by thread count"
	echo
	if grep -q '^SCALE ' "$log"; then
		echo "| workload | threads | livegraft (ms) | kernel livepatch (ms) | livepatch / livegraft | livegraft (KiB) | livegraft us per thread |"
		echo "|---|---:|---:|---:|---:|---:|---:|"
		scale_rows | while read -r w t lg klp kib; do
			per=-
			num "$lg" && per=$(awk -v m="$lg" -v t="$t" 'BEGIN { printf "%.2f", m * 1000 / t }')
			echo "| $w | $t | $lg | $klp | $(ratio "$klp" "$lg") | $kib | $per |"
		done
	elif grep -q '^BENCH note scale benchmark: not run' "$log"; then
		echo "(not run: SCALE_THREADS was empty)"
	else
		echo "(not measured: the guest had no bench-scale.sh)"
	fi
	if grep -q '^BENCH note ' "$log"; then
		echo
		echo "## Notes"
		echo
		sed -n 's/^BENCH note /- /p' "$log"
	fi
} >"$out"

# The plot: the numbers of the tables, "timeout" and "-" left out (NaN);
# a series without any number is not drawn (gnuplot would complain).
nan() {
	num "$1" && echo "$1" || echo NaN
}

timeout_word() {
	if [ "$1" = timeout ]; then echo timeout; fi
}

any() {
	local v

	for v in "$@"; do
		num "$(value "$v")" && return 0
	done
	return 1
}

e2e_series='' klp_series=''
any e2e_ns_unpatched e2e_ns_livegraft e2e_ns_livepatch &&
	e2e_series=", '' using 3 title \"getpid, end to end\""
any transition_ms_idle_livepatch transition_ms_load_livepatch &&
	klp_series=", '' using 3 title \"kernel livepatch\""

{
	echo "\$costs << EOD"
	for f in unpatched livegraft livepatch; do
		echo "\"$f\" $(nan "$(value "call_ns_$f")") $(nan "$(value "e2e_ns_$f")")"
	done
	[ "$(value call_ns_livegraft_handler)" = - ] ||
		echo "\"handler\" $(nan "$(value call_ns_livegraft_handler)") NaN"
	echo 'EOD'
	echo "\$trans << EOD"
	# The fourth and fifth columns: "timeout" written where that bar is not.
	for load in idle load; do
		lg=$(value "transition_ms_${load}_livegraft")
		klp=$(value "transition_ms_${load}_livepatch")
		echo "$load $(nan "$lg") $(nan "$klp") \"$(timeout_word "$lg")\" \"$(timeout_word "$klp")\""
	done
	echo 'EOD'
	# One block per framework and workload, for the scale panel.
	nblocks=0
	titles=()
	for fw in livegraft livepatch; do
		for w in sleep user mix; do
			rows=$(awk -v f="$fw" -v w="$w" '$1 == "SCALE" && $2 == f && $3 == w && $5 ~ /^[0-9.]+$/ { print $4, $5 }' "$log")
			[ -n "$rows" ] || continue
			nblocks=$((nblocks + 1))
			titles+=("$fw $w")
			echo "\$scale$nblocks << EOD"
			echo "$rows"
			echo 'EOD'
		done
	done
	cat <<EOF
set terminal pngcairo size 1500,520 font "sans,10"
set output "$png"
set datafile missing NaN
set termoption noenhanced
set offsets 0, 0, graph 0.1, 0
set multiplot layout 1,3 title "livegraft benchmark: $kernel $machine, one boot, QEMU TCG (missing bar: timeout or not measured)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set grid ytics
set key below
set title "cost of a call (ns, log)"
set ylabel "ns"
set logscale y
set yrange [1:*]
plot \$costs using 2:xtic(1) title "tiny function"$e2e_series
set title "transition, insmod to complete (ms, log)"
set ylabel "ms"
set logscale y
set yrange [1:*]
plot \$trans using 2:xtic(1) title "livegraft"$klp_series, \
	'' using (\$0 - 0.17):(1):4 with labels rotate by 90 left offset 0,1 notitle, \
	'' using (\$0 + 0.17):(1):5 with labels rotate by 90 left offset 0,1 notitle
unset style data
set title "scale: transition (ms) by threads (log-log)"
set logscale xy
set xlabel "threads"
set xrange [50:20000]
set key inside top left
EOF
	if [ "$nblocks" -eq 0 ]; then
		echo 'set label 1 "not measured" at graph 0.4, 0.5'
		echo 'set yrange [1:10000]'
		echo 'plot 1e9 notitle'
	else
		printf 'plot '
		for i in $(seq "$nblocks"); do
			[ "$i" -eq 1 ] || printf ', '
			printf '%sscale%d using 1:2 with linespoints title "%s"' '$' "$i" "${titles[i - 1]}"
		done
		echo
	fi
	echo 'unset multiplot'
} | gnuplot
