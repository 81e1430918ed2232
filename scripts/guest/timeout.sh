#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# GNU timeout's --foreground for busybox timeout, which has no such option
# and needs none: the guest has no job control to get out of the way of.
[ "$1" = --foreground ] && shift
exec busybox timeout "$@"
