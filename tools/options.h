/* SPDX-License-Identifier: MIT */
/* What the subcommands share about their command lines. */
#ifndef EXECREC_TOOLS_OPTIONS_H
#define EXECREC_TOOLS_OPTIONS_H

#include <getopt.h>

/*
 * After getopt_long() returned ':' or '?' (optstring starting with ':',
 * opterr 0): one line on stderr naming the option and what is wrong with
 * it -- unknown, missing its value, or given a value it does not take.
 * @cmd is the subcommand's name ("tree").
 */
void tool__option_error(const char *cmd, int opt, char **argv, const struct option *longopts);

#endif
