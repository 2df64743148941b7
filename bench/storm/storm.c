/* SPDX-License-Identifier: MIT */
/*
 * The exec storm: W workers each fork+exec+wait a tiny static program in a
 * loop for S seconds, then print how many processes ran and the rate.
 *
 *   storm [-w WORKERS] [-d SECONDS] PROGRAM
 *
 * Output, one line: "processes=N seconds=S rate=R cpu_us=C": C is the CPU
 * time (user+system, workers and their children, BPF programs run on their
 * behalf included) per process: unlike the rate, it hardly moves when other
 * work shares the machine.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int workers = 2, opt, i;
	double secs = 5, t0, t1;
	unsigned long *counts, total = 0;
	char *prog;

	while ((opt = getopt(argc, argv, "w:d:")) != -1) {
		if (opt == 'w')
			workers = atoi(optarg);
		else if (opt == 'd')
			secs = atof(optarg);
		else
			return 2;
	}
	if (optind >= argc || workers < 1) {
		fprintf(stderr, "usage: storm [-w WORKERS] [-d SECONDS] PROGRAM\n");
		return 2;
	}
	prog = argv[optind];
	counts = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (counts == MAP_FAILED)
		return 1;
	t0 = now();
	for (i = 0; i < workers; i++) {
		if (fork() == 0) {
			char *cargv[] = {prog, NULL}, *cenv[] = {NULL};
			unsigned long n = 0;
			double end = t0 + secs;

			while (now() < end) {
				/* a batch between clock reads keeps the loop lean */
				for (int k = 0; k < 16; k++) {
					pid_t pid = fork();
					int st;

					if (pid == 0) {
						execve(prog, cargv, cenv);
						_exit(127);
					}
					if (pid < 0)
						continue;
					waitpid(pid, &st, 0);
					n++;
				}
			}
			counts[i * 8] = n;
			_exit(0);
		}
	}
	for (i = 0; i < workers; i++)
		wait(NULL);
	t1 = now();
	for (i = 0; i < workers; i++)
		total += counts[i * 8];
	{
		struct rusage ru;
		double cpu;

		getrusage(RUSAGE_CHILDREN, &ru);
		cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
		      ru.ru_stime.tv_usec / 1e6;
		printf("processes=%lu seconds=%.3f rate=%.0f cpu_us=%.1f\n", total, t1 - t0,
		       total / (t1 - t0), total ? cpu * 1e6 / total : 0);
	}
	return 0;
}
