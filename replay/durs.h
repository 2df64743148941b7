/* SPDX-License-Identifier: MIT */
/*
 * The duration of an exit event, by the model's definition
 * (rp_model__duration), for readers that see one event at a time
 * (timeline, its JSON and CSV, export's rows): a process the recording saw
 * begin counts from its start; one that was running before the recording
 * began counts from its first exec in it, when it had one. Only such
 * processes are held.
 */
#ifndef EXECREC_REPLAY_DURS_H
#define EXECREC_REPLAY_DURS_H

#include <stdbool.h>
#include <stdint.h>

#include "etr.h"

struct rp_durs {
	struct rp_dur_slot *slots; /* open addressing, linear probing */
	uint32_t cap, n;
};

/* Note @ev (events in the order they are handed out); @first_ns is the
 * recording's first event. 0 or -ENOMEM (then durations fall back to the
 * start). */
int rp_durs__note(struct rp_durs *d, const struct etr_event *ev, uint64_t first_ns);
/* For an exit event: false if its start is not known. */
bool rp_durs__exit(const struct rp_durs *d, const struct etr_event *ev, uint64_t *ret_ns);
void rp_durs__free(struct rp_durs *d);

#endif
