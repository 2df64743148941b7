/* SPDX-License-Identifier: MIT */
/*
 * execrec btf: the kernel BTF stored in a trace, described or written out
 * as a raw BTF file, so "bpftool btf dump file F format c" makes a vmlinux.h
 * of the recording machine's kernel.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "driver.h"
#include "kbtf.h"
#include "probes.h"

static void usage(FILE *f)
{
	fprintf(f, "Usage: execrec btf -i FILE.etr [-o OUT] [--kind full|subset]\n"
		   "\n"
		   "Describe the kernel BTF stored in a trace or, with -o, write it out as a\n"
		   "raw BTF file; then 'bpftool btf dump file OUT format c > vmlinux.h' gives\n"
		   "the recording machine's vmlinux.h.\n"
		   "\n"
		   "  -i, --input FILE     the trace\n"
		   "  -o, --output OUT     write the BTF to OUT ('-' = standard output)\n"
		   "      --force          replace OUT if it exists (never the input, never\n"
		   "                       through a symbolic link)\n"
		   "      --kind KIND      full or subset (default: full if stored, else subset)\n"
		   "  -h, --help\n");
}

static const char *kind_str(uint32_t kind)
{
	return kind == 2 ? "full" : "subset";
}

struct ctx {
	const char *input, *output;
	uint32_t want; /* 0 the best stored, 1 subset, 2 full */
	bool force;
};

static int option(struct driver *d, int opt, const char *arg)
{
	struct ctx *c = d->ctx;

	switch (opt) {
	case 'i':
		c->input = arg;
		return 0;
	case 'o':
		c->output = arg;
		return 0;
	case 'k':
		if (strcmp(arg, "full") && strcmp(arg, "subset"))
			return driver__err(d, "--kind: 'full' or 'subset', not '%s'", arg);
		c->want = strcmp(arg, "full") ? 1 : 2;
		return 0;
	case 'F':
		c->force = true;
		return 0;
	default:
		return DRV_SHARED;
	}
}

static struct probe_src *open_trace(struct driver *d)
{
	struct probe_src *src = probe_src__new_trace(d->path, NULL);
	int err = errno;

	if (src)
		return src;
	driver__err(d, "%s: %s", d->path, driver__open_why(err));
	return NULL;
}

/* Without -o: what is stored. */
static void describe(const struct probe_src *src, struct kbtf *btf, uint32_t kind, size_t size)
{
	const struct probe_trace_info *ti = probe_src__trace_info(src);
	const uint32_t *ids;
	size_t nfuncs = 0;
	const void *data;

	kbtf__funcs(btf, &ids, &nfuncs);
	printf("%s BTF: %zu bytes, %" PRIu32 " types, %zu functions%s\n", kind_str(kind), size,
	       kbtf__type_cnt(btf), nfuncs,
	       kbtf__swapped(btf) ? ", byte order opposite to this machine's" : "");
	if (*ti->kernel_release || *ti->hostname)
		printf("recorded on: %s, kernel %s\n", *ti->hostname ? ti->hostname : "?",
		       *ti->kernel_release ? ti->kernel_release : "?");
	if (kind == 2 && probe_src__trace_btf(src, 1, &data, &size, NULL) == 0)
		printf("also stored: subset BTF, %zu bytes\n", size);
}

/* With -o: the raw BTF to d->out. 0, or the exit status after one line. */
static int write_out(struct driver *d, const struct ctx *c, const void *data, size_t size,
		     uint32_t kind)
{
	bool ok;

	if (!driver__out_open(d, c->output, NULL, c->force, true))
		return d->status;
	ok = fwrite(data, 1, size, d->out.f) == size;
	if (!ok)
		driver__err(d, "writing %s: %s", strcmp(c->output, "-") ? c->output : "output",
			    strerror(errno));
	if (driver__out_close(d, ok) || !ok)
		return DRV_EXIT_FAIL;
	if (strcmp(c->output, "-"))
		driver__err(
		    d,
		    "wrote %zu bytes of %s BTF to %s; for a vmlinux.h: bpftool btf dump file "
		    "%s format c > vmlinux.h",
		    size, kind_str(kind), c->output, c->output);
	return 0;
}

int cmd_btf(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"input", required_argument, NULL, 'i'},
	    {"output", required_argument, NULL, 'o'},
	    {"kind", required_argument, NULL, 'k'},
	    {"force", no_argument, NULL, 'F'},
	    DRV_HELP_OPTION,
	    {NULL, 0, NULL, 0},
	};
	static const struct driver_cmd cmd = {
	    .name = "btf",
	    .operands = "-i FILE.etr [-o OUT]",
	    .shortopts = "i:o:h",
	    .longopts = longopts,
	    .help = usage,
	    .option = option,
	};
	struct ctx c = {0};
	struct driver d = {0};
	const struct probe_trace_info *ti;
	struct probe_src *src = NULL;
	struct kbtf *btf = NULL;
	struct kbtf_error e = {0};
	uint32_t kind;
	const void *data;
	size_t size;
	int err;

	if (!driver__parse(&d, &cmd, &c, argc, argv))
		return driver__exit(&d, 0);
	if (optind < argc && !c.input)
		c.input = argv[optind++]; /* "execrec btf t.etr" reads as meant */
	if (!c.input || optind < argc) {
		usage(stderr);
		return driver__stop(&d, DRV_EXIT_USAGE);
	}
	d.path = c.input;
	d.status = DRV_EXIT_FAIL; /* the trace cannot be read, as for the other analyzers */
	src = open_trace(&d);
	if (!src)
		goto out;
	ti = probe_src__trace_info(src);
	err = probe_src__trace_btf(src, c.want, &data, &size, &kind);
	if (err == -ENODATA) {
		if (!c.want || !ti->btf_kind)
			driver__err(&d, "%s: the trace holds no BTF (recorded with --btf=none)",
				    c.input);
		else
			driver__err(&d, "%s: the trace holds no %s BTF, only a %s one%s", c.input,
				    kind_str(c.want), kind_str(ti->btf_kind),
				    c.want == 2 ? " (record with --btf=full for all types)" : "");
		d.status = DRV_EXIT_FAIL;
		goto out;
	}
	if (err) {
		driver__err(&d, "%s: %s", c.input, strerror(-err));
		goto out;
	}
	/* the file is for bpftool and libbpf: hand them nothing we would
	 * not read ourselves */
	err = kbtf__parse(data, size, &btf, &e);
	if (err == -ENOMEM) {
		driver__err(&d, "out of memory");
		goto out;
	}
	if (err) {
		driver__err(&d, "%s: the stored %s BTF is damaged (%s, at byte %" PRIu64 ")%s",
			    c.input, kind_str(kind), e.what, e.offset,
			    c.output ? "; nothing written" : "");
		d.status = DRV_EXIT_FAIL;
		goto out;
	}
	if (!c.output) {
		describe(src, btf, kind, size);
		d.status = 0;
	} else if (!(err = probe_src__trace_btf(src, kind, &data, &size, NULL))) {
		d.status = write_out(&d, &c, data, size, kind);
	} else {
		driver__err(&d, "%s: %s", c.input, strerror(-err));
	}
out:
	kbtf__free(btf);
	probe_src__free(src);
	return driver__stop(&d, d.status);
}
