#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317 # scenarios are called through run_test
#
# lg_reloc entries: a patch reaches the static data and functions of the
# object it patches through relocations that livegraft writes into the
# patch module, for every relocation type of the architecture, when the
# patch is enabled or when its target module loads later. A symbol that
# is missing, a location outside the patch module, a value out of range
# or an unknown type refuses the patch (or the module) and leaves nothing
# patched.

# shellcheck source=selftests/functions.sh
. "$(dirname "$0")/functions.sh"

LP=test_lg_reloc_patch
TARGET=test_lg_reloc_target

# What the new test_lg_reloc_show() prints when every site is right: one
# value per site, each from another element (test_lg_reloc_target.c).
case "$(uname -m)" in
x86_64) RELOCATED="relocated 11 22 33 44 55 66 98" ;;
aarch64) RELOCATED="relocated 22 11 33 44 1111 1111 2222 55 66 77 98 100" ;;
*) RELOCATED="unknown architecture" ;;
esac

target_says() {
	assert_eq /proc/$TARGET "$1" "$(cat /proc/$TARGET)"
}

# The address livegraft wrote for the vmlinux object, against kallsyms.
check_vmlinux_addr() {
	want=$(grep ' kallsyms_lookup_name$' /proc/kallsyms | cut -d' ' -f1 |
		sed 's/^0*//')
	[ -n "$want" ] && [ "$want" != 0 ] ||
		skip "/proc/kallsyms shows no address"
	assert_eq vmlinux_addr "$want" \
		"$(cat /sys/module/$LP/parameters/vmlinux_addr)"
}

test_enable() {
	load_livegraft
	load_mod $TARGET
	target_says unpatched
	if ! kallsyms_has_data; then
		# The live target's variables are gone from kallsyms: the
		# patch is refused, and the next scenario proves the types.
		start_test "$LG_TEST"
		load_failing_mod $LP
		target_says unpatched
		check_result "% insmod $LP
livegraft: '$LP': symbol 'test_lg_reloc_vals' not found in $TARGET
insmod: ERROR: could not insert module $LG_MODDIR/$LP.ko: No such file or directory"
		return
	fi
	load_patch $LP
	target_says "$RELOCATED"
	check_vmlinux_addr
	disable_patch $LP
	target_says unpatched
	unload_mod $LP
}

# The target object's relocations wait for its module; the vmlinux
# object's are written at once.
test_late_module() {
	load_livegraft
	load_patch $LP
	check_vmlinux_addr
	load_mod $TARGET
	target_says "$RELOCATED"
	# Loaded again, elsewhere: the relocations are written again.
	unload_mod $TARGET
	load_mod test_lg_target
	load_mod $TARGET
	target_says "$RELOCATED"
	disable_patch $LP
	target_says unpatched
	unload_mod $LP
}

test_missing() {
	load_livegraft
	load_mod $TARGET
	start_test "$LG_TEST"
	load_failing_mod $LP mode=missing
	[ -z "$(ls $LG_SYSFS)" ] || die "left in sysfs: $(ls $LG_SYSFS)"
	target_says unpatched
	check_result "% insmod $LP mode=missing
livegraft: '$LP': symbol 'test_lg_reloc_no_such' not found in $TARGET
insmod: ERROR: could not insert module $LG_MODDIR/$LP.ko: No such file or directory"
}

# A module that loads after the patch is refused as a failed pre_patch
# callback refuses it; the patch stays, with nothing of the module.
test_missing_late() {
	load_livegraft
	load_patch $LP mode=missing
	start_test "$LG_TEST"
	load_failing_mod $TARGET
	is_loaded $TARGET && die "$TARGET loaded"
	[ ! -e /proc/$TARGET ] || die "/proc/$TARGET left behind"
	check_result "% insmod $TARGET
livegraft: '$LP': applying patch to loading module '$TARGET'
livegraft: '$LP': symbol 'test_lg_reloc_no_such' not found in $TARGET
livegraft: '$LP': patch failed for module '$TARGET', refusing to load module '$TARGET'
insmod: ERROR: could not insert module $LG_MODDIR/$TARGET.ko: No such file or directory"
	disable_patch $LP
	unload_mod $LP
	load_mod $TARGET
	target_says unpatched
}

# refused_reloc(mode, log line) - the patch is refused, -EINVAL
refused_reloc() {
	load_livegraft
	load_mod $TARGET
	start_test "$LG_TEST"
	load_failing_mod $LP mode="$1"
	[ -z "$(ls $LG_SYSFS)" ] || die "left in sysfs: $(ls $LG_SYSFS)"
	target_says unpatched
	check_result "% insmod $LP mode=$1
livegraft: '$LP': $2
insmod: ERROR: could not insert module $LG_MODDIR/$LP.ko: Invalid argument"
}

if [ "$(uname -m)" = x86_64 ]; then
	R_ABS64=1 R_RANGE=4 # R_X86_64_64, R_X86_64_PLT32
else
	R_ABS64=257 R_RANGE=283 # R_AARCH64_ABS64, R_AARCH64_CALL26
fi

test_outside() {
	refused_reloc outside \
		"relocation of 'test_lg_reloc_vals' (type $R_ABS64): its location is outside the patch module"
}

test_range() {
	refused_reloc range \
		"relocation of 'test_lg_reloc_fn' (type $R_RANGE): value out of range"
}

test_badtype() {
	refused_reloc badtype \
		"relocation of 'test_lg_reloc_vals' (type 65535): unsupported type"
}

run_test "relocations of every type reach unexported symbols" test_enable
run_test "a module that loads later gets its relocations" test_late_module
run_test "a missing symbol refuses the patch" test_missing
run_test "a missing symbol refuses a module that loads later" test_missing_late
run_test "a relocation outside the patch module is refused" test_outside
run_test "a relocation out of range is refused" test_range
run_test "an unknown relocation type is refused" test_badtype
finish
