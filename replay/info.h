/* SPDX-License-Identifier: MIT */
/*
 * rp_info: what a trace file holds and whether all of it is sound, for
 * `execrec info`. Every chunk is read and every record decoded, so a trace
 * without faults had every byte looked at. Printing goes to the FILE* the
 * caller gives; whether to colour, and what a fault means for the exit
 * status, is the caller's.
 */
#ifndef EXECREC_REPLAY_INFO_H
#define EXECREC_REPLAY_INFO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "etr.h"

struct rp_info;

/* Open @path ("-" = standard input) and check its header. NULL + errno as
 * etr_reader__open(). */
struct rp_info *rp_info__open(const char *path);
void rp_info__free(struct rp_info *in);

/* Read the whole trace. 0, or -errno on a read error or out of memory
 * (damage is not an error: it is what rp_info__faults() counts). */
int rp_info__read(struct rp_info *in);

const struct etr_reader *rp_info__reader(const struct rp_info *in);

/* What is wrong, in one count: problems, a missing end record, an end
 * record whose event count is not what was read. 0 = sound. */
uint64_t rp_info__faults(const struct rp_info *in);
/* The first fault in one line ("at byte N: ..."), for a warning; "" if none. */
void rp_info__fault_str(const struct rp_info *in, char *buf, size_t len);

/* The text report (@size: the file's size in bytes), coloured with @color. */
void rp_info__print_text(const struct rp_info *in, FILE *f, const char *path, uint64_t size,
			 bool color);
/* The same as one JSON object and a newline. */
void rp_info__print_json(const struct rp_info *in, FILE *f, const char *path, uint64_t size);

#endif /* EXECREC_REPLAY_INFO_H */
