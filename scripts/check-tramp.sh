#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-tramp.sh - the x86_64 direct-call trampolines (arch/x86_64/fast.S)
# of a built livegraft.ko branch only directly: an indirect jump goes
# through a retpoline thunk, where a reliable stack walk of a preempted
# task can end without a trace of the old function (6.1), and needs an
# ENDBR64 at its target (IBT).
#
# usage: check-tramp.sh livegraft.ko

set -euo pipefail

ko=$1
dis=$(objdump -dr --no-show-raw-insn "$ko")

# The code of every trampoline symbol, one "name: insn" line each.
code=$(awk '/^[0-9a-f]+ <[^>]+>:$/ {
		name = $2; gsub(/[<>:]/, "", name)
		on = name ~ /^lg_(slow_common|fast_[0-9]+|slow_[0-9]+)$/
		next
	}
	on && NF { print name ": " $0 }' <<<"$dis")

for sym in lg_slow_common lg_fast_0 lg_slow_0 lg_fast_63 lg_slow_63; do
	grep -q "^$sym: " <<<"$code" || { echo "check-tramp: no $sym in $ko"; exit 1; }
done
bad=$(grep -E 'jmp +\*|call +\*|__x86_indirect_|__x86_indirect_its' <<<"$code" || true)
if [ -n "$bad" ]; then
	echo "check-tramp: an indirect branch in the trampolines of $ko:"
	echo "$bad"
	exit 1
fi
# The slow path must end in a return (into its answer or the old function).
grep -qE '^lg_slow_common: .*(ret|__x86_return_thunk)' <<<"$code" || {
	echo "check-tramp: lg_slow_common does not return in $ko"
	exit 1
}
echo "check-tramp: $(wc -l <<<"$code") instructions of $ko's trampolines, no indirect branch"
