#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317 # scenarios are called through run_test
#
# Hostile input and who may drive livegraft: malformed patch descriptions,
# garbage and huge writes to every sysfs file and module parameter, writes
# from several processes at once during transitions, modules removed at
# each moment of a transition, patches loaded in parallel, and writers
# without CAP_SYS_ADMIN in the initial user namespace. Each refusal is a
# clean errno and a log line; nothing may oops, WARN or change state.
# Documentation/security.md is the threat model these scenarios check.

# shellcheck source=selftests/functions.sh
. "$(dirname "$0")/functions.sh"

BAD=test_lg_bad
BUSY=test_lg_busy
LP=test_lg_busy_patch
P=$LG_SYSFS/$LP
PARAMS=/sys/module/livegraft/parameters
EPERM="Operation not permitted"
EACCES="Permission denied"
EINVAL="Invalid argument"
PATCHED="test_lg_livepatch: this has been live patched"

test_null_patch() {
	setup_refused
	refused null_patch "$EINVAL" "livegraft: invalid patch: it needs its module"
}

test_no_mod() {
	setup_refused
	refused no_mod "$EINVAL" "livegraft: invalid patch: it needs its module"
}

test_null_func_name() {
	setup_refused
	refused null_func_name "$EINVAL" \
		"livegraft: '$BAD': function 0 of object 'vmlinux' needs an old_name and a new_func"
}

test_empty_func_name() {
	setup_refused
	refused empty_func_name "$EINVAL" \
		"livegraft: '$BAD': function 0 of object 'vmlinux' needs an old_name and a new_func"
}

test_long_func_name() {
	setup_refused
	refused long_func_name "$EINVAL" \
		"livegraft: '$BAD': function 0 of object 'vmlinux': old_name longer than 511 characters"
}

test_null_funcs() {
	setup_refused
	refused null_funcs "$EINVAL" \
		"livegraft: '$BAD': object 'test_lg_target' has no function list"
}

# An empty object name would become a sysfs directory without a name:
# kobject_add() WARNs on that, which panics these guests.
test_empty_obj_name() {
	setup_refused
	refused empty_obj_name "$EINVAL" "livegraft: '$BAD': invalid object name ''"
}

# MODULE_NAME_LEN (56 on 64-bit) o's, one more than a module name has:
# the log shows that much of the name.
test_long_obj_name() {
	setup_refused
	refused long_obj_name "$EINVAL" \
		"livegraft: '$BAD': invalid object name '$(printf '%56s' '' | tr ' ' o)'"
}

test_vmlinux_obj_name() {
	setup_refused
	refused vmlinux_obj_name "$EINVAL" "livegraft: '$BAD': invalid object name 'vmlinux'"
}

test_dup_objs() {
	setup_refused target
	refused dup_objs "File exists" \
		"livegraft: '$BAD': object 'test_lg_target' is listed twice"
	assert_eq /proc/test_lg_target "unpatched 1 2 0" "$(cat /proc/test_lg_target)"
}

test_dup_vmlinux() {
	setup_refused
	refused dup_vmlinux "File exists" "livegraft: '$BAD': object 'vmlinux' is listed twice"
}

test_sympos_huge() {
	setup_refused target
	refused sympos_huge "No such file or directory" \
		"livegraft: '$BAD': symbol 'test_lg_target_dup' position 18446744073709551615 not found in test_lg_target: 2 matches"
}

# Not refusals: an object without functions, loaded or not, and an object
# list with no object at all, load and go cleanly.
test_empty_edges() {
	load_livegraft
	load_patch $BAD mode=empty_obj
	[ -d "$LG_SYSFS/$BAD/test_lg_target" ] || die "no object directory"
	check_value "$LG_SYSFS/$BAD/test_lg_target/patched" 0
	load_mod test_lg_target
	check_value "$LG_SYSFS/$BAD/test_lg_target/patched" 1
	disable_patch $BAD
	unload_mod $BAD
	load_patch $BAD mode=zero_objs
	assert_eq "objects of an empty list" "" \
		"$(find "$LG_SYSFS/$BAD" -mindepth 1 -type d)"
	disable_patch $BAD
	unload_mod $BAD
}

