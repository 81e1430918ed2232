// SPDX-License-Identifier: GPL-2.0
/*
 * bench-getpid N: time N getpid system calls from user space and print
 * the nanoseconds per call, for the end-to-end benchmark (the bench
 * modules patch the kernel's getpid with an identical copy). The raw
 * system call: C libraries have cached getpid() before.
 */

#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec a, b;
	unsigned long n, i;
	long pid = 0;
	double ns;

	n = argc == 2 ? strtoul(argv[1], NULL, 10) : 0;
	if (!n) {
		fprintf(stderr, "usage: bench-getpid CALLS\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++)
		pid += syscall(SYS_getpid);
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (pid != (long)getpid() * (long)n) {
		fprintf(stderr, "bench-getpid: getpid answered wrong\n");
		return 1;
	}
	ns = (b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec);
	printf("%.3f\n", ns / n);
	return 0;
}
