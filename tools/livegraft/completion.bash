# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# bash completion for livegraft(8): subcommands, their options, the
# loaded patches' names and .ko files.

_livegraft_patches()
{
	local d

	for d in /sys/kernel/livegraft/*/enabled; do
		[ -f "$d" ] || continue
		d=${d%/enabled}
		echo "${d##*/}"
	done
}

_livegraft()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local cmds="list status load unload enable disable wait blocking signal force verify check boot new test version"
	local opts=""

	if [ "$COMP_CWORD" -eq 1 ]; then
		mapfile -t COMPREPLY < <(compgen -W "$cmds" -- "$cur")
		return
	fi
	case "$prev" in
	--timeout | --signal-after) return ;;
	--on-timeout)
		mapfile -t COMPREPLY < <(compgen -W "report rollback" -- "$cur")
		return ;;
	--expect)
		mapfile -t COMPREPLY < <(compgen -W "$(_livegraft_patches)" -- "$cur")
		return ;;
	--arch)
		mapfile -t COMPREPLY < <(compgen -W "x86_64 arm64" -- "$cur")
		return ;;
	--kver)
		mapfile -t COMPREPLY < <(compgen -W "6.1 6.12" -- "$cur")
		return ;;
	esac
	case "${COMP_WORDS[1]}" in
	list | status) opts="--json" ;;
	load) opts="--timeout --signal-after --on-timeout --quiet" ;;
	unload) opts="--timeout" ;;
	enable | disable | wait) opts="--wait --timeout" ;;
	blocking | verify) opts="--json" ;;
	force) opts="--yes" ;;
	check) opts="--expect --json" ;;
	test) opts="--arch --kver" ;;
	esac
	case "${COMP_WORDS[1]}:$cur" in
	load:-* | test:-* | *:-*)
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur") ;;
	load:* | test:*)
		mapfile -t COMPREPLY < <(compgen -f -X '!*.ko' -- "$cur")
		mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -d -- "$cur") ;;
	boot:*)
		mapfile -t COMPREPLY < <(compgen -d -- "$cur") ;;
	unload:* | enable:* | disable:* | wait:* | blocking:* | signal:* | force:* | verify:*)
		mapfile -t COMPREPLY < <(compgen -W "$(_livegraft_patches)" -- "$cur") ;;
	esac
}
complete -F _livegraft livegraft
