/* SPDX-License-Identifier: MIT */
/*
 * rp_dump: every record of a trace as it is stored, in file order, with
 * chunk headers and each problem where it was found, as text or JSON lines
 * (`execrec dump`): a view of the format, not of the processes (no
 * reordering, no model). Output goes to the FILE* the caller gives.
 */
#ifndef EXECREC_REPLAY_DUMP_H
#define EXECREC_REPLAY_DUMP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "etr.h"

struct rp_filter;

struct rp_dump_opts {
	size_t sz;
	/* chunk types to show (bit = 1 << type), 0 = all */
	uint32_t type_mask;
	/* each record's bytes in hex too (text only) */
	bool raw;
	/* stored tracepoint formats in full (text only) */
	bool tpformat;
	/* JSON lines: one object per record, events in the event schema */
	bool json;
	/* only the event records it matches (other records are always shown) */
	struct rp_filter *filter;
};

struct rp_dump;

/* Open @path ("-" = standard input) for dumping to @out: a damaged file
 * header is reported there at once. NULL + errno as etr_reader__open(). */
struct rp_dump *rp_dump__open(const char *path, FILE *out, const struct rp_dump_opts *opts);
void rp_dump__free(struct rp_dump *d);

/* Dump the file header and every chunk. 0, or -errno on a read error;
 * damage is shown where it was found and counted. */
int rp_dump__run(struct rp_dump *d);

/* Problems found, and the first of them in *@ret_first (if any). */
uint64_t rp_dump__problems(const struct rp_dump *d, struct etr_problem *ret_first);
bool rp_dump__ended_cleanly(const struct rp_dump *d);

/* "meta,events" into a mask of chunk types. 0 or -EINVAL. */
int rp_dump__parse_types(const char *s, uint32_t *mask);

#endif /* EXECREC_REPLAY_DUMP_H */
