/* SPDX-License-Identifier: MIT */
/*
 * record_wait.h - `execrec record -- CMD` after CMD exited: the processes
 * of its tree still running, which the recording waits for.
 */
#ifndef EXECREC_RECORD_WAIT_H
#define EXECREC_RECORD_WAIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "record.h"

#define RECORD_WAIT_SHOWN 3

struct record_wait {
	int alive;		       /* at the last look */
	pid_t pids[RECORD_WAIT_SHOWN]; /* some of them, to name */
	uint64_t next_look;	       /* CLOCK_MONOTONIC ns */
	bool settling;		       /* none left: one more drain first */
};

/*
 * Look at the followed processes again if it is time (@now, CLOCK_MONOTONIC
 * ns).  True once none is left and the events of the last ones had time to
 * arrive: then the recording can end.
 */
bool record_wait__done(struct record_wait *w, struct recorder *r, uint64_t now);

/* "sleep (1234), sh (1233) and 2 more", names escaped ('?' for control
 * characters and bytes beyond ASCII). */
void record_wait__describe(const struct record_wait *w, char *buf, size_t len);

#endif /* EXECREC_RECORD_WAIT_H */
