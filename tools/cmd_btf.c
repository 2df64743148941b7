/* SPDX-License-Identifier: MIT */
/*
 * execrec btf: the kernel BTF stored in a trace, described or written out
 * as a raw BTF file, so "bpftool btf dump file F format c" makes a vmlinux.h
 * of the recording machine's kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "kbtf.h"
#include "probes.h"
#include "options.h"
#include "outfile.h"

#define PROG "execrec btf"

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

int cmd_btf(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"input", required_argument, NULL, 'i'}, {"output", required_argument, NULL, 'o'},
	    {"kind", required_argument, NULL, 'k'},  {"force", no_argument, NULL, 'F'},
	    {"help", no_argument, NULL, 'h'},	     {NULL, 0, NULL, 0},
	};
	const char *input = NULL, *output = NULL;
	const struct probe_trace_info *ti;
	struct probe_src *src = NULL;
	struct kbtf *btf = NULL;
	struct kbtf_error e = {0};
	uint32_t want = 0, kind;
	const void *data;
	struct tool_out out = {0};
	bool force = false;
	size_t size;
	int c, err, status = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			input = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'k':
			if (!strcmp(optarg, "full")) {
				want = 2;
			} else if (!strcmp(optarg, "subset")) {
				want = 1;
			} else {
				fprintf(stderr, PROG ": --kind: 'full' or 'subset', not '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'F':
			force = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			tool__option_error("btf", c, argv, longopts);
			return 2;
		}
	}
	if (optind < argc && !input)
		input = argv[optind++]; /* "execrec btf t.etr" reads as meant */
	if (!input || optind < argc) {
		usage(stderr);
		return 2;
	}

	src = probe_src__new_trace(input, NULL);
	if (!src) {
		err = errno;
		if (err == EINVAL)
			fprintf(stderr, PROG ": %s: not an execrec trace\n", input);
		else if (err == ENOTSUP)
			fprintf(stderr,
				PROG ": %s: made by a newer execrec (format major version)\n",
				input);
		else if (err == EBADMSG)
			fprintf(stderr, PROG ": %s: damaged file header\n", input);
		else
			fprintf(stderr, PROG ": %s: %s\n", input, strerror(err));
		return 2;
	}
	ti = probe_src__trace_info(src);
	err = probe_src__trace_btf(src, want, &data, &size, &kind);
	if (err == -ENODATA) {
		if (!want || !ti->btf_kind)
			fprintf(stderr,
				PROG ": %s: the trace holds no BTF (recorded with --btf=none)\n",
				input);
		else
			fprintf(stderr, PROG ": %s: the trace holds no %s BTF, only a %s one%s\n",
				input, kind_str(want), kind_str(ti->btf_kind),
				want == 2 ? " (record with --btf=full for all types)" : "");
		status = 1;
		goto out;
	}
	if (err) {
		fprintf(stderr, PROG ": %s: %s\n", input, strerror(-err));
		status = 2;
		goto out;
	}
	/* the file is for bpftool and libbpf: hand them nothing we would
	 * not read ourselves */
	err = kbtf__parse(data, size, &btf, &e);
	if (err == -ENOMEM) {
		fprintf(stderr, PROG ": out of memory\n");
		status = 2;
		goto out;
	}
	if (err) {
		fprintf(stderr,
			PROG ": %s: the stored %s BTF is damaged (%s, at byte %" PRIu64 ")%s\n",
			input, kind_str(kind), e.what, e.offset, output ? "; nothing written" : "");
		status = 1;
		goto out;
	}
	if (!output) {
		const uint32_t *ids;
		size_t nfuncs = 0;

		kbtf__funcs(btf, &ids, &nfuncs);
		printf("%s BTF: %zu bytes, %" PRIu32 " types, %zu functions%s\n", kind_str(kind),
		       size, kbtf__type_cnt(btf), nfuncs,
		       kbtf__swapped(btf) ? ", byte order opposite to this machine's" : "");
		if (*ti->kernel_release || *ti->hostname)
			printf("recorded on: %s, kernel %s\n", *ti->hostname ? ti->hostname : "?",
			       *ti->kernel_release ? ti->kernel_release : "?");
		if (kind == 2 && probe_src__trace_btf(src, 1, &data, &size, NULL) == 0)
			printf("also stored: subset BTF, %zu bytes\n", size);
		goto out;
	}
	err = probe_src__trace_btf(src, kind, &data, &size, NULL);
	if (err) {
		fprintf(stderr, PROG ": %s: %s\n", input, strerror(-err));
		status = 2;
		goto out;
	}
	if (tool_out__open(&out, "btf", output, input, force, true)) {
		status = 2;
		goto out;
	}
	if (fwrite(data, 1, size, out.f) != size) {
		fprintf(stderr, PROG ": writing %s: %s\n", strcmp(output, "-") ? output : "output",
			strerror(errno));
		tool_out__close(&out, "btf", false);
		status = 2;
		goto out;
	}
	if (tool_out__close(&out, "btf", true)) {
		status = 2;
		goto out;
	}
	if (strcmp(output, "-"))
		fprintf(stderr,
			PROG ": wrote %zu bytes of %s BTF to %s; for a vmlinux.h: bpftool btf dump "
			     "file %s format c > vmlinux.h\n",
			size, kind_str(kind), output, output);
out:
	kbtf__free(btf);
	probe_src__free(src);
	return status;
}
