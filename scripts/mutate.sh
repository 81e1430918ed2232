#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mutate.sh - does the selftest collection notice when a safety mechanism
# breaks? Each mutation below breaks one mechanism of livegraft in a
# scratch copy of the tree; the copy is built and the selftest scripts
# that should notice are run in a guest. A mutation is caught when some
# scenario fails (or the guest crashes); one that survives is a failure.
#
# usage: mutate.sh [--arch "x86_64 arm64"] [--kver 6.1] [-j N] [NAME...]
#        mutate.sh --check [NAME...]     only that each still applies
#
# A mutation whose text no longer matches the code fails as "stale": keep
# the list in step with core/ (Documentation/testing.md says how).
# The last line is "N passed, N failed".

set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
archs=x86_64 kver=6.1 jobs=2 check=
while [ $# -gt 0 ]; do
	case "$1" in
	--arch) archs=$2; shift 2 ;;
	--kver) kver=$2; shift 2 ;;
	-j) jobs=$2; shift 2 ;;
	--check) check=1; shift ;;
	-*) echo "mutate.sh: unknown option '$1'" >&2; exit 2 ;;
	*) break ;;
	esac
done
only=("$@")

names=() files=() substs=() tests=() scens=() arches=()

# mutation(name, file, perl substitution, selftest scripts, scenarios[, where])
# The substitution (perl -0, the whole file at once) must match exactly
# once. Only the scenarios named ("name|name...", LG_ONLY) of those scripts
# run, each script having at least one. With where ("x86_64 arm64-6.12":
# architectures, or an architecture with its KVER), the mutation runs
# there only.
mutation()
{
	names+=("$1") files+=("$2") substs+=("$3") tests+=("$4") scens+=("$5")
	arches+=("${6:-}")
}

# The redirection.
mutation handler-ignores-universe core/redirect.c \
	's/if \(lg_task_universe\(current\) == LG_UNPATCHED\)/if (0)/' \
	test-stress.sh \
	"no task mixes universes under stress"
# The direct-call fast path (x86_64, arm64 6.12): the trampoline each
# function is on.
FAST="x86_64 arm64-6.12"
mutation slow-loses-an-argument arch/x86_64/fast.S \
	's/\tpushq\t%rdi\n(.*?)\tpopq\t%rdi\n/$1/s' \
	test-fastpath.sh \
	"fast path: six arguments and varargs through both trampolines" x86_64
mutation slow-loses-an-argument-arm64 arch/arm64/fast.S \
	's/\tstp\tx2, x3, \[sp, #16\]\n//' \
	test-fastpath.sh \
	"fast path: six arguments and varargs through both trampolines" arm64-6.12
mutation fast-during-transition core/redirect.c \
	's/if \(top->transition \|\| !top->new_func\)/if (!top->new_func)/' \
	test-fastpath.sh \
	"fast outside a transition, slow during enable and disable" "$FAST"
mutation slow-never-entered core/transition.c \
	's/ret = lg_redirect_update\(patch\);\n\tif \(ret\) \{/ret = 0;\n\tif (ret) {/' \
	test-fastpath.sh \
	"fast outside a transition, slow during enable and disable" "$FAST"
mutation fast-wrong-target core/redirect.c \
	's/top = list_first_entry\(&ops->func_stack,/top = list_last_entry(&ops->func_stack,/' \
	test-fastpath.sh \
	"fast path: stacked patches" "$FAST"
mutation fast-never-resumed core/transition.c \
	's/\tset_transition\(patch, false\);\n\t\/\* The same answer for every task: direct-called ones may go fast. \*\/\n\tlg_redirect_update\(patch\);\n/\tset_transition(patch, false);\n/' \
	test-fastpath.sh \
	"fast outside a transition, slow during enable and disable" "$FAST"
# Where a task may move.
mutation stack-check-always-passes core/check.c \
	's/(int lg_check_stack\(struct task_struct \*task, const char \*\*blocker\)\n\{)/$1\n\treturn 0;/' \
	"test-stress.sh test-transition.sh" \
	"no task mixes universes under stress|kthread in a replaced function blocks the transition"
mutation unpatch-checks-old-code core/check.c \
	's/add_blocking\(ranges, \(unsigned long\)func->new_func,\s+func->new_size, name\);/add_blocking(ranges, func->old_addr, func->old_size, name);/' \
	test-transition.sh \
	"a reversal waits for a sleeper in the new function|patch module in use cannot go"
mutation stacking-ignores-below core/check.c \
	's/add_blocking\(ranges, \(unsigned long\)below->new_func,\s+below->new_size, name\);//' \
	test-transition.sh \
	"a stacked patch waits for a sleeper in the one below"
