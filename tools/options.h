/* SPDX-License-Identifier: MIT */
/* What the subcommands share about their command lines. */
#ifndef EXECREC_TOOLS_OPTIONS_H
#define EXECREC_TOOLS_OPTIONS_H

#include <getopt.h>

#include "cli.h"

/*
 * After getopt_long() returned ':' or '?' (optstring starting with ':',
 * opterr 0): one line on stderr naming the option and what is wrong with
 * it -- unknown, missing its value, or given a value it does not take.
 * @cmd is the subcommand's name ("tree").
 */
void tool__option_error(const char *cmd, int opt, char **argv, const struct option *longopts);

/*
 * The trace named after the options (argv[optind...]), opened with the
 * shared options and @opts (NULL = defaults). NULL after one line on
 * stderr, with *ret_status the exit status: 2 for a usage mistake, 1 for
 * a trace that cannot be opened.
 */
struct rp_trace *tool__open_trace(const char *cmd, const struct rp_cli *cli, int argc, char **argv,
				  const struct rp_trace_opts *opts, const char **ret_path,
				  int *ret_status);

/*
 * The end of a run over the trace @path: for @err (-errno; -EINVAL means
 * already said) its one line, else the warning about damage, if any. The
 * exit status: 1 after an error, else 0.
 */
int tool__end_trace(const char *cmd, int err, const char *path, const struct rp_trace *t);

#endif
