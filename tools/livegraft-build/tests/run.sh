#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - lg-diff's unit tests, on the host: each case of cases/*.c is
# compiled before and after (-DPATCHED) with flags close to the kernel's,
# for x86_64 (gcc) and arm64 (aarch64-linux-gnu-gcc), then lg-diff's exit
# status, manifest and OUT.o are checked. TAP-ish output; exit 1 on any
# failure.
#
# usage: run.sh [CASE...]      (default: every case)

set -u

here=$(cd "$(dirname "$0")" && pwd)
lgdiff=${LG_DIFF:-$here/../lg-diff/lg-diff}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

X86_CC="gcc -mcmodel=kernel -mno-red-zone -pg -mfentry -mrecord-mcount"
ARM64_CC="aarch64-linux-gnu-gcc -fpatchable-function-entry=2 -mgeneral-regs-only"
COMMON="-O2 -ffunction-sections -fdata-sections -fno-pic -fno-common \
-ffreestanding -fno-stack-protector -fno-asynchronous-unwind-tables \
-fno-unwind-tables -Wall -Wno-unused-function"

n=0 failed=0
arch='' name='' rc='' man='' out='' dir=''

tap()
{
	n=$((n + 1))
	if [ "$1" = ok ]; then
		echo "ok $n - $arch $name: $2"
	else
		failed=$((failed + 1))
		echo "not ok $n - $arch $name: $2"
	fi
}

# check(description, command...) - one test line
check()
{
	local what=$1
	shift
	if "$@" >/dev/null 2>&1; then
		tap ok "$what"
	else
		tap "not ok" "$what"
	fi
}

# run_case(arch, case, variant define, define for both) - compile both,
# run lg-diff
run_case()
{
	local cc psrc src=$here/cases/$2.c def=${3:-PATCHED} both=${4:+-D$4}

	arch=$1 name=$2${3:+/$3}${4:+:$4}
	case $arch in
	x86_64) cc=$X86_CC ;;
	arm64) cc=$ARM64_CC ;;
	# a KASAN kernel's flags (scripts/Makefile.kasan)
	x86_64-kasan) cc="$X86_CC -fsanitize=kernel-address --param asan-globals=1 --param asan-instrumentation-with-call-threshold=0" ;;
	# 6.12's DYNAMIC_FTRACE_WITH_CALL_OPS: two NOPs before the symbol
	arm64-callops) cc="$ARM64_CC -fpatchable-function-entry=4,2" ;;
	esac
	dir=$tmp/$arch-$name
	mkdir -p "$dir"
	man=$dir/manifest out=$dir/out.o
	psrc=$src
	if [ "$arch" = x86_64-kasan ]; then
		# livegraft-build compiles the fixed file in another tree:
		# KASAN's globals name the file, by its path.
		psrc=$dir/fixed/$2.c
		mkdir -p "$dir/fixed"
		cp "$src" "$psrc"
		cc="$cc -I$here/cases"
	fi
	# shellcheck disable=SC2086 # the flags are words
	if ! $cc $COMMON $both -c "$src" -o "$dir/orig.o" ||
	   ! $cc $COMMON $both -D"$def" -c "$psrc" -o "$dir/patched.o"; then
		rc=compile
		tap "not ok" "compiles"
		return 1
	fi
	"$lgdiff" --prefix t --symvers "$here/symvers.txt" "$dir/orig.o" \
		"$dir/patched.o" "$out" "$man" 2>"$dir/stderr"
	rc=$?
}

# has(record...) - the manifest has exactly this line (fields joined by TAB)
has()
{
	local IFS=$'\t'
	grep -qxF "$*" "$man"
}

lacks()
{
	! grep -qE "$1" "$man"
}

status()
{
	[ "$rc" = "$1" ]
}

refused()
{
	status 2 && grep -qE "^refuse	.*$1" "$man"
}

defines()
{
	nm "$out" | grep -qE "^[0-9a-f]+ [$1] $2\$"
}

undefined()
{
	nm "$out" | grep -qE "^ +U $1\$"
}

no_symbol()
{
	! nm "$out" | grep -qE " $1\$"
}

contains()
{
	strings -a "$out" | grep -qF "$1"
}

section_size()
{
	[ "$(readelf -SW "$out" | sed 's/^ *\[ *[0-9]*\] //' |
		awk -v s="$1" '$1 == s { print $5 }')" = "$2" ]
}