# big(file, bytes, char) - a file of that many bytes of one character
big() {
	head -c "$2" /dev/zero | tr '\0' "$3" >"$1"
}

# write_once(file, data file) - the data in one write(2); fails like it
write_once() {
	dd if="$2" of="$1" bs="$(wc -c <"$2")" count=1 2>&1
}

# huge_fails(file, data file, errno text) - one huge write must fail so
huge_fails() {
	out=$(write_once "$1" "$2") && die "a write of $(wc -c <"$2") bytes to $1 succeeded"
	case "$out" in
	*"$3"*) ;;
	*) die "a write of $(wc -c <"$2") bytes to $1: expected '$3', got '$out'" ;;
	esac
}

# garbage_fails(file, errno text) - garbage, out-of-range words and huge
# buffers must fail so
garbage_fails() {
	for v in 2 -1 10 1garbage "yes please" " 1" "" garbage 0x1 onn; do
		write_fails "$1" "$v" "$2"
	done
	printf '1\0001' >"$LG_TMP/nul"
	huge_fails "$1" "$LG_TMP/nul" "$2"
	huge_fails "$1" "$LG_TMP/64k" "$2"
	huge_fails "$1" "$LG_TMP/page1" "$2"
}

# Every file of a patch written with garbage, out-of-range values, an
# embedded NUL and huge buffers (64 KiB, a page + 1: sysfs hands the
# store one page): EINVAL, one log line each, and the patch unchanged.
# Read-only files refuse writers and write-only files readers at open.
# An empty write reaches no store: it changes nothing.
test_sysfs_garbage() {
	load_livegraft
	load_patch test_lg_livepatch
	d=$(patch_dir test_lg_livepatch)
	big "$LG_TMP/64k" 65536 1
	big "$LG_TMP/page1" 4097 1
	start_test "$LG_TEST"
	for f in enabled force signal; do
		garbage_fails "$d/$f" "$EINVAL"
		printf '' >"$d/$f" || die "an empty write to $f failed"
	done
	for f in transition replace pending stats vmlinux/patched; do
		write_fails "$d/$f" 0 "$EACCES"
		huge_fails "$d/$f" "$LG_TMP/64k" "$EACCES"
	done
	for f in force signal; do
		out=$(cat "$d/$f" 2>&1) && die "reading $f worked: $out"
		case "$out" in *"$EACCES"*) ;; *) die "reading $f: $out" ;; esac
	done
	check_value "$d/enabled" 1
	check_value "$d/transition" 0
	assert_eq /proc/cmdline "$PATCHED" "$(cat /proc/cmdline)"
	grep -qx "transitions: 1" "$d/stats" || die "stats: $(cat "$d/stats")"
	# 13 garbage writes, each refused with its log line, per file.
	for f in enabled force signal; do
		n=$(transcript | grep -cx "livegraft: 'test_lg_livepatch': $f: invalid value, write 1 or 0")
		assert_eq "log lines of garbage written to $f" 13 "$n"
	done
	assert_eq "other log lines" "" \
		"$(transcript | grep -v ': invalid value, write 1 or 0$')"
}

