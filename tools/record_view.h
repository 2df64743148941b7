/* SPDX-License-Identifier: MIT */
/*
 * record_view.h - what `execrec record` shows while it records: each event
 * with --print (timeline's format, replay/line.c) and the status line.
 */
#ifndef EXECREC_RECORD_VIEW_H
#define EXECREC_RECORD_VIEW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "durs.h"
#include "session.h"

struct record_view {
	/* for the messages: the output as given, CMD's name, --max-size */
	const char *output, *cmd, *max_size_arg, *move_to;
	bool quiet;
	FILE *out; /* --print's stream */
	int64_t boot_to_real_ns;
	bool color;
	bool status;	   /* show the status line */
	bool status_shown; /* a status line is on stderr, to be cleared */
	/* exits' durations by the analyzer's definition, as timeline shows
	 * them: CMD counts from its exec, not from the recorder's start */
	struct rp_durs durs;
	uint64_t first_ns;
	uint64_t start_ns, next_ns, prev_events, prev_ns; /* the status line's */
};

/* --print: the header line, then record_view__event() for each event (a
 * recorder_event_fn). */
void record_view__print_header(struct record_view *v);
void record_view__event(void *ctx, const struct etr_event *ev);

/* The status line, at most 4 times a second (@now: CLOCK_MONOTONIC ns). */
void record_view__status(struct record_view *v, struct rec_session *s, uint64_t now);
/* Clears the status line, so a message can take its place. */
void record_view__clear(struct record_view *v);
/* "512 KiB", "3.4 MiB", "120 MiB" */
void record_view__bytes(char *buf, size_t len, uint64_t b);

/* Why the session did not start, in one line; the exit status. */
int record_view__failure(struct record_view *v, const struct rec_session_failure *f,
			 const struct recorder_opts *ro);
/* What the ended session did: errors always, the summary unless quiet. */
void record_view__summary(struct record_view *v, struct rec_session *s, uint64_t t_start);

void record_view__free(struct record_view *v);

#endif /* EXECREC_RECORD_VIEW_H */