# The branch of an arm64 call to an unexported function goes to a veneer.
veneer_for()
{
	local IFS=$'\t'
	if [ "$arch" != arm64 ]; then
		grep -qE "^reloc	[^	]+	[0-9]+	(2|4)	$1	" "$man"
		return
	fi
	grep -qE "^reloc	lg_t_sec_[0-9]+	[0-9]+	275	$1	" "$man" &&
		grep -qE "^reloc	lg_t_sec_[0-9]+	[0-9]+	277	$1	" "$man" &&
		! grep -qE "^reloc	.*	28[23]	$1	" "$man" &&
		readelf -SW "$out" | grep -q '\.text\.lg_veneers'
}

t_string()
{
	check "exit 0" status 0
	check "show changed" has changed show lg_t_show
	check "other unchanged" lacks other
	check "the new string is in OUT.o" contains "patched: the fixed message"
	check "the other function's string is not" \
		eval '! contains "another message"'
	check "lg_print left to the module loader" has export lg_print
	check "lg_print undefined in OUT.o" undefined lg_print
	check "lg_t_show is a global function" defines T lg_t_show
	check "its ftrace entry goes with it" \
		eval "readelf -SW '$out' | grep -qE ' (__mcount_loc|__patchable_function_entries) '"
}

t_kasan()
{
	check "exit 0" status 0
	check "lookup changed" has changed lookup lg_t_lookup
	check "other unchanged" lacks other
	check "KASAN's constructors are no change" lacks "_sub_[ID]_"
	check "nor in OUT.o" eval "! nm '$out' | grep -q '_sub_[ID]_'"
	check "the globals' registration stays out" \
		eval "! readelf -SW '$out' | grep -qE '\.data\.\.LASAN|init_array'"
}

t_inline()
{
	check "exit 0" status 0
	check "first changed (scale inlined)" has changed first lg_t_first
	check "second changed (scale inlined)" has changed second lg_t_second
	check "unrelated unchanged" lacks unrelated
}

t_newfunc()
{
	check "exit 0" status 0
	check "handle changed" has changed handle lg_t_handle
	check "lg_test_check is new" has new func lg_test_check
	check "lg_test_check defined in OUT.o" defines t lg_test_check
}

t_newdata()
{
	check "exit 0" status 0
	check "count_call changed" has changed count_call lg_t_count_call
	check "lg_test_calls is new" has new data lg_test_calls
	check "lg_test_calls defined in OUT.o" defines B lg_test_calls
}

t_staticlocal()
{
	check "exit 0" status 0
	check "second changed" has changed second lg_t_second
	check "first unchanged" lacks "first"
	check "fresh is new" has new func fresh
	check "fresh's count is new data" has new data count.0
	# GCC numbers them as it likes: ask ORIG.o which is second's and
	# make sure PATCHED.o renumbered it, or the case proves nothing.
	local o p
	o=$(referenced "$dir/orig.o" second 'count\.[0-9]+')
	p=$(referenced "$dir/patched.o" second 'count\.[0-9]+')
	check "the fix renumbers second's count ($o -> $p)" \
		eval "[ -n '$o' ] && [ -n '$p' ] && [ '$o' != '$p' ]"
	check "second uses the kernel's count, by its ORIG.o name $o" \
		grep -qE "^reloc	lg_t_sec_[0-9]+	[0-9]+	[0-9]+	${o//./\\.}	local	" "$man"
	check "second's count is all it relocates" \
		eval "! grep '^reloc' '$man' | grep -qv '	${o//./\\.}	'"
}

# referenced(object, function, symbol regex) - the static it uses
referenced()
{
	readelf -rW "$1" | awk -v f="'.rela.text.$2'" -v re="$3" '
		/^Relocation section/ { in_f = ($3 == f) }
		in_f && match($0, re) { print substr($0, RSTART, RLENGTH); exit }'
}

t_data()
{
	check "refused" refused "data object 'limit' changed its initial value"
	check "no OUT.o" eval "[ ! -e '$out' ]"
}

t_nochange()
{
	check "the line moved: __bug_table differs" \
		eval "! cmp -s <(section_bytes '$dir/orig.o' __bug_table) \
			<(section_bytes '$dir/patched.o' __bug_table)"
	check "refused: no functional change" refused "no functional change"
}

section_bytes()
{
	readelf -x "$2" "$1" | tail -n +3
}

