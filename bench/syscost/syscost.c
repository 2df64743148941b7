// SPDX-License-Identifier: MIT
/*
 * syscost N: the cost of one cheap system call, getppid(), over N calls, in
 * ns per call (best of 5 runs).  While a syscall tracepoint is attached,
 * every system call of every process takes the kernel's slow path; this is
 * how much that costs a process that has nothing to do with exec.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000000, i;
	double best = 0;
	int r;

	for (r = 0; r < 5; r++) {
		double t0 = now(), dt;

		for (i = 0; i < n; i++)
			syscall(SYS_getppid);
		dt = (now() - t0) / n;
		if (!r || dt < best)
			best = dt;
	}
	printf("%.1f\n", best);
	return 0;
}
