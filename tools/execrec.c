/* SPDX-License-Identifier: MIT */
/*
 * execrec: a thin dispatcher. Each subcommand parses its own options and
 * does its work through record/ or replay/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>
#ifdef HAVE_CMD_RECORD
#include <bpf/libbpf.h>
#endif

#include "common/macros.h"
#include "commands.h"
#include "etr.h"
#include "execrec-config.h"
#include "heap.h"

struct command {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
#ifdef HAVE_CMD_RECORD
    {"record", cmd_record, "record every exec, fork and exit into an .etr file"},
#endif
    {"report", cmd_report, "summarize a trace: commands, failures, short-lived processes"},
    {"timeline", cmd_timeline, "one line per event in time order"},
    {"tree", cmd_tree, "the process tree with arguments, durations and exit status"},
    {"info", cmd_info, "metadata, chunk statistics and an integrity check"},
    {"dump", cmd_dump, "every record as stored"},
    {"diff", cmd_diff, "compare two recordings: what changed in what ran"},
    {"export", cmd_export,
     "write a trace as Perfetto JSON, dot, JSON lines, CSV, compile_commands"},
    {"boot", cmd_boot, "a boot trace by systemd unit: when each ran, what failed"},
    {"chart", cmd_chart, "draw the processes on a time axis as an SVG"},
    {"probes", cmd_probes, "list what can be traced, here or on a trace's machine"},
    {"btf", cmd_btf, "extract the kernel BTF stored in a trace"},
    {"redact", cmd_redact, "copy a trace with its secrets replaced by tags"},
};

#define N_COMMANDS ARRAY_SIZE(commands)

static void usage(FILE *out)
{
	fprintf(out, "Usage: execrec COMMAND [OPTIONS] [ARGS]\n\nCommands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'execrec COMMAND --help' or 'execrec help COMMAND' describes a command's "
		     "options.\n");
}

/*
 * What a bug report needs first: this build, the trace format it speaks, and
 * the versions of the shared libraries it runs with (which may differ from
 * the ones it was built against).
 */
static void version(void)
{
	printf("execrec %s\n", EXECREC_VERSION);
	printf("trace format: writes %d.%d, reads %d.x\n", ETR_VERSION_MAJOR, ETR_VERSION_MINOR,
	       ETR_VERSION_MAJOR);
#ifdef HAVE_CMD_RECORD
	printf("libbpf: %u.%u\n", libbpf_major_version(), libbpf_minor_version());
#else
	printf("libbpf: none (analyzer-only build, no recorder)\n");
#endif
	printf("zstd: %s\n", ZSTD_versionString());
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : NULL;

	if (!name) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(name, "help") && argc > 2) {
		/* "execrec help report" is "execrec report --help" */
		for (size_t i = 0; i < N_COMMANDS; i++) {
			char *sub[] = {argv[2], "--help", NULL};

			if (!strcmp(argv[2], commands[i].name))
				return commands[i].main(2, sub);
		}
		fprintf(stderr, "execrec help: unknown command '%s' (see 'execrec --help')\n",
			argv[2]);
		return 2;
	}
	if (!strcmp(name, "-h") || !strcmp(name, "--help") || !strcmp(name, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(name, "-V") || !strcmp(name, "--version")) {
		version();
		return 0;
	}
	for (size_t i = 0; i < N_COMMANDS; i++) {
		if (strcmp(name, commands[i].name))
			continue;
		if (strcmp(name, "record") && !getenv("EXECREC_SMALL_PAGES"))
			heap__use_huge_pages();
		return commands[i].main(argc - 1, argv + 1);
	}
	fprintf(stderr, "execrec: unknown command '%s' (see 'execrec --help')\n", name);
	return 2;
}
