/* SPDX-License-Identifier: MIT */
/*
 * execrec probes: what can be traced, on this machine or (-i) on the one a
 * trace was recorded on. The listing is replay/probes'; this file parses
 * the command line, prints, and says once on stderr what the lists could
 * not cover (a fallback source, a trace without full BTF).
 */
#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "probes.h"
#include "options.h"

#define PROG "execrec probes"

struct opts {
	bool verbose;
	bool count;
	bool json;
	bool no_libs;
	bool all;
	const char *input;
	pid_t pid;
	/* per type: 1 this kernel attaches it, 0 it cannot, -errno unknown */
	int supported[PROBE_TYPE__NR];
	const char *why[PROBE_TYPE__NR];
};

/* A type this kernel cannot attach is not listed, unless --all. */
static bool hidden(const struct opts *o, int t)
{
	return o->supported[t] == 0 && !o->all;
}

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

/* ------------------------------------------------------------------ */
/* Output                                                              */
/* ------------------------------------------------------------------ */

/* Text output: names from a trace are not trusted to be printable. */
static void put_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c < 0x7f && c != '\\')
			fputc(c, f);
		else if (c == '\\')
			fputs("\\\\", f);
		else
			fprintf(f, "\\x%02x", c);
	}
}

/* Length of the valid UTF-8 sequence at @s, 0 if it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf && (s[1] & 0xc0) == 0x80)
		return 2;
	if (s[0] >= 0xe0 && s[0] <= 0xef && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80) {
		if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0))
			return 0;
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80 &&
	    (s[3] & 0xc0) == 0x80) {
		if ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

/* A JSON string; bytes that are not UTF-8 become \udc80..\udcff, as the
 * rest of execrec's JSON does (Python's "surrogateescape"). */
static void put_json(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', f);
	while (*s) {
		size_t n = utf8_len(s);

		if (!n) {
			fprintf(f, "\\udc%02x", *s++);
		} else if (n > 1) {
			fwrite(s, 1, n, f);
			s += n;
		} else if (*s == '"' || *s == '\\') {
			fprintf(f, "\\%c", *s++);
		} else if (*s == '\n') {
			fputs("\\n", f);
			s++;
		} else if (*s == '\t') {
			fputs("\\t", f);
			s++;
		} else if (*s < 0x20 || *s == 0x7f) {
			fprintf(f, "\\u%04x", *s++);
		} else {
			fputc(*s++, f);
		}
	}
	fputc('"', f);
}

static void json_kv(FILE *f, const char *key, const char *val)
{
	fprintf(f, ",\"%s\":", key);
	put_json(f, val);
}

static const char *origin_str(enum probe_origin o)
{
	switch (o) {
	case PROBE_ORIGIN_TRACEFS:
		return "tracefs";
	case PROBE_ORIGIN_FILTER_FUNCTIONS:
		return "available_filter_functions";
	case PROBE_ORIGIN_BTF:
		return "btf";
	case PROBE_ORIGIN_KALLSYMS:
		return "kallsyms";
	case PROBE_ORIGIN_PERF:
		return "perf";
	case PROBE_ORIGIN_ELF:
		return "elf";
	case PROBE_ORIGIN_TRACE:
		return "trace";
	default:
		return "none";
	}
}