t_isra()
{
	local clone=get.constprop.0.isra.0
	check "exit 0" status 0
	check "user changed" has changed user lg_t_user
	check "the unchanged clone is not" lacks "changed	$clone"
	check "the call to the clone is a local reloc" \
		grep -qE "^reloc	.*	${clone//./\\.}	local	" "$man"
	check "the call reaches it" veneer_for "${clone//./\\.}"
}

t_isra_patched_clone()
{
	check "exit 0" status 0
	check "the clone changed, redirected under its own name" \
		has changed get.constprop.0.isra.0 lg_t_get_constprop_0_isra_0
	check "its callers did not" lacks "changed	user"
}

t_exports()
{
	check "exit 0" status 0
	check "entry changed" has changed entry lg_t_entry
	check "lg_print exported" has export lg_print
	check "lg_print undefined in OUT.o" undefined lg_print
	check "unexported_func is a global reloc" \
		grep -qE "^reloc	.*	unexported_func	global	" "$man"
	check "unexported_var is a global reloc" \
		grep -qE "^reloc	.*	unexported_var	global	" "$man"
	check "helper is a local reloc" grep -qE "^reloc	.*	helper	local	" "$man"
	check "the call reaches unexported_func" veneer_for unexported_func
	check "unexported_func is not a symbol of OUT.o" no_symbol unexported_func
	check "unexported_var is not a symbol of OUT.o" no_symbol unexported_var
	check "the reloc section symbol is global" \
		eval "nm '$out' | grep -qE ' [A-Z] lg_t_sec_[0-9]+\$'"
}

t_init()
{
	check "refused: __init changed" refused "'setup' in .init.text changed: __init"
}

t_notrace()
{
	check "refused: no ftrace entry" refused "no ftrace entry"
}

t_notrace_static()
{
	check "exit 0" status 0
	check "its caller is redirected" has changed caller lg_t_caller
	check "the notrace helper is not" lacks "changed	helper"
	check "a copy of the helper is in OUT.o" defines t helper
	check "the caller calls the copy, not the kernel's" lacks "	helper	local"
}

t_notrace_static_taken()
{
	check "refused: its address is taken" \
		refused "'helper' changed, has no ftrace entry \\(notrace\\?\\) and its address is taken"
}

t_exportset()
{
	check "refused: a new export" refused "the fix adds the export 'lg_more'"
}

t_exportset_version()
{
	check "refused: an export's version changed" \
		refused "the fix changes the version of the exported 'lg_api'"
}

t_once()
{
	check "exit 0" status 0
	check "once2 changed, alone" eval "has changed once2 lg_t_once2 && lacks 'changed	once[13]'"
	check "it uses done2" grep -qE "^reloc	.*	done2	local	" "$man"
	check "and nothing else" eval "! grep -E '^reloc' '$man' | grep -qv '	done2	'"
	check "done4 is new" has new data done4
	check "OUT.o carries done4 alone" \
		eval "nm '$out' | grep -q ' d done4\$' &&
			[ \"\$(readelf -SW '$out' | grep ' .data.once ' | awk '{print \$(NF-5)}')\" = 000001 ]"
}

t_lines()
{
	check "exit 0" status 0
	check "fixed changed" has changed fixed lg_t_fixed
	check "uses_line did not" lacks "changed	uses_line"
	check "its line numbers moved" has "# uses_line: only line numbers changed"
	check "names_line did not change" lacks "names_line"
	check "stacks_line did not change" has "# stacks_line: only line numbers changed"
	check "though its string did" \
		eval "! cmp -s <(strings -a '$dir/orig.o' | grep 'checked at') \
			<(strings -a '$dir/patched.o' | grep 'checked at')"
}

t_dyndbg()
{
	check "exit 0" status 0
	check "first changed" has changed first lg_t_first
	check "second did not" lacks "second"
	# __COUNTER__ numbers them in source order: second's is 1, then 2.
	check "second's descriptor was renumbered" \
		eval "nm '$dir/orig.o' | grep -q ' __UNIQUE_ID_ddebug1\.' &&
			! nm '$dir/orig.o' | grep -q ' __UNIQUE_ID_ddebug2\.' &&
			nm '$dir/patched.o' | grep -q ' __UNIQUE_ID_ddebug2\.'"
	check "OUT.o has a copy of each of first's two descriptors" \
		eval "[ \"\$(readelf -SW '$out' |
			grep -c ' __dyndbg .* 000010 ')\" = 2 ]"
	check "and not second's" \
		eval "[ \"\$(readelf -SW '$out' | grep -c ' __dyndbg ')\" = 2 ]"
	check "no reloc to a descriptor" lacks "^reloc.*__UNIQUE_ID"
}

