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
#include <unistd.h>

#include "commands.h"
#include "driver.h"
#include "info.h"
#include "replay.h"

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

static int info_option(struct driver *d, int opt, const char *arg)
{
	bool *verify = d->ctx;

	(void)arg;
	if (opt != 'v')
		return DRV_SHARED;
	*verify = true;
	return 0;
}

int cmd_info(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"verify", no_argument, NULL, 'v'},
	    {"json", no_argument, NULL, DRV_OPT_JSON},
	    {"color", optional_argument, NULL, DRV_OPT_COLOR},
	    {"no-color", no_argument, NULL, DRV_OPT_NO_COLOR},
	    DRV_HELP_OPTION,
	    {NULL, 0, NULL, 0},
	};
	static const struct driver_cmd cmd = {
	    .name = "info",
	    .operands = "FILE",
	    .shortopts = "h",
	    .longopts = longopts,
	    .help = usage,
	    .option = info_option,
	};
	struct driver d = {0};
	struct rp_info *in;
	bool verify = false;
	struct stat st;
	uint64_t size = 0;
	char err[512];
	int ret;

	if (!driver__parse(&d, &cmd, &verify, argc, argv) || !driver__operand(&d, argc, argv))
		return driver__exit(&d, 0);
	in = rp_info__open(d.path);
	if (!in) {
		rp_open_error_str(err, sizeof(err), d.path, errno);
		driver__err(&d, "%s", err);
		return driver__stop(&d, DRV_EXIT_FAIL);
	}
	ret = rp_info__read(in);
	if (ret < 0) {
		driver__err(&d, "%s: %s", d.path, strerror(-ret));
		rp_info__free(in);
		return driver__stop(&d, DRV_EXIT_FAIL);
	}
	if (strcmp(d.path, "-") && !stat(d.path, &st)) {
		size = (uint64_t)st.st_size;
	} else {
		struct etr_reader_stats rs;

		etr_reader__stats(rp_info__reader(in), &rs);
		size = rs.bytes_read;
	}
	if (d.format == DRV_FMT_JSON)
		rp_info__print_json(in, stdout, d.path, size);
	else
		rp_info__print_text(in, stdout, d.path, size, driver__color(&d, STDOUT_FILENO));
	fflush(stdout);

	ret = DRV_EXIT_OK;
	if (rp_info__faults(in)) {
		/* one line on stderr, whatever went to stdout */
		rp_info__fault_str(in, err, sizeof(err));
		driver__err(&d, "%s: %s: %s", verify ? "FAILED" : "warning", d.path, err);
		ret = verify ? DRV_EXIT_FAIL : DRV_EXIT_OK;
	}
	rp_info__free(in);
	return driver__stop(&d, ret);
}
