/* SPDX-License-Identifier: MIT */
/*
 * record_args.h - `execrec record`'s command line: the options, checked
 * and turned into the session's and the recorder's options.
 */
#ifndef EXECREC_RECORD_ARGS_H
#define EXECREC_RECORD_ARGS_H

#include <stdbool.h>

#include "sdstate.h"
#include "session.h"

#define RECORD_MAX_PIDS 64

struct record_args {
	struct rec_session_opts so; /* output, cmd, pids: set by the caller */
	struct recorder_opts ro;
	const char *output;	  /* as given ("-" = standard output) */
	const char *max_size_arg; /* as given, for messages */
	bool quiet, print, until_boot;
	bool ready_at_start; /* --notify-ready=start */
	pid_t pids[RECORD_MAX_PIDS];
	struct boot_wait boot; /* --until=boot-complete, --grace */
};

/* Parse @argv (argv[0] is "record"'s) into @a, zeroed by the caller with
 * the two sz set.  0, or -1 after one line on stderr. --help prints and
 * exits. */
int record_args__parse(struct record_args *a, int argc, char **argv);

#endif /* EXECREC_RECORD_ARGS_H */
