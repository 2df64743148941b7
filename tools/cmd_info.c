/* SPDX-License-Identifier: MIT */
/*
 * execrec info: what a trace file holds, and whether all of it is sound
 * (replay/info.c reads and prints it). --verify turns any damage (or a
 * missing end record) into a non-zero exit for scripts.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "commands.h"
#include "info.h"
#include "replay.h"
#include "options.h"

static void usage(FILE *f)
{
	fputs("Usage: execrec info [OPTIONS] FILE\n"
	      "\n"
	      "What the trace holds: its metadata, chunks by type with their compression,\n"
	      "the stored tracepoint formats and BTF, the process snapshot, event counts,\n"
	      "counters, and an integrity check of every chunk and record.\n"
	      "\n"
	      "      --verify            exit 1 if anything is damaged, cut or missing\n"
	      "      --json              one JSON object\n"
	      "      --color[=WHEN], --no-color\n"
	      "  -h, --help              this help\n",
	      f);
}

int cmd_info(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"verify", no_argument, NULL, 'v'},	     {"json", no_argument, NULL, 'j'},
	    {"color", optional_argument, NULL, 'c'}, {"no-color", no_argument, NULL, 'C'},
	    {"help", no_argument, NULL, 'h'},	     {NULL, 0, NULL, 0},
	};
	struct rp_info *in;
	bool verify = false, json = false;
	const char *color = NULL, *path;
	struct stat st;
	uint64_t size = 0;
	char err[512];
	int opt, ret;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			usage(stdout);
			return 0;
		case 'v':
			verify = true;
			break;
		case 'j':
			json = true;
			break;
		case 'c':
			color = optarg ? optarg : "always";
			break;
		case 'C':
			color = "never";
			break;
		default:
			tool__option_error("info", opt, argv, longopts);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "execrec info: %s\nUsage: execrec info [OPTIONS] FILE\n",
			optind == argc ? "no trace file given" : "one trace file at a time");
		return 2;
	}
	path = argv[optind];
	in = rp_info__open(path);
	if (!in) {
		rp_open_error_str(err, sizeof(err), path, errno);
		fprintf(stderr, "execrec info: %s\n", err);
		return 1;
	}
	ret = rp_info__read(in);
	if (ret < 0) {
		fprintf(stderr, "execrec info: %s: %s\n", path, strerror(-ret));
		rp_info__free(in);
		return 1;
	}
	if (strcmp(path, "-") && !stat(path, &st)) {
		size = (uint64_t)st.st_size;
	} else {
		struct etr_reader_stats rs;

		etr_reader__stats(rp_info__reader(in), &rs);
		size = rs.bytes_read;
	}
	if (json)
		rp_info__print_json(in, stdout, path, size);
	else
		rp_info__print_text(in, stdout, path, size, rp_want_color(1, color));
	fflush(stdout);

	ret = 0;
	if (rp_info__faults(in)) {
		/* one line on stderr, whatever went to stdout */
		rp_info__fault_str(in, err, sizeof(err));
		fprintf(stderr, "execrec info: %s: %s: %s\n", verify ? "FAILED" : "warning", path,
			err);
		ret = verify ? 1 : 0;
	}
	rp_info__free(in);
	return ret;
}
