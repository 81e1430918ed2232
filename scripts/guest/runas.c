// SPDX-License-Identifier: GPL-2.0
/*
 * runas UID COMMAND [ARG...]: run a command as an unprivileged user, for
 * the selftests of who may drive livegraft. The guest's busybox has no
 * setuid applet that works without /etc/passwd; setuid() away from root
 * drops every capability, as for any such program.
 */

#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	uid_t uid;

	if (argc < 3) {
		fprintf(stderr, "usage: runas UID COMMAND [ARG...]\n");
		return 2;
	}
	uid = (uid_t)strtoul(argv[1], NULL, 10);
	if (setgroups(0, NULL) || setgid(uid) || setuid(uid)) {
		perror("runas");
		return 2;
	}
	execvp(argv[2], argv + 2);
	perror("runas: exec");
	return 2;
}
