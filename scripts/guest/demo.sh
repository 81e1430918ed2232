#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The demo's transcript, run in the guest: a live kernel patched and
# unpatched with the same commands an operator types on a real machine.

mods=/lib/modules/$(uname -r)/extra
p=/sys/kernel/livegraft/livegraft_sample

# run(cmd) - print a command as if typed at a prompt, then run it
run() {
	echo "root@$(hostname):~# $*"
	sh -c "$*" || { echo "demo: '$*' failed"; exit 1; }
}

say() {
	echo
	echo "### $*"
}

# Wait until the sample's unpatching has finished and sysfs let it go.
wait_gone() {
	i=0
	while [ -e "$1" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

say "A running $(uname -m) kernel, $(uname -r), not patched:"
run cat /proc/cmdline

say "Load the livegraft framework, then the sample patch module:"
run insmod "$mods"/livegraft.ko
run insmod "$mods"/livegraft-sample.ko
run "grep -r . $p/enabled $p/transition $p/replace $p/vmlinux/patched $p/stats"
run "ls $p/vmlinux"

say "The running kernel now runs the new cmdline_proc_show():"
run cat /proc/cmdline

say "Disable the patch: the old code is back, the module can go:"
run "echo 0 > $p/enabled"
wait_gone $p
run cat /proc/cmdline
run rmmod livegraft_sample

say "A module's function, patched as the module loads:"
run insmod "$mods"/livegraft-sample-mod.ko
run insmod "$mods"/livegraft-target.ko
run cat /proc/livegraft_target
run "echo 0 > /sys/kernel/livegraft/livegraft_sample_mod/enabled"
wait_gone /sys/kernel/livegraft/livegraft_sample_mod
run cat /proc/livegraft_target
run "rmmod livegraft_target livegraft_sample_mod livegraft"

say "The kernel log tells the story:"
run "dmesg | grep -E 'livegraft' | grep -v -e taint -e verification"
