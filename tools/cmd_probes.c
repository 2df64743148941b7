/* SPDX-License-Identifier: MIT */
/*
 * execrec probes: what can be traced, on this machine or (-i) on the one a
 * trace was recorded on. The listing, its output and what it says about
 * missing lists are probes/' (probe_src__list); this file describes the
 * command line to tools/driver, hands over the environment and says the
 * messages through it (grep's exit statuses: 1 when nothing matched).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "common/parse.h"
#include "driver.h"
#include "probes.h"
#include "replay.h"

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
	driver__err(ctx, "%s", msg);
}

static int option(struct driver *d, int opt, const char *arg)
{
	struct probe_list_opts *o = d->ctx;
	uint64_t pid;

	switch (opt) {
	case 'a':
		o->all = true;
		break;
	case 'v':
		o->verbose = true;
		break;
	case 'c':
		o->count = true;
		break;
	case 'j':
		o->json = true;
		break;
	case 'i':
		o->input = arg;
		break;
	case 'p':
		/* as the other pid options: digits only, and one that fits pid_t */
		if (ec_parse_count(arg, INT32_MAX, &pid) || !pid)
			return driver__err(d, "--pid: '%s' is not a pid", arg);
		o->pid = (pid_t)pid;
		break;
	case 'L':
		o->no_libs = true;
		break;
	}
	return 0;
}

/* The patterns of the command line; 0, or the exit status after one line. */
static int parse_patterns(struct driver *d, int n, char **texts, struct probe_pattern **pats)
{
	for (int i = 0; i < n; i++) {
		char bad[64];
		int err = probe_pattern__new(texts[i], &pats[i], bad, sizeof(bad));

		if (err == -ENOMEM) {
			driver__err(d, "out of memory");
			return driver__fail_status(d);
		}
		if (err && !*texts[i]) {
			driver__err(d, "an empty pattern matches nothing");
			return DRV_EXIT_USAGE;
		}
		if (err) {
			driver__err(d,
				    "'%s': unknown probe type '%s' (tracepoint, kprobe, kfunc, "
				    "rawtracepoint, software, hardware, uprobe, usdt)",
				    texts[i], bad);
			return DRV_EXIT_USAGE;
		}
	}
	return 0;
}

static struct probe_src *open_src(struct driver *d, const char *input)
{
	/* the library reads no environment: the tool hands it over */
	struct probe_src_opts so = {
	    .sz = sizeof(so),
	    .path = getenv("PATH"),
	    .ld_library_path = getenv("LD_LIBRARY_PATH"),
	};
	struct probe_src *src = input ? probe_src__new_trace(input, &so) : probe_src__new_live(&so);

	if (!src && input)
		driver__err(d, "%s: %s", input, driver__open_why(errno));
	else if (!src)
		driver__err(d, "out of memory");
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
	    DRV_HELP_OPTION,
	    {NULL, 0, NULL, 0},
	};
	static const struct driver_cmd cmd = {
	    .name = "probes",
	    .operands = "[PATTERN...]",
	    .shortopts = "vcji:p:ah",
	    .longopts = longopts,
	    .help = usage,
	    .option = option,
	    .grep_status = true, /* 1: nothing matched */
	};
	static char *all[] = {"*"};
	static char buf[1 << 16];
	struct probe_list_opts o = {.sz = sizeof(o)};
	struct probe_list_result res;
	struct probe_pattern **pats = NULL;
	struct probe_src *src = NULL;
	struct driver d = {0};
	int npats, status, err;
	struct rp_out out;
	char **texts;

	if (!driver__parse(&d, &cmd, &o, argc, argv))
		return driver__exit(&d, 0);
	if (o.input && o.pid) {
		driver__err(&d, "-p and -i do not go together (a trace has no processes to "
				"inspect)");
		return driver__stop(&d, DRV_EXIT_USAGE);
	}
	npats = argc - optind;
	texts = argv + optind;
	if (!npats) {
		npats = 1;
		texts = all;
	}
	pats = calloc((size_t)npats, sizeof(*pats));
	if (!pats) {
		driver__err(&d, "out of memory");
		return driver__stop(&d, driver__fail_status(&d));
	}
	status = parse_patterns(&d, npats, texts, pats);
	src = status ? NULL : open_src(&d, o.input);
	if (!src) {
		status = driver__stop(&d, status ?: driver__fail_status(&d));
		goto out;
	}
	rp_out__init(&out, stdout, buf, sizeof(buf));
	err = probe_src__list(src, pats, (size_t)npats, &o, &out, say, &d, &res);
	if (err == -ENOMEM)
		driver__err(&d, "out of memory");
	else if (err && err != -EINVAL)
		driver__err(&d, "writing the list: %s", strerror(-err));
	/* nothing listed: 1, whether a missing list or "nothing matches" said why */
	d.found = res.matched || o.count;
	status = driver__exit(&d, err ? -EINVAL : 0);
out:
	probe_src__free(src);
	for (int i = 0; i < npats; i++)
		probe_pattern__free(pats[i]);
	free(pats);
	return status;
}