static void print_detail_text(FILE *f, const struct probe *p, const struct probe_detail *d,
			      const struct probe_src *src)
{
	switch (p->type) {
	case PROBE_SOFTWARE:
	case PROBE_HARDWARE:
		fprintf(f, "    perf type %d, config %" PRIu64 "%s%s\n", d->perf_type,
			d->perf_config, d->alias ? ", also called " : "", d->alias ? d->alias : "");
		return;
	case PROBE_UPROBE:
		fprintf(f, "    address 0x%" PRIx64 ", size %" PRIu64 "\n", d->addr, d->size);
		return;
	case PROBE_USDT:
		fprintf(f, "    address 0x%" PRIx64, d->addr);
		if (d->semaphore)
			fprintf(f, ", semaphore 0x%" PRIx64 " (set it to enable the probe)",
				d->semaphore);
		fputc('\n', f);
		for (size_t i = 0; i < d->nr_args; i++) {
			fprintf(f, "    %s: ", d->args[i].name);
			put_text(f, d->args[i].decl);
			fprintf(f, " (%s)\n", d->args[i].type);
		}
		return;
	default:
		break;
	}
	if (d->why) {
		fprintf(f, "    (%s)\n", d->why);
		return;
	}
	for (size_t i = 0; i < d->nr_args; i++) {
		/* common_* fields are the same in every event, and not arguments
		 * a tracer can read by name: bpftrace -lv leaves them out too */
		if (d->args[i].common)
			continue;
		fputs("    ", f);
		put_text(f, d->args[i].decl);
		fputc('\n', f);
	}
	if (d->ret_type && p->type != PROBE_RAWTRACEPOINT && strcmp(d->ret_type, "void")) {
		fputs("    ", f);
		put_text(f, d->ret_type);
		fputs(d->ret_type[strlen(d->ret_type) - 1] == '*' ? "retval\n" : " retval\n", f);
	}
	(void)src;
}

static void print_detail_json(FILE *f, const struct probe *p, const struct probe_detail *d,
			      const struct probe_src *src)
{
	const char *path = probe_src__file_path(src, p->file);

	switch (p->type) {
	case PROBE_SOFTWARE:
	case PROBE_HARDWARE:
		fprintf(f, ",\"perf_type\":%d,\"perf_config\":%" PRIu64, d->perf_type,
			d->perf_config);
		if (d->alias)
			json_kv(f, "alias", d->alias);
		return;
	case PROBE_UPROBE:
	case PROBE_USDT:
		if (path) {
			json_kv(f, "file", path);
			if (p->type == PROBE_UPROBE) {
				json_kv(f, "symbol", p->name + strlen(path) + 1);
			} else {
				const char *prov = p->name + strlen(path) + 1;
				const char *colon = strchr(prov, ':');
				char buf[512];

				snprintf(buf, sizeof(buf), "%.*s", colon ? (int)(colon - prov) : 0,
					 prov);
				json_kv(f, "provider", buf);
				json_kv(f, "event", colon ? colon + 1 : prov);
			}
		}
		fprintf(f, ",\"address\":%" PRIu64, d->addr);
		if (p->type == PROBE_UPROBE)
			fprintf(f, ",\"size\":%" PRIu64, d->size);
		else
			fprintf(f, ",\"semaphore\":%" PRIu64, d->semaphore);
		break;
	default:
		break;
	}
	if (d->why)
		json_kv(f, "missing", d->why);
	if (d->ret_type)
		json_kv(f, "return", d->ret_type);
	if (!d->nr_args && (d->why || p->type == PROBE_UPROBE))
		return;
	fputs(",\"args\":[", f);
	for (size_t i = 0; i < d->nr_args; i++) {
		const struct probe_arg *a = &d->args[i];

		fputs(i ? ",{\"name\":" : "{\"name\":", f);
		put_json(f, a->name);
		json_kv(f, "type", a->type);
		json_kv(f, p->type == PROBE_USDT ? "spec" : "decl", a->decl);
		if (a->offset >= 0)
			fprintf(f, ",\"offset\":%d", a->offset);
		if (a->size >= 0)
			fprintf(f, ",\"size\":%d", a->size);
		if (a->is_signed >= 0)
			fprintf(f, ",\"signed\":%s", a->is_signed ? "true" : "false");
		if (p->type == PROBE_TRACEPOINT)
			fprintf(f, ",\"common\":%s", a->common ? "true" : "false");
		fputc('}', f);
	}
	fputc(']', f);
}

