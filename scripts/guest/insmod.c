// SPDX-License-Identifier: GPL-2.0
/*
 * insmod for the test guest. busybox's insmod retries a failed
 * finit_module() with init_module(), which runs a failing module's init
 * twice, and rewrites some errnos into other words; tests of refusals need
 * exactly one attempt and the kernel's errno, as kmod's insmod gives.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char params[4096] = "";
	size_t len = 0;
	int fd, i;

	if (argc < 2) {
		fprintf(stderr, "usage: insmod <file.ko> [param=value ...]\n");
		return 1;
	}
	for (i = 2; i < argc; i++) {
		int n = snprintf(params + len, sizeof(params) - len, "%s%s",
				 i > 2 ? " " : "", argv[i]);

		if (n < 0 || (size_t)n >= sizeof(params) - len) {
			fprintf(stderr, "insmod: ERROR: parameters too long\n");
			return 1;
		}
		len += n;
	}

	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "insmod: ERROR: could not load module %s: %s\n",
			argv[1], strerror(errno));
		return 1;
	}
	if (syscall(SYS_finit_module, fd, params, 0)) {
		fprintf(stderr, "insmod: ERROR: could not insert module %s: %s\n",
			argv[1], strerror(errno));
		return 1;
	}
	return 0;
}
