#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The demo's transcript, run in the guest: a live kernel patched and
# unpatched with the same commands an operator types on a real machine.

mods=/lib/modules/$(uname -r)/extra

# run(cmd) - print a command as if typed at a prompt, then run it
run() {
	echo
	echo "root@$(hostname):~# $*"
	sh -c "$*"
}

say() {
	echo
	echo "### $*"
}

say "A running $(uname -m) kernel, $(uname -r). Nothing patched yet:"
run cat /proc/cmdline
say "Load the livegraft framework:"
run insmod $mods/livegraft.ko
run ls -l /sys/kernel/livegraft
run "dmesg | grep livegraft"
say "Remove it again:"
run rmmod livegraft
run "ls /sys/kernel/livegraft 2>&1"
