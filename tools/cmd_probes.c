/* SPDX-License-Identifier: MIT */
/*
 * execrec probes: what can be traced, on this machine or (-i) on the one a
 * trace was recorded on. The listing, its output and what it says about
 * missing lists are probes/' (probe_src__list); this file parses the
 * command line, hands over the environment and prints the messages.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "driver.h"
#include "probes.h"
#include "replay.h"

#define PROG "execrec probes"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: execrec probes [OPTIONS] [PATTERN...]\n"
		"\n"
		"List what can be traced, one probe per line as TYPE:NAME. A PATTERN has\n"
		"'*' and '?' wildcards anywhere, the type included ('*execve*' searches every\n"
		"type); without one, every kernel probe is listed. Types:\n"
		"  tracepoint:SYSTEM:EVENT     tracefs events\n"
		"  kprobe:FUNCTION             traceable kernel functions\n"
		"  kfunc:FUNCTION              fentry/fexit, from the kernel's BTF\n"
		"  rawtracepoint:NAME          raw tracepoints\n"
		"  software:NAME, hardware:NAME  perf's generic events\n"
		"  uprobe:BINARY:SYMBOL        functions of BINARY and its libraries\n"
		"  usdt:BINARY:PROVIDER:NAME   SystemTap SDT probes of BINARY and its libraries\n"
		"uprobe and usdt need a BINARY (a path, or a name looked up in $PATH and the\n"
		"library folders) or -p. bpftrace's type aliases (t, k, f, fentry, rt, u, U ...)\n"
		"are accepted.\n"
		"\n"
		"  -v, --verbose       details: tracepoint fields, kprobe/kfunc/rawtracepoint\n"
		"                      prototypes from BTF, USDT argument specifiers\n"
		"  -c, --count         how many probes of each type, and kernel symbols\n"
		"  -a, --all           also the types this kernel cannot attach (no kprobes,\n"
		"                      no BPF trampolines ...), each probe marked\n"
		"  -j, --json          one JSON object per line\n"
		"  -i, --input FILE    answer for the machine FILE.etr was recorded on, from\n"
		"                      its stored tracepoint formats and BTF\n"
		"  -p, --pid PID       uprobe/usdt: the executable and libraries PID has mapped\n"
		"      --no-libs       uprobe/usdt: BINARY alone, not the libraries it loads\n"
		"  -h, --help\n"
		"\n"
		"Types the running kernel cannot attach (asked of the kernel: the kprobe and\n"
		"uprobe PMUs or tracefs's *probe_events; for kfunc an fentry program attached\n"
		"for an instant, as root) are not listed: one line says so instead.\n"
		"\n"
		"Exit status: 0 when something was listed, 1 when nothing matched, 2 on error.\n");
}

static void say(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, PROG ": %s\n", msg);
}

static int open_error(const char *path, int err)
{
	if (err == EINVAL)
		fprintf(stderr, PROG ": %s: not an execrec trace\n", path);
	else if (err == ENOTSUP)
		fprintf(stderr, PROG ": %s: made by a newer execrec (format major version)\n",
			path);
	else if (err == EBADMSG)
		fprintf(stderr, PROG ": %s: damaged file header\n", path);
	else
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(err));
	return 2;
}

/* The patterns of the command line ("*" without one); 0 or an exit status. */
static int parse_patterns(int n, char **texts, struct probe_pattern **pats)
{
	for (int i = 0; i < n; i++) {
		char bad[64];
		int err = probe_pattern__new(texts[i], &pats[i], bad, sizeof(bad));

		if (err == -ENOMEM) {
			fprintf(stderr, PROG ": out of memory\n");
			return 2;
		}
		if (err && !*texts[i]) {
			fprintf(stderr, PROG ": an empty pattern matches nothing\n");
			return 2;
		}
		if (err) {
			fprintf(stderr,
				PROG ": '%s': unknown probe type '%s' (tracepoint, kprobe, kfunc, "
				     "rawtracepoint, software, hardware, uprobe, usdt)\n",
				texts[i], bad);
			return 2;
		}
	}
	return 0;
}

static struct probe_src *open_src(const char *input, int *ret_status)
{
	/* the library reads no environment: the tool hands it over */
	struct probe_src_opts so = {
	    .sz = sizeof(so),
	    .path = getenv("PATH"),
	    .ld_library_path = getenv("LD_LIBRARY_PATH"),
	};
	struct probe_src *src = input ? probe_src__new_trace(input, &so) : probe_src__new_live(&so);

	if (!src && input)
		*ret_status = open_error(input, errno);
	else if (!src)
		fprintf(stderr, PROG ": out of memory\n");
	return src;
}

int cmd_probes(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"verbose", no_argument, NULL, 'v'},
	    {"count", no_argument, NULL, 'c'},
	    {"json", no_argument, NULL, 'j'},
	    {"input", required_argument, NULL, 'i'},
	    {"pid", required_argument, NULL, 'p'},
	    {"no-libs", no_argument, NULL, 'L'},
	    {"all", no_argument, NULL, 'a'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	static char *all[] = {"*"};
	struct probe_list_opts o = {.sz = sizeof(o)};
	struct probe_list_result res;
	struct probe_pattern **pats = NULL;
	struct probe_src *src = NULL;
	static char buf[1 << 16];
	struct rp_out out;
	int c, npats, status = 2, err;
	char **texts, *end;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":vcji:p:ah", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			o.all = true;
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'c':
			o.count = true;
			break;
		case 'j':
			o.json = true;
			break;
		case 'i':
			o.input = optarg;
			break;
		case 'p':
			errno = 0;
			o.pid = (pid_t)strtol(optarg, &end, 10);
			if (errno || *end || o.pid <= 0) {
				fprintf(stderr, PROG ": -p: not a process id: '%s'\n", optarg);
				return 2;
			}
			break;
		case 'L':
			o.no_libs = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			driver__option_error("probes", c, argv, longopts);
			return 2;
		}
	}
	if (o.input && o.pid) {
		fprintf(stderr, PROG ": -p and -i do not go together (a trace has no processes to "
				     "inspect)\n");
		return 2;
	}
	npats = argc - optind;
	texts = argv + optind;
	if (!npats) {
		npats = 1;
		texts = all;
	}
	pats = calloc((size_t)npats, sizeof(*pats));
	if (!pats) {
		fprintf(stderr, PROG ": out of memory\n");
		return 2;
	}
	if (parse_patterns(npats, texts, pats))
		goto out;
	src = open_src(o.input, &status);
	if (!src)
		goto out;
	rp_out__init(&out, stdout, buf, sizeof(buf));
	err = probe_src__list(src, pats, (size_t)npats, &o, &out, say, NULL, &res);
	if (err == -ENOMEM)
		fprintf(stderr, PROG ": out of memory\n");
	else if (err && err != -EINVAL)
		fprintf(stderr, PROG ": writing the list: %s\n", strerror(-err));
	/* nothing listed: 1, whether a missing list or "nothing matches" said why */
	status = err ? 2 : !res.matched && !o.count ? 1 : 0;
out:
	probe_src__free(src);
	for (int i = 0; i < npats; i++)
		probe_pattern__free(pats[i]);
	free(pats);
	return status;
}
