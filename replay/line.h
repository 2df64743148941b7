/* SPDX-License-Identifier: MIT */
/*
 * line.h - one event as a line of text: the format of `execrec timeline`,
 * also used by `execrec record --print`, so that both name events, quote
 * arguments and escape control characters the same way.
 */
#ifndef EXECREC_REPLAY_LINE_H
#define EXECREC_REPLAY_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "replay.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The header line: @time_title ("TIME", "WALLCLOCK") in @time_width
 * columns, then the columns rp_line__event() fills. */
void rp_line__header(FILE *f, const char *time_title, size_t time_width);

/*
 * @ev as one line ending in '\n' into @o: @time (already formatted) in
 * @time_width columns, the event's name, pid, parent, return value or exit
 * status, how long the process lived (exits), and the program and its
 * arguments quoted as a shell would need them (comm for forks and exits).
 * Every byte of the trace's strings comes out escaped: no control
 * character reaches the terminal.  @color: ANSI colors by event.
 * @dur_ns: an exit's duration as the caller measured it (replay's one
 * definition, rp_trace__exit_duration()), UINT64_MAX for none known; NULL:
 * from the exit's own process start time (a live reader without a model).  @exit_argv: the
 * arguments to show on an exit line instead of comm (timeline --failed, whose exec line was
 * filtered out); NULL: comm.
 */
void rp_line__event(struct rp_out *o, const char *time, size_t time_width, bool color,
		    const struct etr_event *ev, const uint64_t *dur_ns,
		    const struct etr_str *exit_argv);

#ifdef __cplusplus
}
#endif

#endif /* EXECREC_REPLAY_LINE_H */
