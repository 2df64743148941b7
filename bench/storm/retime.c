/* SPDX-License-Identifier: MIT */
/*
 * What a recording would take on disk at a higher rate: its events written
 * again through the format library with the time between them divided by
 * FACTOR (timestamps and start times, relative to the first event), in
 * chunks sealed by size as a fast storm's are. Everything but the time
 * stays as recorded: pids, names, arguments, the order of events.
 *
 *   retime TRACE FACTOR OUT
 *
 * Output, one line: "events=N execs=N factor=F event_bytes=N bytes_per_exec=B"
 * (in a storm, one exec per process: bytes per process).
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "etr.h"

static uint64_t scale(uint64_t t, uint64_t t0, double factor)
{
	return t0 + (uint64_t)((double)(int64_t)(t - t0) / factor);
}

int main(int argc, char **argv)
{
	struct etr_writer_opts wo = {.sz = sizeof(wo)};
	struct etr_reader *r, *back;
	struct etr_writer *w;
	struct etr_chunk c;
	uint64_t t0 = 0, last = 0, events = 0, execs = 0, bytes = 0;
	double factor;
	int fd;

	if (argc != 4 || (factor = atof(argv[2])) <= 0) {
		fprintf(stderr, "usage: retime TRACE FACTOR OUT\n");
		return 2;
	}
	r = etr_reader__open(argv[1], NULL);
	if (!r) {
		perror(argv[1]);
		return 1;
	}
	fd = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0600);
	w = fd < 0 ? NULL : etr_writer__open_fd(fd, &wo);
	if (!w) {
		perror(argv[3]);
		return 1;
	}
	while (etr_reader__next_chunk(r, &c) > 0) {
		struct etr_event ev;

		if (c.type != ETR_CHUNK_EVENTS)
			continue;
		while (etr_chunk__next_event(&c, &ev) > 0) {
			if (!t0)
				t0 = ev.ts_ns;
			ev.ts_ns = scale(ev.ts_ns, t0, factor);
			/* a process started before the recording keeps its start */
			if (ev.start_ns >= t0)
				ev.start_ns = scale(ev.start_ns, t0, factor);
			if (etr_writer__write_event(w, &ev)) {
				fprintf(stderr, "retime: cannot write %s\n", argv[3]);
				return 1;
			}
			events++;
			execs += ev.type == ETR_EV_EXEC;
			if (ev.ts_ns > last)
				last = ev.ts_ns;
		}
	}
	etr_reader__free(r);
	if (etr_writer__close_at(w, 0, last)) {
		fprintf(stderr, "retime: cannot finish %s\n", argv[3]);
		return 1;
	}
	etr_writer__free(w);
	close(fd);

	back = etr_reader__open(argv[3], NULL);
	if (!back) {
		perror(argv[3]);
		return 1;
	}
	while (etr_reader__next_chunk(back, &c) > 0)
		if (c.type == ETR_CHUNK_EVENTS)
			bytes += c.stored_size + ETR_CHUNK_HEADER_SIZE + ETR_CHUNK_TRAILER_SIZE;
	etr_reader__free(back);
	printf("events=%" PRIu64 " execs=%" PRIu64 " factor=%g event_bytes=%" PRIu64
	       " bytes_per_exec=%.1f\n",
	       events, execs, factor, bytes, execs ? (double)bytes / (double)execs : 0.0);
	return 0;
}