static int print_probe(FILE *f, struct probe_src *src, const struct probe *p, const struct opts *o)
{
	struct probe_detail *d = NULL;
	const char *type = probe_type__str(p->type);
	int err;

	if (o->verbose) {
		err = probe_src__detail(src, p, &d);
		if (err)
			return err;
	}
	if (o->json) {
		char full[1024];

		snprintf(full, sizeof(full), "%s:%s", type, p->name);
		fputs("{\"probe\":", f);
		put_json(f, full);
		json_kv(f, "type", type);
		json_kv(f, "name", p->name);
		if (d)
			print_detail_json(f, p, d, src);
		if (o->supported[p->type] == 0)
			fputs(",\"supported\":false", f);
		fputs("}\n", f);
	} else {
		fprintf(f, "%s:", type);
		put_text(f, p->name);
		if (o->supported[p->type] == 0)
			fputs("  (not supported by this kernel)", f);
		fputc('\n', f);
		if (d)
			print_detail_text(f, p, d, src);
	}
	probe_detail__free(d);
	return 0;
}

/* ------------------------------------------------------------------ */
/* What the lists could not cover                                      */
/* ------------------------------------------------------------------ */

static bool any_wants(struct probe_pattern **pats, int n, enum probe_type t)
{
	for (int i = 0; i < n; i++) {
		if (probe_pattern__wants(pats[i], t))
			return true;
	}
	return false;
}

/* Why a type's list is missing, for a trace source. */
static void trace_missing(const struct probe_trace_info *ti, const char *in, enum probe_type t,
			  int err, const char *what)
{
	bool fn = t == PROBE_KPROBE || t == PROBE_KFUNC;

	if (err == -EINVAL && ti->btf_error)
		fprintf(stderr,
			PROG ": %s: the stored BTF is damaged (%s, at byte %" PRIu64 "): no %s\n",
			in, ti->btf_error, ti->btf_error_offset, what);
	else if (err == -ENODATA && fn)
		fprintf(stderr, PROG ": %s holds %s: no %s from it (record with --btf=full)\n", in,
			ti->btf_kind ? "only a BTF subset" : "no BTF", what);
	else if (err == -ENODATA && t == PROBE_TRACEPOINT)
		fprintf(stderr, PROG ": %s stores no tracepoint formats\n", in);
	else if (err == -ENODATA && t == PROBE_RAWTRACEPOINT)
		fprintf(stderr, PROG ": %s stores no BTF and no tracepoint formats: no %s\n", in,
			what);
	else if (err == -ENODATA)
		fprintf(stderr,
			PROG ": software and hardware events are not stored in a trace (they "
			     "depend on the CPU and the kernel's configuration)\n");
	else
		fprintf(stderr, PROG ": %s: %s: no %s\n", in, strerror(-err), what);
}

/* Why a type's list is missing, live. */
static void live_missing(const struct probe_status *st, enum probe_type t, const char *what)
{
	if (t == PROBE_TRACEPOINT && st->err == -ENOENT)
		fprintf(stderr, PROG ": tracefs is not mounted, so no tracepoints; mount it with: "
				     "mount -t tracefs nodev /sys/kernel/tracing\n");
	else if (st->err == -ENOENT && t != PROBE_TRACEPOINT)
		fprintf(stderr, PROG ": no kernel BTF (%s): no %s\n", st->path, what);
	else if (st->err == -EACCES || st->err == -EPERM)
		fprintf(stderr, PROG ": %s: %s: no %s (run as root)\n", st->path ? st->path : "?",
			strerror(-st->err), what);
	else
		fprintf(stderr, PROG ": %s: %s: no %s\n", st->path ? st->path : "?",
			strerror(-st->err), what);
}

/*
 * One line on stderr per type whose list is missing or not the whole
 * truth. kprobe and kfunc share their causes, so they share the line, as
 * do software and hardware in a trace.
 */
