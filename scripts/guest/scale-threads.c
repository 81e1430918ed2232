// SPDX-License-Identifier: GPL-2.0
/*
 * scale-threads SLEEP USER SYSCALL: one process with that many threads
 * asleep in the kernel, spinning in user space, and calling getppid() in
 * a loop, for bench-scale.sh's transitions at thousands of tasks. Prints
 * "ready" once every thread is running its loop, then waits for the
 * SIGKILL that takes them all down.
 *
 * Threads get the smallest stack the C library allows: 10,000 of them
 * touch a page or two each. The process starts a session of its own, so
 * that the scheduler's autogroup puts its threads in one group, as a
 * service's cgroup would, and gives that group nice 19: the shell that
 * drives the bench and the workers of both live patching frameworks get
 * the CPUs when they want them, as on a host whose load runs in its
 * cgroups beside the kernel's threads, and a transition's time shows
 * what the framework does with the tasks, not how long it waited for a
 * CPU behind 10,000 spinners (which take every cycle left all the same).
 * The threads wait to start their loops until all are created: the main
 * thread would otherwise share the group with the spinners it made.
 */

#define _GNU_SOURCE
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

static int sleep_pipe[2];
static int go_flag;
static unsigned long spins;
static unsigned long started;

/*
 * Spinning threads also run SCHED_IDLE: a waking task of any other policy
 * preempts one at once, where within the group's share alone a kworker
 * waited seconds for its CPU with 1,000 spinners in the guest.
 */
static void idle_policy(void)
{
	struct sched_param param = { .sched_priority = 0 };

	sched_setscheduler(0, SCHED_IDLE, &param);
}

/*
 * Wait for the go, then count this thread as running, take the policy of
 * its loop and let the next one run: the go wakes every thread at once
 * (a pipe woke them one after the other, each behind a spinner's tick),
 * and 10,000 spinners that each waited for a tick before the next one ran
 * would need minutes to be all running.
 */
static void running(bool idle)
{
	while (!__atomic_load_n(&go_flag, __ATOMIC_ACQUIRE))
		syscall(SYS_futex, &go_flag, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	__atomic_add_fetch(&started, 1, __ATOMIC_RELEASE);
	if (idle)
		idle_policy();
	sched_yield();
}

/* Three ways to sleep in the kernel, in turn. */
static void *sleeper(void *arg)
{
	struct timespec long_time = { .tv_sec = 1000000 };
	char c;

	running(false);
	for (;;) {
		switch ((unsigned long)arg % 3) {
		case 0:
			pause();
			break;
		case 1:
			if (read(sleep_pipe[0], &c, 1) < 0)
				pause();
			break;
		default:
			nanosleep(&long_time, NULL);
			break;
		}
	}
	return NULL;
}

static void *spinner(void *arg)
{
	running(true);
	for (;;)
		__atomic_fetch_add(&spins, 1, __ATOMIC_RELAXED);
	return NULL;
}

static void *caller(void *arg)
{
	running(true);
	for (;;)
		syscall(SYS_getppid);
	return NULL;
}

static int spawn(unsigned long n, void *(*fn)(void *), pthread_attr_t *attr)
{
	pthread_t thread;
	unsigned long i;
	int err;

	for (i = 0; i < n; i++) {
		err = pthread_create(&thread, attr, fn, (void *)i);
		if (err) {
			fprintf(stderr, "scale-threads: thread %lu: %s\n", i,
				strerror(err));
			return -1;
		}
	}
	return 0;
}

/* The session's autogroup at nice 19, where the kernel has autogroups. */
static void low_priority(void)
{
	FILE *f = fopen("/proc/self/autogroup", "w");

	if (!f)
		return;
	fprintf(f, "19\n");
	fclose(f);
}

/* Every thread at once. */
static void go(void)
{
	__atomic_store_n(&go_flag, 1, __ATOMIC_RELEASE);
	syscall(SYS_futex, &go_flag, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

int main(int argc, char **argv)
{
	unsigned long sleep_n, user_n, syscall_n, total;
	struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };
	pthread_attr_t attr;
	long min_stack;

	if (argc != 4) {
		fprintf(stderr, "usage: scale-threads SLEEP USER SYSCALL\n");
		return 2;
	}
	sleep_n = strtoul(argv[1], NULL, 10);
	user_n = strtoul(argv[2], NULL, 10);
	syscall_n = strtoul(argv[3], NULL, 10);
	total = sleep_n + user_n + syscall_n;
	if (setsid() < 0)
		perror("scale-threads: setsid");
	else
		low_priority();
	if (pipe(sleep_pipe)) {
		perror("scale-threads: pipe");
		return 1;
	}
	min_stack = sysconf(_SC_THREAD_STACK_MIN);
	if (min_stack < PTHREAD_STACK_MIN)
		min_stack = PTHREAD_STACK_MIN;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_attr_setstacksize(&attr, min_stack)) {
		fprintf(stderr, "scale-threads: stack size %ld\n", min_stack);
		return 1;
	}
	if (spawn(sleep_n, sleeper, &attr) || spawn(user_n, spinner, &attr) ||
	    spawn(syscall_n, caller, &attr))
		return 1;
	go();
	while (__atomic_load_n(&started, __ATOMIC_ACQUIRE) < total)
		nanosleep(&tick, NULL);
	printf("ready %lu\n", total);
	fflush(stdout);
	for (;;)
		pause();
}