# The scan of a sleeping task's stack words before any walk (check.c).
mutation scan-ignores-hidden core/check.c \
	's/\t\thidden\[nr_hidden\+\+\]\.name = hidden_names\[i\];/\t\thidden[0].name = hidden_names[i];/' \
	test-transition.sh \
	"a sleeper behind the graph tracer blocks the transition|a sleeper behind a return probe blocks the transition"
mutation scan-stops-short core/check.c \
	's/words_clean\(ranges, sw\.lo, sw\.hi\)/words_clean(ranges, sw.lo, sw.lo + 4)/' \
	test-transition.sh \
	"kthread in a replaced function blocks the transition"
# Only x86_64 guests preempt inside the ftrace handler (preempt=full);
# Debian's arm64 kernels never preempt there.
mutation no-fentry-return-site core/check.c \
	's/(if \(lg_target_state == LG_UNPATCHED\) \{\n)\s+add_blocking\(ranges, func->old_addr,\s+LG_ARCH_FENTRY_RET_MAX \+ 1, name\);\n/$1/' \
	test-stress.sh \
	"a task stopped in the ftrace handler does not move" x86_64
# On x86_64 the mutant is the same program: ORC's __unwind_start() refuses
# a task running on another CPU itself (task_on_another_cpu()); arm64's
# frame-record walker is livegraft's own and trusts the check it removes.
mutation running-task-checked core/switch.c \
	's/if \(smp_load_acquire\(&task->on_cpu\) && task != current\) \{/if (0) {/' \
	test-stress.sh \
	"a task running in a replaced function is not judged by its stack" arm64
mutation task-work-moves-unchecked core/switch.c \
	's/move_current\(table,\n(\s+)READ_ONCE\(state->signaled\)/lg_move_task(table, current,\n$1READ_ONCE(state->signaled)/' \
	test-stress.sh \
	"task_work run inside a replaced function does not move"
mutation moves-before-start core/switch.c \
	's/if \(table && smp_load_acquire\(&table->open\)\)/if (table)/' \
	test-stress.sh \
	"no task mixes universes under stress|no task moves before the transition starts"
mutation reversal-moves-everyone core/transition.c \
	's/(\ttable->epoch\+\+;\n)/$1\t{\n\t\tstruct task_struct *g, *t;\n\n\t\trcu_read_lock();\n\t\tfor_each_process_thread(g, t)\n\t\t\tlg_move_task(table, t, LG_MOVED_STACK);\n\t\trcu_read_unlock();\n\t}\n/' \
	"test-transition.sh test-stress.sh" \
	"a reversal waits for a sleeper in the new function|reversals under load mix nothing"
mutation no-user-task-work core/switch.c \
	's/(static void poke_user_task\([^)]*bool signal\)\n\{\n)/$1\tif (!signal)\n\t\treturn;\n/' \
	test-transition.sh \
	"a user task moves on its way back to user space"
mutation no-fake-signal core/switch.c \
	's/(void lg_send_signals\(struct lg_universe_table \*table, bool again\)\n\{\n)/$1\treturn;\n/' \
	test-transition.sh \
	"user task moves after the fake signal|stall reported, signal sent automatically"
mutation unbounded-pokes core/switch.c \
	's/if \(!READ_ONCE\(state->work_queued\)\)\n(\t+queue_task_work)/if (1)\n$1/' \
	test-transition.sh \
	"a task in D state is poked once, not without bound"
mutation idle-moved-unchecked core/switch.c \
	's/queue_work_on\(cpu, lg_wq, &per_cpu_ptr\(cpu_works, cpu\)->idle_kick\);\n\t\tunmoved\+\+;/lg_move_task(table, idle, LG_MOVED_IDLE);/' \
	test-stress.sh \
	"an interrupt on an idle CPU inside a replaced function does not move it"
mutation idle-without-entry core/universe.c \
	's/for_each_possible_cpu\(cpu\)\n\t\tadd_state\(table, chunk, lg_ksym.idle_task\(cpu\), start, false\);//' \
	test-stress.sh \
	"an interrupt on an idle CPU inside a replaced function does not move it"
# Tasks that left the task list but still run the end of do_exit().
mutation departed-not-checked core/transition.c \
	's/\tlg_universe_visit_departed\(table, lg_switch_departed, &unmoved\);\n//' \
	test-stress.sh \
	"an exiting task off the task list inside a replaced function holds the transition"
mutation exits-not-pinned core/exits.c \
	's/(int lg_exits_pin\(struct lg_universe_table \*table\)\n\{\n(?:.*\n){4})/$1\n\treturn 0;/' \
	test-stress.sh \
	"an exiting task off the task list inside a replaced function holds the transition"
mutation no-lg-task-safe core/switch.c \
	's/(void lg_task_safe\(void\)\n\{\n)/$1\treturn;\n/' \
	"test-transition.sh" \
	"kthread moves at lg_task_safe()"