static int report_status(struct probe_src *src, const struct opts *o, struct probe_pattern **pats,
			 int npats, const size_t *counts)
{
	static const char *const plural[PROBE_TYPE__NR] = {
	    "tracepoints",     "kprobes",	  "kfuncs",  "raw tracepoints",
	    "software events", "hardware events", "uprobes", "usdt probes",
	};
	const struct probe_trace_info *ti = probe_src__trace_info(src);
	bool fn_both = any_wants(pats, npats, PROBE_KPROBE) && any_wants(pats, npats, PROBE_KFUNC);
	bool said_fn = false, said_perf = false;
	int missing = 0;

	for (int t = 0; t < PROBE_TYPE__NR; t++) {
		const struct probe_status *st = probe_src__status(src, t);
		bool fn = t == PROBE_KPROBE || t == PROBE_KFUNC;
		bool perf = t == PROBE_SOFTWARE || t == PROBE_HARDWARE;
		const char *what = fn && fn_both ? "kprobes or kfuncs" : plural[t];

		if (!any_wants(pats, npats, t))
			continue;
		if (!ti && o->supported[t] == 0) {
			/* the kernel cannot attach them: said plainly, once */
			fprintf(stderr, PROG ": %s: not supported by this kernel: %s%s\n",
				plural[t], o->why[t] ? o->why[t] : "?",
				o->all ? "; listed for --all, each marked" : "");
			missing += !o->all;
			continue;
		}
		if (t == PROBE_UPROBE || t == PROBE_USDT)
			continue;
		if ((fn && said_fn) || (perf && said_perf))
			continue;
		if (st->err) {
			if (ti)
				trace_missing(ti, o->input, t, st->err, what);
			else
				live_missing(st, t, what);
			said_fn |= fn;
			said_perf |= perf && ti;
			missing++;
			continue;
		}
		if (t == PROBE_TRACEPOINT && ti && st->partial && (counts[t] || o->count))
			fprintf(stderr,
				PROG ": %s stores the formats of %" PRIu32
				     " tracepoints (those its "
				     "recorder uses), not every tracepoint of that kernel\n",
				o->input, ti->nr_tpformats);
		if (!ti && o->supported[t] < 0 && (counts[t] || o->count))
			fprintf(stderr,
				PROG ": %s: cannot tell whether this kernel attaches them: %s\n",
				plural[t], o->why[t] ? o->why[t] : strerror(-o->supported[t]));
		/* a caveat about listed probes, when some are */
		if (fn && st->partial &&
		    (counts[PROBE_KPROBE] || counts[PROBE_KFUNC] || o->count)) {
			/* the other of the two shares this line, if it is listed */
			said_fn = fn_both && !hidden(o, PROBE_KPROBE) && !hidden(o, PROBE_KFUNC);
			if (fn_both && said_fn)
				what = "kprobes and kfuncs";
			else
				what = plural[t];
			if (ti)
				fprintf(stderr,
					PROG
					": %s listed from the BTF stored in %s: a trace does not "
					"say which were traceable, some may not have been\n",
					what, o->input);
			else if (st->fallback_err && st->origin == PROBE_ORIGIN_BTF)
				fprintf(stderr,
					PROG
					": %s unreadable (%s): %s listed from the kernel BTF's "
					"functions; some may not be attachable\n",
					st->fallback_path, strerror(-st->fallback_err), what);
			else if (st->fallback_err)
				fprintf(
				    stderr,
				    PROG ": %s unreadable (%s): %s listed from the text symbols "
					 "of %s; some may not be attachable\n",
				    st->fallback_path, strerror(-st->fallback_err), what, st->path);
		}
		if (t == PROBE_RAWTRACEPOINT && st->partial && ti && (counts[t] || o->count))
			fprintf(stderr, PROG ": %s holds %s: raw tracepoints limited to those\n",
				o->input,
				ti->btf_kind ? "only a BTF subset"
					     : "no BTF, only tracepoint formats");
	}
	return missing;
}