t_reltype()
{
	check "refused: a relocation type livegraft cannot write" \
		refused "refers to 'unexported_var' with relocation type (10|274), which livegraft"
}

t_extable()
{
	check "exit 0" status 0
	check "reader changed" has changed reader lg_t_reader
	check "writer unchanged" lacks writer
	check "one __ex_table entry" section_size __ex_table 00000c
	check "one __bug_table entry" section_size __bug_table 00000c
	check "__ex_table keeps its relocations" \
		eval "readelf -rW '$out' | grep -q \"'.rela__ex_table' at offset .* contains 2 entries\""
}

t_jumplabel()
{
	check "exit 0" status 0
	check "gate changed" has changed gate lg_t_gate
	check "one __jump_table entry" section_size __jump_table 000010
	check "its key stays for the module loader" undefined lg_exported_key
	check "the key is exported" has export lg_exported_key
}

t_jumplabel_key_unexported()
{
	check "refused: the loader needs the key" \
		refused "__jump_table: key 'lg_hidden_key' is not exported"
}

t_orc()
{
	check "exit 0" status 0
	check "one .orc_unwind_ip entry" section_size .orc_unwind_ip 000004
	check "the changed function's ORC entry" \
		eval "section_bytes '$out' .orc_unwind | grep -q ' 01020304 0506 '"
}

t_alt()
{
	check "exit 0" status 0
	check "fast changed" has changed fast lg_t_fast
	check "one .altinstructions entry" section_size .altinstructions 00000c
	local len=000005
	[ "$arch" = x86_64 ] || len=000004
	check "its replacement instructions go with it, not slow()'s" \
		section_size .altinstr_replacement $len
	check "with their relocation" \
		eval "readelf -rW '$out' | grep -A2 \"'.rela.altinstr_replacement'\" | grep -q lg_print"
}

t_alt_alt_unexported()
{
	check "refused: the loader applies the replacement first" \
		refused "refers to unexported 'unexported_func', but the loader reads .altinstr_replacement"
}

# text_bytes(object, function, offset, count) - hex of .text.<function>
text_bytes()
{
	objcopy -O binary --only-section=".text.$2" "$1" /dev/stdout |
		od -An -tx1 -j "$3" -N "$4" | tr -d ' \n'
}

# movabs_at(object, function) - offset of runtime_const_ptr()'s movabs
movabs_at()
{
	local o
	o=$(objdump -d --section=".text.$2" "$1" |
		awk '/movabs +\$0x123456789abcdef,/ { sub(":", "", $1); print $1; exit }')
	[ -z "$o" ] || echo $((0x$o))
}

# rewritten(function, REX + opcode + ModRM) - OUT.o reads the export
# where PATCHED.o had the movabs: mov lg_ptr_max(%rip), %reg; nopl (%rax)
rewritten()
{
	local o
	o=$(movabs_at "$dir/patched.o" "$1")
	[ -n "$o" ] &&
		[ "$(text_bytes "$out" "$1" "$o" 10)" = "${2}000000000f1f00" ] &&
		readelf -rW "$out" | awk -v f="'.rela.text.$1'" -v off="$(printf %016x $((o + 3)))" '
			/^Relocation section/ { in_f = ($3 == f) }
			in_f && $1 == off && $3 == "R_X86_64_PC32" && $5 == "lg_ptr_max" &&
				$6 == "-" && $7 == "4" { found = 1 }
			END { exit !found }'
}

# orc_at(function, offsets...) - .orc_unwind_ip points at these offsets
orc_at()
{
	local f=$1 o
	o=$(movabs_at "$dir/patched.o" "$f")
	shift
	for d in "$@"; do
		readelf -rW "$out" | awk -v f="'.rela.orc_unwind_ip'" -v t=".text.$f" \
			-v a="$(printf %x $((o + d)))" '
			/^Relocation section/ { in_f = ($3 == f) }
			in_f && $5 == t && $7 == a { found = 1 }
			END { exit !found }' || return 1
	done
}

