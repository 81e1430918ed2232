// SPDX-License-Identifier: GPL-2.0
/*
 * lgb-probe: the system calls selftests/test-build.sh needs and busybox
 * cannot make, each a raw syscall() so that libc adds nothing between.
 *
 *   lgb-probe getdents-efault DIR   getdents64() of DIR into a mapped but
 *                                   inaccessible page: prints "EFAULT"
 *                                   (exit 0) when the kernel's write faults
 *                                   and is fixed up, anything else exit 1
 *   lgb-probe syslog TYPE           syslog(TYPE, NULL, 0): prints its result
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * The page is a valid user address (access_ok() passes) that faults on
 * the first write: the fault happens in the kernel's own uaccess code and
 * only its exception table entry turns it into -EFAULT.
 */
static int getdents_efault(const char *dir)
{
	long page = sysconf(_SC_PAGESIZE), ret;
	void *bad;
	int fd;

	fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0) {
		perror(dir);
		return 1;
	}
	bad = mmap(NULL, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (bad == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	ret = syscall(SYS_getdents64, fd, bad, page);
	if (ret == -1 && errno == EFAULT) {
		printf("EFAULT\n");
		return 0;
	}
	printf("getdents64 returned %ld (%s)\n", ret, ret < 0 ? strerror(errno) : "no error");
	return 1;
}

int main(int argc, char **argv)
{
	long ret;

	if (argc == 3 && !strcmp(argv[1], "getdents-efault"))
		return getdents_efault(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "syslog")) {
		ret = syscall(SYS_syslog, atoi(argv[2]), NULL, 0);
		if (ret < 0) {
			printf("error %s\n", strerror(errno));
			return 1;
		}
		printf("%ld\n", ret);
		return 0;
	}
	fprintf(stderr, "usage: lgb-probe getdents-efault DIR | syslog TYPE\n");
	return 2;
}