/* ------------------------------------------------------------------ */
/* Binaries                                                            */
/* ------------------------------------------------------------------ */

static int bin_error(const char *what, int err)
{
	if (err == -ENOEXEC)
		fprintf(stderr, PROG ": %s: not an ELF file\n", what);
	else if (err == -ENOTSUP)
		fprintf(stderr, PROG ": uprobe and usdt listing needs execrec built with libelf\n");
	else
		fprintf(stderr, PROG ": %s: %s\n", what, strerror(-err));
	return 2;
}

/* Load the binaries a pattern names; 0 or an exit status. */
static int load_binaries(struct probe_src *src, struct probe_pattern *pat, const struct opts *o)
{
	const char *bin = probe_pattern__binary(pat);
	unsigned flags = o->no_libs ? PROBE_BIN_NO_LIBS : 0;
	char path[PATH_MAX];
	bool wild;
	int err, root;

	if (!bin ||
	    (!probe_pattern__wants(pat, PROBE_UPROBE) && !probe_pattern__wants(pat, PROBE_USDT)))
		return 0;
	if (o->input) {
		if (probe_pattern__names_type(pat, PROBE_UPROBE) ||
		    probe_pattern__names_type(pat, PROBE_USDT)) {
			fprintf(stderr,
				PROG ": '%s': uprobe and usdt probes are not stored in a trace; "
				     "list them on a machine that has the binary\n",
				probe_pattern__text(pat));
			return 2;
		}
		return 0;
	}
	wild = strpbrk(bin, "*?") != NULL;
	if (wild && o->pid)
		return 0; /* matched against the files of -p */
	if (wild && !strchr(bin, '/')) {
		fprintf(stderr,
			PROG
			": '%s': name a binary, as in uprobe:/bin/bash:readline, or give -p PID\n",
			probe_pattern__text(pat));
		return 2;
	}
	if (wild) {
		glob_t g;
		int n = 0;

		if (glob(bin, 0, NULL, &g)) {
			fprintf(stderr, PROG ": '%s': no file matches %s\n",
				probe_pattern__text(pat), bin);
			return 2;
		}
		for (size_t i = 0; i < g.gl_pathc; i++) {
			root = probe_src__add_binary(src, g.gl_pathv[i], flags);
			/* a folder of mixed files: take the ELF ones */
			if (root == -ENOEXEC || root == -EISDIR || root == -EACCES)
				continue;
			if (root < 0) {
				globfree(&g);
				return bin_error(bin, root);
			}
			probe_pattern__add_root(pat, root);
			n++;
		}
		globfree(&g);
		if (!n) {
			fprintf(stderr, PROG ": '%s': no ELF file matches %s\n",
				probe_pattern__text(pat), bin);
			return 2;
		}
		return 0;
	}
	err = probe_src__find_binary(src, bin, path, sizeof(path));
	if (err) {
		fprintf(stderr,
			PROG ": '%s': no binary %s (not a file, not in $PATH or the "
			     "library folders)\n",
			probe_pattern__text(pat), bin);
		return 2;
	}
	root = probe_src__add_binary(src, path, flags);
	if (root < 0)
		return bin_error(path, root);
	return probe_pattern__add_root(pat, root) ? 2 : 0;
}

/* ------------------------------------------------------------------ */
/* Counting                                                            */
/* ------------------------------------------------------------------ */