t_rtconst()
{
	if [ "${arch%%-*}" = arm64 ]; then
		check "refused: arm64's runtime_const_ptr" \
			refused "runtime_ptr_lg_ptr_max: checked\\+0xc uses the runtime constant 'lg_ptr_max': .* only x86_64's"
		return
	fi
	check "exit 0" status 0
	check "checked changed" has changed checked lg_t_checked
	check "checked_r9 changed" has changed checked_r9 lg_t_checked_r9
	check "unrelated unchanged" lacks unrelated
	check "PATCHED.o has the movabs in checked" eval '[ -n "$(movabs_at "$dir/patched.o" checked)" ]'
	check "in r9" eval 'objdump -d "$dir/patched.o" | grep -q "movabs \$0x123456789abcdef,%r9"'
	check "checked: mov lg_ptr_max(%rip), %rax; nopl, PC32 lg_ptr_max-4" \
		rewritten checked 488b05
	check "checked_r9: REX.R mov lg_ptr_max(%rip), %r9" rewritten checked_r9 4c8b0d
	check "lg_ptr_max left to the module loader" undefined lg_ptr_max
	check "one export record for it" eval "[ \"\$(grep -c '^export	lg_ptr_max\$' '$man')\" = 1 ]"
	check "the manifest says where" \
		has "# checked+0x$(printf %x "$(movabs_at "$dir/patched.o" checked)"): runtime constant lg_ptr_max read from the export"
	check "no runtime_ptr section in OUT.o" eval "! readelf -SW '$out' | grep -q runtime_"
	check "ORC still at the mov and after the nopl" orc_at checked 0 10
	check "ORC of checked_r9 too" orc_at checked_r9 0 10
	check "and nowhere else" section_size .orc_unwind_ip 000010
}

t_rtconst_hidden()
{
	check "refused: lg_hidden_max is not exported" \
		refused "runtime_ptr_lg_hidden_max: checked\\+0x[0-9a-f]+ reads the runtime constant 'lg_hidden_max', which is not exported"
	check "no OUT.o" eval "[ ! -e '$out' ]"
}

t_rtconst_shape()
{
	check "refused: not a movabs" refused "runtime_ptr_lg_ptr_max: checked\\+0x[0-9a-f]+ is not movabs .*bytes .*48 c7 c0 67 45 23 01"
}

t_rtconst_shift()
{
	check "refused: a runtime shift" \
		refused "runtime_shift_lg_shift: checked\\+0x[0-9a-f]+ uses the runtime constant 'lg_shift' \\(runtime_const_shift_right_32\\)"
}

t_rtconst_into()
{
	check "refused: __ex_table points into the movabs" \
		refused "__ex_table\\+0 refers into the runtime constant's movabs at checked\\+0x"
}

cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(string inline newfunc newdata staticlocal data
	nochange isra isra/PATCHED_CLONE exports init notrace extable jumplabel
	jumplabel:KEY_UNEXPORTED orc alt alt:ALT_UNEXPORTED notrace_static
	notrace_static:TAKEN exportset exportset/VERSION once lines dyndbg reltype
	rtconst rtconst:HIDDEN rtconst:SHAPE rtconst:SHIFT rtconst:INTO)

for a in x86_64 arm64 arm64-callops x86_64-kasan; do
	if [ "${a%-*}" != x86_64 ] && ! command -v aarch64-linux-gnu-gcc >/dev/null; then
		echo "ok $((n + 1)) - $a # SKIP no aarch64-linux-gnu-gcc"
		n=$((n + 1))
		continue
	fi
	list=("${cases[@]}")
	[ $a != arm64-callops ] || [ $# -gt 0 ] || list=(string notrace)
	[ $a != x86_64-kasan ] || [ $# -gt 0 ] || list=(kasan)
	for c in "${list[@]}"; do
		both=
		[ "${c#*:}" = "$c" ] || both=${c#*:}
		c=${c%%:*}
		# x86_64's runtime_const_ptr() shapes; arm64 has its own
		[ "$a" = x86_64 ] || [ "$c" != rtconst ] || [ -z "$both" ] || continue
		base=${c%%/*}
		variant=
		[ "$c" = "$base" ] || variant=${c#*/}
		run_case $a "$base" "$variant" "$both" || continue
		t=t_$base${variant:+_$variant}${both:+_$both}
		"${t,,}"
	done
done

echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
