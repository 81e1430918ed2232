#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# standin-lg-diff.sh - NOT lg-diff: a stand-in with lg-diff's usage line for
# testing livegraft-build's driver before the real differ exists. It knows
# only changed functions that refer to nothing but strings and exported
# symbols (it fails on anything else), via objcopy.
#
# usage: LG_DIFF=selftests/build/standin-lg-diff.sh livegraft-build ...

set -euo pipefail

prefix=x
while [ $# -gt 4 ]; do
	case "$1" in
	--prefix) prefix=$2; shift 2 ;;
	--symvers) symvers=$2; shift 2 ;;
	*) echo "standin: unknown $1" >&2; exit 1 ;;
	esac
done
orig=$1 fixed=$2 out=$3 manifest=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# sec(obj, section) - a section's bytes and its relocations, comparable.
sec()
{
	objcopy -O binary --only-section="$2" "$1" "$tmp/bin" 2>/dev/null || : >"$tmp/bin"
	od -An -tx1 -v "$tmp/bin"
	readelf -rW "$1" | awk -v s=".rela$2" '
		/^Relocation section/ { on = index($0, "'\''" s "'\''") > 0; next }
		on && NF >= 5 { print $1, $3, $5, $6, $7 }'
}

args=()
echo "file	unknown" >"$manifest"
for s in $(readelf -SW "$fixed" | sed -n 's/.* \(\.text\.[^ ]*\) .*/\1/p'); do
	f=${s#.text.}
	[ "$(sec "$orig" "$s")" = "$(sec "$fixed" "$s")" ] && continue
	printf 'changed\t%s\tlg_%s_%s\n' "$f" "$prefix" "$f" >>"$manifest"
	args+=(-j "$s" --redefine-sym "$f=lg_${prefix}_$f" --globalize-symbol "lg_${prefix}_$f")
done
for s in $(readelf -SW "$fixed" | sed -n 's/.* \(\.rodata\.str[^ ]*\) .*/\1/p'); do
	args+=(-j "$s")
done
objcopy "${args[@]}" "$fixed" "$out"
for u in $(nm -u "$out" | awk '{ print $2 }'); do
	awk -v u="$u" '$2 == u { f = 1 } END { exit !f }' "$symvers" ||
		{ echo "standin: '$u' is not exported: only the real lg-diff can do that" >&2; exit 1; }
	printf 'export\t%s\n' "$u" >>"$manifest"
done