static void print_counts(struct probe_src *src, struct probe_pattern **pats, int npats,
			 const struct opts *o, size_t *counts, bool *shown)
{
	const struct probe_ksym *ks;
	size_t nks, total = 0, funcs = 0;

	for (int t = 0; t < PROBE_TYPE__NR; t++) {
		const struct probe_status *st = probe_src__status(src, t);

		if (!shown[t])
			continue;
		/* a list that could not be read is no count at all, not 0 */
		if (o->json) {
			fprintf(stdout, "{\"type\":\"%s\",", probe_type__str(t));
			if (hidden(o, t))
				fputs("\"count\":null,\"error\":\"not supported by this kernel\"",
				      stdout);
			else if (st->err)
				fprintf(stdout, "\"count\":null,\"error\":\"%s\"",
					strerror(-st->err));
			else
				fprintf(stdout, "\"count\":%zu", counts[t]);
			fprintf(stdout, ",\"origin\":\"%s\",\"partial\":%s", origin_str(st->origin),
				st->partial ? "true" : "false");
			if (o->supported[t] >= 0)
				fprintf(stdout, ",\"supported\":%s",
					o->supported[t] ? "true" : "false");
			fputs("}\n", stdout);
		} else if (hidden(o, t)) {
			fprintf(stdout, "%-14s %8s  not supported by this kernel\n",
				probe_type__str(t), "-");
		} else if (o->supported[t] == 0) {
			fprintf(stdout, "%-14s %8zu  not supported by this kernel\n",
				probe_type__str(t), counts[t]);
		} else if (st->err) {
			fprintf(stdout, "%-14s %8s\n", probe_type__str(t), "-");
		} else {
			fprintf(stdout, "%-14s %8zu\n", probe_type__str(t), counts[t]);
		}
	}
	/* "how many kernel functions, and how many of them can I trace?" */
	if (o->input || !any_wants(pats, npats, PROBE_KPROBE) || probe_src__ksyms(src, &ks, &nks))
		return;
	for (size_t i = 0; i < nks; i++) {
		bool m = false;

		for (int p = 0; p < npats && !m; p++)
			m = probe_pattern__match_name(pats[p], PROBE_KPROBE, ks[i].name);
		if (!m)
			continue;
		total++;
		funcs += probe_ksym__is_func(&ks[i]);
	}
	if (o->json)
		fprintf(stdout, "{\"kallsyms\":{\"symbols\":%zu,\"functions\":%zu}}\n", total,
			funcs);
	else if (hidden(o, PROBE_KPROBE))
		fprintf(stdout, "\n/proc/kallsyms: %zu symbols, %zu of them functions\n", total,
			funcs);
	else
		fprintf(stdout,
			"\n/proc/kallsyms: %zu symbols, %zu of them functions; %zu listed as "
			"kprobes\n",
			total, funcs, counts[PROBE_KPROBE]);
}

