/* SPDX-License-Identifier: MIT */
/*
 * The thread storm: W workers each create and join an empty thread in a
 * loop for S seconds, then print how many threads ran and the rate.
 *
 *   threads [-w WORKERS] [-d SECONDS]
 *
 * Output, one line: "threads=N seconds=S rate=R". Under `execrec record
 * --threads` each thread is one fork record: a way to push the recorder's
 * ring buffer, encoder and writer at tens of thousands of events per
 * second on a machine whose fork+exec is too slow to.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double secs = 5;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *nop(void *arg)
{
	return arg;
}

static void *worker(void *arg)
{
	unsigned long *count = arg;
	double end = now() + secs;

	while (now() < end) {
		/* a batch between clock reads keeps the loop lean */
		for (int k = 0; k < 64; k++) {
			pthread_t t;

			if (pthread_create(&t, NULL, nop, NULL))
				continue;
			pthread_join(t, NULL);
			(*count)++;
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int workers = 2, opt;
	unsigned long counts[64] = {0}, total = 0;
	pthread_t w[64];
	double t0;

	while ((opt = getopt(argc, argv, "w:d:")) != -1) {
		if (opt == 'w')
			workers = atoi(optarg);
		else if (opt == 'd')
			secs = atof(optarg);
		else
			return 2;
	}
	if (workers < 1 || workers > 64) {
		fprintf(stderr, "usage: threads [-w WORKERS (1-64)] [-d SECONDS]\n");
		return 2;
	}
	t0 = now();
	for (int i = 0; i < workers; i++)
		if (pthread_create(&w[i], NULL, worker, &counts[i])) {
			perror("pthread_create");
			return 1;
		}
	for (int i = 0; i < workers; i++) {
		pthread_join(w[i], NULL);
		total += counts[i];
	}
	printf("threads=%lu seconds=%.3f rate=%.0f\n", total, now() - t0, total / (now() - t0));
	return 0;
}
