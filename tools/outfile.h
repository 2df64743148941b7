/* SPDX-License-Identifier: MIT */
/*
 * The files the analyzer writes (export -o, chart -o, btf -o), under the
 * rules record follows for its trace: never through a symbolic link, never
 * over an existing file without --force, never over the input (the same
 * file, by device and inode, whatever its name), and written under a
 * temporary name in the same directory then renamed, so a failure or an
 * interrupt leaves no half file under the wanted name.
 */
#ifndef EXECREC_TOOLS_OUTFILE_H
#define EXECREC_TOOLS_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

struct tool_out {
	FILE *f;	  /* where to write: the temporary file or stdout */
	const char *path; /* NULL: standard output */
	char *tmp;	  /* the temporary name, NULL once renamed or removed */
	mode_t mode;	  /* what the file gets when it is renamed */
	bool force;	  /* may replace an existing regular file */
	bool direct;	  /* a device or FIFO: written in place, no rename */
	bool have_input;
	dev_t in_dev;
	ino_t in_ino;
};

/* Open @path ("-" or NULL: standard output) for subcommand @cmd, which
 * reads @input ("-": standard input; NULL: nothing to protect). Checks
 * every rule above before anything is written. With @binary, standard
 * output must not be a terminal. On failure prints one line naming the
 * path and what is wrong, and returns -errno. */
int tool_out__open(struct tool_out *o, const char *cmd, const char *path, const char *input,
		   bool force, bool binary);

/* Finish: with @ok, flush, sync and rename the file into place (printing
 * one line and returning -errno if that fails); without, remove it.
 * Always releases @o. */
int tool_out__close(struct tool_out *o, const char *cmd, bool ok);

#endif