/* ------------------------------------------------------------------ */
/* Main                                                                */
/* ------------------------------------------------------------------ */

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
	struct probe_pattern **pats = NULL;
	static const char *const all[] = {"*"};
	const char *const *texts;
	size_t counts[PROBE_TYPE__NR] = {0}, matched = 0;
	bool shown[PROBE_TYPE__NR] = {false};
	struct probe_src *src = NULL;
	struct opts o = {0};
	int c, npats, status = 0, err, missing;
	char *end;

	/* until the kernel is asked (for the types listed): no objection */
	for (int t = 0; t < PROBE_TYPE__NR; t++)
		o.supported[t] = 1;
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
			tool__option_error("probes", c, argv, longopts);
			return 2;
		}
	}
	if (o.input && o.pid) {
		fprintf(stderr, PROG ": -p and -i do not go together (a trace has no processes to "
				     "inspect)\n");
		return 2;
	}
	npats = argc - optind;
	texts = (const char *const *)argv + optind;
	if (!npats) {
		npats = 1;
		texts = all;
	}
	pats = calloc((size_t)npats, sizeof(*pats));
	if (!pats)
		goto nomem;
	for (int i = 0; i < npats; i++) {
		char bad[64];

		err = probe_pattern__new(texts[i], &pats[i], bad, sizeof(bad));
		if (err == -ENOMEM)
			goto nomem;
		if (err) {
			if (!*texts[i])
				fprintf(stderr, PROG ": an empty pattern matches nothing\n");
			else
				fprintf(stderr,
					PROG
					": '%s': unknown probe type '%s' (tracepoint, kprobe, "
					"kfunc, rawtracepoint, software, hardware, uprobe, usdt)\n",
					texts[i], bad);
			status = 2;
			goto out;
		}
	}

	if (o.input) {
		struct probe_src_opts so = {.sz = sizeof(so)};

		src = probe_src__new_trace(o.input, &so);
		if (!src) {
			status = open_error(o.input, errno);
			goto out;
		}
	} else {
		/* the library reads no environment: the tool hands it over */
		struct probe_src_opts so = {
		    .sz = sizeof(so),
		    .path = getenv("PATH"),
		    .ld_library_path = getenv("LD_LIBRARY_PATH"),
		};

		src = probe_src__new_live(&so);
		if (!src)
			goto nomem;
	}
	if (o.pid) {
		int root = probe_src__add_pid(src, o.pid);

		if (root < 0) {
			char what[32];

			snprintf(what, sizeof(what), "process %d", (int)o.pid);
			status = bin_error(what, root == -ENOENT ? -ESRCH : root);
			goto out;
		}
		for (int i = 0; i < npats; i++) {
			if (!probe_pattern__binary(pats[i]))
				probe_pattern__add_root(pats[i], root);
		}
	}
	for (int i = 0; i < npats; i++) {
		status = load_binaries(src, pats[i], &o);
		if (status)
			goto out;
	}

	for (int t = 0; t < PROBE_TYPE__NR; t++) {
		bool want = any_wants(pats, npats, t);

		/* a user's binaries only: uprobe and usdt lists are empty until
		 * one is named, and then they are shown even if empty */
		if ((t == PROBE_UPROBE || t == PROBE_USDT) && !probe_src__status(src, t)->origin)
			want = false;
		if (!want)
			continue;
		shown[t] = true;
		err = probe_src__load(src, t);
		if (err == -ENOMEM)
			goto nomem;
		o.supported[t] = probe_src__supported(src, t, &o.why[t]);
	}
	if (o.input) {
		const struct probe_trace_info *ti = probe_src__trace_info(src);

		if (ti->problems)
			fprintf(stderr,
				PROG ": %s: %" PRIu64 " problems while reading; the "
				     "damaged parts were skipped\n",
				o.input, ti->problems);
	}

	/* 150,000 lines: let stdio write big blocks */
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	for (int t = 0; t < PROBE_TYPE__NR; t++) {
		if (!shown[t] || hidden(&o, t))
			continue;
		for (size_t i = 0; i < probe_src__count(src, t); i++) {
			const struct probe *p = probe_src__probe(src, t, i);
			bool m = false;

			for (int k = 0; k < npats && !m; k++)
				m = probe_pattern__match(pats[k], src, p);
			if (!m)
				continue;
			counts[t]++;
			matched++;
			if (o.count)
				continue;
			err = print_probe(stdout, src, p, &o);
			if (err == -ENOMEM)
				goto nomem;
		}
	}
	if (o.count)
		print_counts(src, pats, npats, &o, counts, shown);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, PROG ": writing the list: %s\n", strerror(errno));
		status = 2;
		goto out;
	}
	/* after the list, where it is seen, and knowing what was listed */
	missing = report_status(src, &o, pats, npats, counts);
	/* nothing listed: say so, unless a missing list was just named */
	if (!matched && !o.count && missing)
		status = 1;
	if (!matched && !o.count && !missing) {
		fprintf(stderr, PROG ": nothing matches");
		for (int i = 0; i < npats; i++)
			fprintf(stderr, " '%s'", texts[i]);
		fputc('\n', stderr);
		status = 1;
	}
out:
	probe_src__free(src);
	for (int i = 0; pats && i < npats; i++)
		probe_pattern__free(pats[i]);
	free(pats);
	return status;
nomem:
	fprintf(stderr, PROG ": out of memory\n");
	status = 2;
	goto out;
}