mutation exit-not-accounted core/switch.c \
	's/(void lg_transition_exiting\(void\)\n\{\n(?:.*\n){2})/$1\treturn;\n/' \
	"test-transition.sh" \
	"a task that exits moves as it exits"
mutation force-does-not-pin core/patch.c \
	's/if \(!forced\)\n\t+module_put\(mod\);/module_put(mod);/' \
	test-force.sh \
	"force completes, the module stays"
mutation no-taint core/patch.c \
	's/\tadd_taint\(TAINT_LIVEPATCH, LOCKDEP_STILL_OK\);\n\tset_bit\(TAINT_LIVEPATCH, &patch->desc->mod->taints\);\n//' \
	test-patch.sh \
	"taint"
# Not a mutation: a new task in its parent's universe (task_newtask). It
# starts from ret_from_fork with an empty stack, so any universe is safe
# for it; inheriting only spares the worker a check.
mutation no-default-flip core/transition.c \
	's/\tif \(!unmoved && !lg_universe_flip\(table, lost_forks, lg_target_state\)\)\n\t\tunmoved\+\+;\n//' \
	test-stress.sh \
	"tasks forked without an entry mix nothing"
mutation no-reversal core/sysfs.c \
	's/if \(patch == lg_transition_patch && patch->enabled != enabled\) \{/if (0) {/' \
	test-transition.sh \
	"disable during the transition reverses it"
# Atomic replace, states, shadow variables.
mutation nop-not-checked core/check.c \
	's/(\t\t\tbelow = lg_redirect_below\(func\);\n)/$1\t\t\tif (func->nop)\n\t\t\t\tcontinue;\n/' \
	test-transition.sh \
	"a replace patch waits for a sleeper in a function it drops"
mutation replaced-stay-patched core/replace.c \
	's/\t\tlg_unpatch_objects\(old\);\n//' \
	test-klp.sh \
	"atomic replace livepatch"
mutation state-version-ignored core/state.c \
	's/if \(state && state->version < old->version\)/if (0)/' \
	test-klp.sh \
	"incompatible cumulative livepatches"
mutation shadow-id-ignored core/shadow.c \
	's/if \(shadow->obj == obj && shadow->id == id\)/if (shadow->obj == obj)/' \
	test-klp.sh \
	"basic shadow variable API"
# Hostile input and who may drive livegraft.
mutation no-capability-check core/sysfs.c \
	's/\tif \(capable\(CAP_SYS_ADMIN\)\)\n\t\treturn 0;\n\tif \(patch\)/\treturn 0;\n\tif (patch)/' \
	test-hostile.sh \
	"security: root of a user namespace drives nothing"
mutation bool-first-character core/sysfs.c \
	's/strlen\(words\[i\]\) == len && !strncasecmp\(buf, words\[i\], len\)/!strncasecmp(buf, words[i], 1)/' \
	test-hostile.sh \
	"sysfs: garbage, out of range and huge writes"
mutation empty-object-name core/patch.c \
	's/\(!\*o->name \|\| !strcmp/(!strcmp/' \
	test-hostile.sh \
	"malformed: empty object name"
mutation zombie-unreliable arch/arm64/stack.c \
	's/if \(!try_get_task_stack\(task\)\)\n\t\treturn 0;/if (!try_get_task_stack(task))\n\t\treturn -EINVAL;/' \
	test-transition.sh \
	"a zombie does not block a transition" arm64
# Error paths: a failed step leaves nothing behind (test-fault.sh).
mutation failed-object-stays-redirected core/patch.c \
	's/(ret = lg_redirect_func\(func\);\n\t\tif \(ret\) \{\n)\t\t\tlg_unpatch_object\(obj\);\n/$1/' \
	test-fault.sh \
	"each step of enabling a patch fails cleanly"
mutation failed-alloc-leaks-objects core/patch.c \
	's/err_free:\n\tlg_sysfs_put_objects\(patch\);\n/err_free:\n/' \
	test-fault.sh \
	"each step of enabling a patch fails cleanly"
mutation refused-module-no-pre-unpatch core/modules.c \
	's/if \(applied && patch != lg_transition_patch\)/if (0)/' \
	test-fault.sh \
	"each step of patching a coming module under two patches fails cleanly"
# Relocations (core/reloc.c, arch/*/reloc.c, test-reloc.sh).
mutation reloc-ignores-addend arch/x86_64/reloc.c \
	's/u64 v = sym \+ r->addend;/u64 v = sym;/' \
	test-reloc.sh \
	"relocations of every type reach unexported symbols" x86_64
mutation reloc-ignores-addend-arm64 arch/arm64/reloc.c \
	's/u64 v = sym \+ r->addend, place/u64 v = sym, place/' \
	test-reloc.sh \
	"relocations of every type reach unexported symbols|a module that loads later gets its relocations" arm64
