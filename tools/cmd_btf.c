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
		   "      --kind KIND      full or subset (default: full if stored, else subset)\n"
		   "  -h, --help\n");
}

static const char *kind_str(uint32_t kind)
{
	return kind == 2 ? "full" : "subset";
}

/* Write all of @buf to @fd. 0 or -errno. */
static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Into a temporary file renamed over @path at the end, so an interrupted
 * or failed write never leaves a half file under the wanted name. */
static int write_out(const char *path, const void *data, size_t len)
{
	char *tmp;
	int fd, err;

	if (!strcmp(path, "-")) {
		if (isatty(STDOUT_FILENO))
			return -ENOTTY;
		return write_all(STDOUT_FILENO, data, len);
	}
	if (asprintf(&tmp, "%s.tmpXXXXXX", path) < 0)
		return -ENOMEM;
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = -errno;
		free(tmp);
		return err;
	}
	err = write_all(fd, data, len);
	if (!err && fchmod(fd, 0644))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	free(tmp);
	return err;
}

int cmd_btf(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"input", required_argument, NULL, 'i'},
	    {"output", required_argument, NULL, 'o'},
	    {"kind", required_argument, NULL, 'k'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *input = NULL, *output = NULL;
	const struct probe_trace_info *ti;
	struct probe_src *src = NULL;
	struct kbtf *btf = NULL;
	struct kbtf_error e = {0};
	uint32_t want = 0, kind;
	const void *data;
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
	if (!err)
		err = write_out(output, data, size);
	if (err == -ENOTTY) {
		fprintf(stderr, PROG ": not writing binary BTF to a terminal; use -o FILE\n");
		status = 2;
	} else if (err) {
		fprintf(stderr, PROG ": %s: %s\n", output, strerror(-err));
		status = 2;
	} else if (strcmp(output, "-")) {
		fprintf(stderr,
			PROG ": wrote %zu bytes of %s BTF to %s; for a vmlinux.h: bpftool btf dump "
			     "file %s format c > vmlinux.h\n",
			size, kind_str(kind), output, output);
	}
out:
	kbtf__free(btf);
	probe_src__free(src);
	return status;
}