# Every livegraft module parameter: garbage, out of range, huge. Refused
# with a log line, each keeps its value. Valid edge values of
# signal_delay_ms are taken (0 and the largest unsigned int).
test_param_garbage() {
	load_livegraft
	big "$LG_TMP/64k" 65536 1
	big "$LG_TMP/page1" 4097 1
	start_test "$LG_TEST"
	for f in "$PARAMS"/*; do
		before=$(cat "$f")
		write_fails "$f" garbage ""
		write_fails "$f" "" ""
		huge_fails "$f" "$LG_TMP/64k" ""
		# live_objects counts exit records: every exiting task moves it.
		[ "$f" = "$PARAMS/live_objects" ] ||
			assert_eq "$f after garbage" "$before" "$(cat "$f")"
	done
	s=$PARAMS/signal_delay_ms
	write_fails $s -1 "$EINVAL"
	write_fails $s 12x "$EINVAL"
	write_fails $s 4294967296 "Numerical result out of range"
	huge_fails $s "$LG_TMP/page1" "Numerical result out of range"
	echo 4294967295 >$s || die "the largest value refused"
	check_value $s 4294967295
	echo 0 >$s || die "0 refused"
	echo 1000 >$s
	write_fails $PARAMS/fault_fork_no_entry 2 "$EINVAL"
	check_value $PARAMS/fault_fork_no_entry N
	write_fails $PARAMS/fail_symbol x "$EACCES"
	transcript | grep -qx "livegraft: parameter signal_delay_ms: invalid value (-34)" ||
		die "no log line for an out-of-range value"
	transcript | grep -qx "livegraft: parameter signal_delay_ms: invalid value (-22)" ||
		die "no log line for garbage"
	transcript | grep -qx "livegraft: parameter fault_fork_no_entry: invalid value (-22)" ||
		die "no log line for a bad boolean"
}

# hammer(seconds, command) - run the command over and over in the
# background ($! is the loop), errors ignored
hammer() {
	sh -c "end=\$((\$(date +%s) + $1)); while [ \$(date +%s) -lt \$end ]; do $2; done" \
		>/dev/null 2>&1 &
	hammers="$hammers $!"
}

# Several processes at once for some seconds, during transitions: three
# toggle enabled, one writes signal, two read every file, one flips the
# patch's "block" (a task asleep in its new code holds the unpatching up,
# so patching and unpatching alternate and reverse), one loads the patch
# module again whenever it is gone. No oops; at the end the patch is
# enabled with test_lg_busy's functions redirected, or gone with them not.
test_concurrent_writers() {
	load_livegraft
	echo 100 >$PARAMS/signal_delay_ms
	load_mod $BUSY block=0 read_block=0
	load_patch $LP
	# A round may see no reversal when the guest is slow (a loaded host):
	# up to three rounds, until one did.
	round=0 n=0
	while [ "$n" -lt 1 ] && [ $round -lt 3 ]; do
		if [ ! -e $P ]; then
			! is_loaded $LP || unload_mod $LP
			load_patch $LP
		fi
		hammers=
		# Most writes fail (a log line each): about 40 a second in all.
		hammer 8 "echo 1 >$P/enabled; echo 0 >$P/enabled; sleep 0.1"
		hammer 8 "echo 0 >$P/enabled; sleep 0.05; echo 1 >$P/enabled; sleep 0.1"
		hammer 8 "echo 1 >$P/enabled; sleep 0.1"
		hammer 8 "echo 1 >$P/signal; sleep 0.05"
		hammer 8 "cat $P/pending $P/stats $P/transition $P/enabled $P/replace"
		hammer 8 "cat $P/$BUSY/patched $P/vmlinux/patched $P/stats"
		hammer 8 "echo 1 >/sys/module/$LP/parameters/block; sleep 0.3; echo 0 >/sys/module/$LP/parameters/block; sleep 0.2"
		hammer 8 "[ -e $P ] || { rmmod $LP; $LG_INSMOD $LG_MODDIR/$LP.ko; }; sleep 0.1"
		# shellcheck disable=SC2086 # a list of pids
		wait $hammers
		echo 0 >/sys/module/$LP/parameters/block 2>/dev/null || true
		# Whatever the last writes left: a transition completes either way.
		loop_until "[ ! -e $P ] || [ \"\$(cat $P/transition)\" = 0 ]" ||
			die "the last transition never completed: $(cat $P/pending)"
		n=$(transcript | grep -c "livegraft: '$LP': reversing transition") || true
		round=$((round + 1))
	done
	echo "# $n reversals, $(transcript | grep -c "livegraft: '$LP': \(un\)*patching complete") completed transitions, $round rounds"
	if [ -e $P ]; then
		check_value $P/enabled 1
		check_value $P/$BUSY/patched 1
		assert_eq /proc/$BUSY patched "$(cat /proc/$BUSY)"
		disable_patch $LP
	fi
	assert_eq /proc/$BUSY unpatched "$(cat /proc/$BUSY)"
	if is_loaded $LP; then
		unload_mod $LP
	fi
	[ "$n" -ge 1 ] || die "no transition was reversed: the scenario tested little"
}

# rmmod_fails(mod) - rmmod refused: the module is in use
rmmod_fails() {
	log "% rmmod $1"
	out=$(rmmod "$1" 2>&1) && die "rmmod $1 worked"
	log "$out"
	is_loaded "$1" || die "$1 gone"
}

# The patch module and livegraft at each moment of a transition: while
# patching is held up, once enabled, while unpatching is held up by a task
# asleep in the patch's code, while reversing: rmmod is refused (the patch
# holds its module, patch modules hold livegraft) and the patch goes on.
# Once the patch is freed, both go.
test_rmmod_patch() {
	load_livegraft
	echo 0 >$PARAMS/signal_delay_ms
	load_mod $BUSY read_block=0
	load_mod $LP
	wait_pending "$BUSY: kthread, test_lg_busy_sleep$"
	rmmod_fails $LP
	rmmod_fails livegraft
	echo 0 >/sys/module/$BUSY/parameters/block
	wait_transition $LP
	rmmod_fails $LP
	echo 1 >/sys/module/$LP/parameters/block
	sleep 0.5
	log "% echo 0 > $P/enabled"
	echo 0 >$P/enabled
	wait_pending "$BUSY: kthread, test_lg_busy_sleep$"
	rmmod_fails $LP
	rmmod_fails livegraft
	log "% echo 1 > $P/enabled"
	echo 1 >$P/enabled
	wait_transition $LP
	rmmod_fails $LP
	echo 0 >/sys/module/$LP/parameters/block
	check_value $P/enabled 1
	assert_eq /proc/$BUSY patched "$(cat /proc/$BUSY)"
	disable_patch $LP
	unload_mod $LP
	assert_eq /proc/$BUSY unpatched "$(cat /proc/$BUSY)"
	n=$(transcript | grep -c "^rmmod: .*Resource temporarily unavailable$") || true
	assert_eq "rmmod refusals" 6 "$n"
}

# wait_pending(pattern) - until a line of the patch's pending matches
wait_pending() {
	loop_until "grep -q '$1' $P/pending" ||
		die "pending never showed '$1': $(cat $P/pending)"
}

# The target module whose tasks hold the transition up goes in the middle
# of it: its kthread and a reader asleep in the old code (patching), then
# the kthread asleep in the new code (unpatching). Its exit ends those
# tasks' waits, so the transition completes; the patch stays enabled with
# the module's object reverted, or is freed. (test-modules.sh has a target
# module that goes while a transition still runs.)
test_rmmod_target() {
	load_livegraft
	echo 0 >$PARAMS/signal_delay_ms
	load_mod $BUSY
	# One read(): cat's second one, for the end of the file, can come
	# after the module removed the file (EIO), once its exit woke the first.
	dd if=/proc/$BUSY bs=4096 count=1 >"$LG_TMP/read" 2>&1 &
	reader=$!
	load_mod $LP
	wait_pending "$BUSY: kthread, test_lg_busy_sleep$"
	wait_pending "^$reader dd: test_lg_busy_wait$"
	unload_mod $BUSY
	wait "$reader" || die "the reader failed: $(cat "$LG_TMP/read")"
	wait_transition $LP
	check_value $P/enabled 1
	check_value $P/$BUSY/patched 0
	transcript | grep -qx "livegraft: '$LP': reverting patch on unloading module '$BUSY'" ||
		die "no revert in the log"

	# Back, its kthread asleep in the new code: unpatching waits for it.
	load_mod $BUSY block=0
	check_value $P/$BUSY/patched 1
	echo 1 >/sys/module/$LP/parameters/block
	sleep 0.5
	log "% echo 0 > $P/enabled"
	echo 0 >$P/enabled
	wait_pending "$BUSY: kthread, test_lg_busy_sleep$"
	unload_mod $BUSY
	loop_until "[ ! -e $P ]" || die "patch not freed once the target went"
	unload_mod $LP
}

# Patch modules loaded in parallel, five rounds: while one is in
# transition the others are refused with EBUSY and a log line; at least
# one of each round goes in, and the functions show the patches loaded.
test_parallel_insmod() {
	load_livegraft
	mods="test_lg_livepatch test_lg_meminfo test_lg_stack livegraft-sample"
	for round in 1 2 3 4 5; do
		start_test "$LG_TEST, round $round"
		for m in $mods; do
			(
				log "% insmod $m"
				if out=$("$LG_INSMOD" "$LG_MODDIR/$m.ko" 2>&1); then
					echo "$m" >"$LG_TMP/ok.$m"
				else
					log "$out"
				fi
			) &
		done
		wait
		ok=0
		for m in $mods; do
			if [ -e "$LG_TMP/ok.$m" ]; then
				rm "$LG_TMP/ok.$m"
				echo "$m" >>"$LG_TMP/loaded"
				ok=$((ok + 1))
				wait_transition "$m"
				check_value "$(patch_dir "$m")/enabled" 1
			else
				name=$(mod_name "$m")
				transcript | grep -q "livegraft: '$name': patch '.*' is in transition, try again once it completes" ||
					die "round $round: $m refused without its log line"
				transcript | grep -qx "insmod: ERROR: could not insert module $LG_MODDIR/$m.ko: Device or resource busy" ||
					die "round $round: $m refused, not with EBUSY"
			fi
		done
		[ $ok -ge 1 ] || die "round $round: no patch went in"
		echo "# round $round: $ok of 4 loaded"
		# The newest of the patches of cmdline_proc_show that went in wins.
		top=$(transcript | sed -n "s/^livegraft: enabling patch '\(.*\)'$/\1/p" |
			grep -v test_lg_meminfo | tail -n 1)
		if [ -n "$top" ]; then
			assert_eq "round $round: /proc/cmdline" \
				"$top: this has been live patched" "$(cat /proc/cmdline)"
		fi
		if grep -qsx test_lg_meminfo "$LG_TMP/loaded"; then
			assert_eq /proc/meminfo "test_lg_meminfo: this has been live patched" "$(cat /proc/meminfo)"
		fi
		cleanup
		grep -q MemTotal /proc/meminfo || die "round $round: /proc/meminfo not restored"
		load_livegraft
	done
}

# More tasks block a transition than one page of pending can name: 200
# readers asleep in the old test_lg_busy_wait(). pending stops at the
# page (its last line cut short); the transition completes once they
# leave.
test_pending_page() {
	load_livegraft
	echo 0 >$PARAMS/signal_delay_ms
	load_mod $BUSY block=0
	i=0
	while [ $i -lt 200 ]; do
		cat /proc/$BUSY >/dev/null 2>&1 &
		i=$((i + 1))
	done
	sleep 3
	load_mod $LP
	loop_until "[ \$(grep -c ' cat: test_lg_busy_wait$' $P/pending) -ge 100 ]" ||
		die "pending never named 100 readers: $(wc -l <$P/pending) lines"
	size=$(wc -c <$P/pending)
	echo "# pending with 200 blocked readers: $size bytes, $(wc -l <$P/pending) lines"
	[ "$size" -lt 4096 ] || die "pending is $size bytes, more than a page less its NUL"
	[ "$size" -ge 3900 ] || die "pending is $size bytes: not cut at the page"
	check_value $P/transition 1
	echo 0 >/sys/module/$BUSY/parameters/read_block
	wait
	wait_transition $LP
}

# as_user(command) - run a shell command as uid 1000, no capabilities
as_user() {
	runas 1000 sh -c "$1" 2>&1
}

# in_userns(command) - run a shell command as root of a new user
# namespace: uid 0, every capability, but only in that namespace
in_userns() {
	busybox unshare -r sh -c "$1" 2>&1
}

# check_untouched() - the patch still in transition, nothing forced or
# signaled, the kthread still blocking it
check_untouched() {
	check_value $P/enabled 1
	check_value $P/transition 1
	grep -qx "signals: 0" $P/stats || die "signaled: $(cat $P/stats)"
	grep -qx "moved_forced: 0" $P/stats || die "forced: $(cat $P/stats)"
	grep -qx "reversals: 0" $P/stats || die "reversed: $(cat $P/stats)"
	check_value $PARAMS/signal_delay_ms 0
	check_value $PARAMS/fault_fork_no_entry N
}

# security_setup() - a patch held in transition by test_lg_busy's kthread
security_setup() {
	load_livegraft
	echo 0 >$PARAMS/signal_delay_ms
	load_mod $BUSY
	load_mod $LP
	wait_pending "$BUSY: kthread, test_lg_busy_sleep$"
}

# A user without privileges can open none of the state-changing files,
# nor pending, at any moment: a patch in transition is left as it was.
test_unprivileged_user() {
	command -v runas >/dev/null || skip "no runas helper in this guest"
	security_setup
	for w in "echo 0 >$P/enabled" "echo 1 >$P/signal" "echo x >$P/force" \
		"echo 1 >$PARAMS/signal_delay_ms" "echo 1 >$PARAMS/fault_fork_no_entry" \
		"cat $P/pending"; do
		out=$(as_user "$w") && die "as uid 1000, '$w' worked"
		case "$out" in *"$EACCES"*) ;; *) die "as uid 1000, '$w': $out" ;; esac
	done
	as_user "cat $P/enabled $P/transition $P/stats" >/dev/null ||
		die "uid 1000 cannot read the world-readable files"
	check_untouched
	echo 0 >/sys/module/$BUSY/parameters/block
	wait_transition $LP
}

# Root of a user namespace (unshare -U -r) has uid 0, so the file modes
# let it open every file; livegraft refuses each state-changing write
# with EPERM and a log line, because it has no capability in the initial
# namespace. Garbage to force meets the same refusal before the parsing.
test_userns_root() {
	busybox unshare --help >/dev/null 2>&1 || skip "no unshare in this guest's busybox"
	in_userns true >/dev/null || skip "no user namespaces: $(in_userns true)"
	security_setup
	start_test "$LG_TEST"
	for w in "enabled 0" "signal 1" "force x"; do
		# shellcheck disable=SC2086 # two words
		set -- $w
		out=$(in_userns "echo $2 >$P/$1") && die "in a user namespace, writing $2 to $1 worked"
		case "$out" in *"$EPERM"*) ;; *) die "in a user namespace, $1: $out" ;; esac
		transcript | grep -qx "livegraft: '$LP': $1: writing needs CAP_SYS_ADMIN in the initial user namespace" ||
			die "no log line for $1"
	done
	for w in "signal_delay_ms 1" "fault_fork_no_entry 1"; do
		# shellcheck disable=SC2086 # two words
		set -- $w
		out=$(in_userns "echo $2 >$PARAMS/$1") && die "in a user namespace, writing $1 worked"
		case "$out" in *"$EPERM"*) ;; *) die "in a user namespace, $1: $out" ;; esac
		transcript | grep -qx "livegraft: parameter $1: writing needs CAP_SYS_ADMIN in the initial user namespace" ||
			die "no log line for $1"
	done
	check_untouched
	# The same writes from the initial namespace work: the refusal was
	# the namespace's.
	echo 1 >$P/signal || die "root cannot signal"
	echo 0 >/sys/module/$BUSY/parameters/block
	wait_transition $LP
}

run_test "malformed: NULL patch" test_null_patch
run_test "malformed: patch without its module" test_no_mod
run_test "malformed: NULL function name" test_null_func_name
run_test "malformed: empty function name" test_empty_func_name
run_test "malformed: function name too long" test_long_func_name
run_test "malformed: object without a function list" test_null_funcs
run_test "malformed: empty object name" test_empty_obj_name
run_test "malformed: object name too long" test_long_obj_name
run_test "malformed: object named vmlinux" test_vmlinux_obj_name
run_test "malformed: module object listed twice" test_dup_objs
run_test "malformed: vmlinux listed twice" test_dup_vmlinux
run_test "malformed: old_sympos ULONG_MAX" test_sympos_huge
run_test "empty objects and empty object lists are no refusal" test_empty_edges
run_test "sysfs: garbage, out of range and huge writes" test_sysfs_garbage
run_test "module parameters: garbage, out of range and huge writes" test_param_garbage
run_test "sysfs: many writers and readers during transitions" test_concurrent_writers
run_test "rmmod of the patch module at each moment of a transition" test_rmmod_patch
run_test "rmmod of the target module at each moment of a transition" test_rmmod_target
run_test "patch modules loaded in parallel" test_parallel_insmod
run_test "pending longer than a page is cut at the page" test_pending_page
run_test "security: an unprivileged user drives nothing" test_unprivileged_user
run_test "security: root of a user namespace drives nothing" test_userns_root
finish
