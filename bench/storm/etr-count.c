/* SPDX-License-Identifier: MIT */
/*
 * Counts what a trace holds about the storm: exec and exit events of
 * processes named COMM (the storm's program), fork events by PARENT (the
 * storm's workers), all events, the bytes the EVENTS chunks take on disk,
 * and the lost counters.  A system-wide trace holds the rest of the
 * machine's processes too: storm_bytes is the storm's share of the bytes,
 * by its share of the events.
 *
 *   etr-count TRACE COMM PARENT
 *
 * Output, one line:
 * "execs=N forks=N exits=N events=N lost=N event_bytes=N storm_bytes=N"
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etr.h"

int main(int argc, char **argv)
{
	struct etr_reader_opts o = {.sz = sizeof(o)};
	struct etr_reader *r;
	struct etr_chunk c;
	uint64_t execs = 0, forks = 0, exits = 0, events = 0, lost = 0, bytes = 0;
	size_t clen, plen;

	if (argc != 4) {
		fprintf(stderr, "usage: etr-count TRACE COMM PARENT\n");
		return 2;
	}
	clen = strlen(argv[2]);
	plen = strlen(argv[3]);
	r = etr_reader__open(argv[1], &o);
	if (!r) {
		perror(argv[1]);
		return 1;
	}
	while (etr_reader__next_chunk(r, &c) > 0) {
		struct etr_event ev;
		struct etr_record rec;

		if (c.type == ETR_CHUNK_STATS) {
			/* cumulative: the last chunk's values win */
			uint64_t l = 0;

			while (etr_chunk__next_record(&c, &rec) > 0) {
				struct etr_counter k;

				if (!etr_record__counter(&rec, &k) && k.name.len > 5 &&
				    !memcmp(k.name.ptr, "lost.", 5))
					l += k.value;
			}
			lost = l;
			continue;
		}
		if (c.type != ETR_CHUNK_EVENTS)
			continue;
		bytes += c.stored_size + ETR_CHUNK_HEADER_SIZE + ETR_CHUNK_TRAILER_SIZE;
		while (etr_chunk__next_event(&c, &ev) > 0) {
			bool storm = ev.comm.len == clen && !memcmp(ev.comm.ptr, argv[2], clen);
			bool parent = ev.comm.len == plen && !memcmp(ev.comm.ptr, argv[3], plen);

			events++;
			if (ev.type == ETR_EV_EXEC && storm)
				execs++;
			else if (ev.type == ETR_EV_EXIT && storm)
				exits++;
			else if (ev.type == ETR_EV_FORK && parent && !(ev.flags & ETR_EVF_THREAD))
				forks++;
		}
	}
	printf("execs=%" PRIu64 " forks=%" PRIu64 " exits=%" PRIu64 " events=%" PRIu64
	       " lost=%" PRIu64 " event_bytes=%" PRIu64 " storm_bytes=%.0f\n",
	       execs, forks, exits, events, lost, bytes,
	       events ? (double)bytes * (execs + forks + exits) / events : 0.0);
	etr_reader__free(r);
	return 0;
}
