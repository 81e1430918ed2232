// SPDX-License-Identifier: GPL-2.0
/*
 * livegraft-sample-cumulative.c - the next patch of a series: it carries
 * every fix so far (livegraft-sample-mod.c's answer, and the session
 * numbers of livegraft-sample-shadow.c) and replaces the patches before
 * it in one transition ("replace"). It takes over their system state and
 * shadow variables; the patches it replaced are disabled and freed, and
 * their modules can go. See livegraft-sample-shadow.c for the commands.
 */
#define LIVEGRAFT_SAMPLE_CUMULATIVE
#include "livegraft-sample-shadow.c"