mutation reloc-insn-field-lsb arch/arm64/reloc.c \
	's/\tsval >>= lsb;\n//' \
	test-reloc.sh \
	"relocations of every type reach unexported symbols|a module that loads later gets its relocations" arm64
mutation reloc-not-written-late core/modules.c \
	's/lg_relocs_check\(obj\) \?:\n\s+lg_relocs_write\(obj\);/lg_relocs_check(obj);/' \
	test-reloc.sh \
	"a module that loads later gets its relocations"
mutation reloc-location-unchecked core/reloc.c \
	's/if \(!in_module_core\(mod, r->loc, size\)\) \{/if (0) {/' \
	test-reloc.sh \
	"a relocation outside the patch module is refused"

# applies(index, dir) - the substitution matches the file once; prints it
applies()
{
	perl -0777 -i -e '$n = 0; while (<>) { $n = '"${substs[$1]}"'; print; } exit($n == 1 ? 0 : 1)' \
		"$2/${files[$1]}" 2>/dev/null
}

selected()
{
	[ ${#only[@]} -eq 0 ] && return 0
	local n
	for n in "${only[@]}"; do
		[ "$n" = "$1" ] && return 0
	done
	return 1
}

# --check, for make lint: every mutation still applies to the code.
if [ -n "$check" ]; then
	stale=0
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	for i in "${!names[@]}"; do
		selected "${names[$i]}" || continue
		mkdir -p "$tmp/$i/$(dirname "${files[$i]}")"
		cp "$top/${files[$i]}" "$tmp/$i/${files[$i]}"
		if ! applies "$i" "$tmp/$i"; then
			echo "STALE     ${names[$i]}: the substitution does not match ${files[$i]} once"
			stale=$((stale + 1))
		fi
	done
	[ "$stale" -eq 0 ] && echo "${#names[@]} mutations apply"
	exit $((stale > 0))
fi

work=$(mktemp -d /tmp/livegraft-mutate.XXXXXX)
# LG_MUTATE_KEEP=1 keeps the mutants and their guest logs, to study one.
if [ -n "${LG_MUTATE_KEEP:-}" ]; then
	echo "# mutants and logs kept in $work"
else
	trap 'rm -rf "$work"' EXIT
fi
# The tree as it is now, so that it may change while the mutants run.
mkdir "$work/tree"
(cd "$top" && git ls-files -z | xargs -0 cp --parents -t "$work/tree")
passed=0 failed=0
results=()

# run_one(index, arch) - apply, build, test one mutation; prints its line
run_one()
{
	local i=$1 arch=$2 name=${names[$1]} dir out log caught
	dir=$work/$name-$arch
	cp -a "$work/tree" "$dir"
	if ! applies "$i" "$dir"; then
		echo "STALE     $name ($arch): the substitution does not match ${files[$i]} once"
		return 1
	fi
	out=$(make -s -C "$dir" ARCH="$arch" KVER="$kver" 2>&1) || {
		echo "BROKEN    $name ($arch): the mutant does not build: $(head -n 3 <<<"$out")"
		return 1
	}
	LG_TESTS=${tests[$i]} LG_ONLY=${scens[$i]} "$dir/scripts/vm-run.sh" --arch "$arch" --kver "$kver" \
		--build "$dir/build/$arch-$kver" --kselftest >"$dir/run.log" 2>&1
	log=$dir/build/$arch-$kver/vm/console.log
	caught=$(grep -a '^# TEST: .* \.\.\. not ok' "$log" 2>/dev/null |
		sed 's/^# TEST: \(.*\) \.\.\. not ok.*/\1/' | paste -sd ';' -)
	if grep -aq 'FAIL: the kernel reported an error' "$dir/run.log"; then
		caught="${caught:+$caught; }kernel error"
	fi
	if [ -n "$caught" ]; then
		echo "caught    $name ($arch): $caught"
		return 0
	fi
	echo "SURVIVED  $name ($arch): ${tests[$i]} passed"
	return 1
}

# runs_on(index, arch) - the mutation runs on this arch and KVER
runs_on()
{
	local w

	[ -z "${arches[$1]}" ] && return 0
	for w in ${arches[$1]}; do
		[ "$w" = "$2" ] || [ "$w" = "$2-$kver" ] && return 0
	done
	return 1
}

pids=() outs=()
for arch in $archs; do
	for i in "${!names[@]}"; do
		selected "${names[$i]}" || continue
		runs_on "$i" "$arch" || continue
		while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
			wait -n
		done
		out=$work/result-$i-$arch
		run_one "$i" "$arch" >"$out" 2>&1 &
		pids+=($!) outs+=("$out")
	done
done
for k in "${!pids[@]}"; do
	if wait "${pids[$k]}"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
	results+=("$(cat "${outs[$k]}")")
done
printf '%s\n' "${results[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
