#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /usr/bin/livegraft-build of the Debian package: the driver finds its tree
# (make extmod, the headers) beside itself in /usr/lib/livegraft, and lg-diff
# already built.
LG_DIFF=${LG_DIFF:-/usr/lib/livegraft/bin/lg-diff}
export LG_DIFF
exec /usr/lib/livegraft/tools/livegraft-build/livegraft-build "$@"
