#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /usr/bin/livegraft-build of the Debian package: the driver finds its tree
# (make extmod, the headers) beside itself in /usr/lib/livegraft, read-only;
# lg-diff is built already, and livegraft.ko for make extmod is built under
# the cache instead of the tree.
LG_CACHE=${LG_CACHE:-/var/cache/livegraft}
LG_DIFF=${LG_DIFF:-/usr/lib/livegraft/bin/lg-diff}
LG_BUILD_ROOT=${LG_BUILD_ROOT:-$LG_CACHE/lgbuild/livegraft}
export LG_CACHE LG_DIFF LG_BUILD_ROOT
exec /usr/lib/livegraft/tools/livegraft-build/livegraft-build "$@"
