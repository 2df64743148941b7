/* SPDX-License-Identifier: MIT */
/*
 * 'execrec probes' without its command line: the binaries the patterns
 * name, the lists they want, the probes that match, and a line for the
 * user per list that is missing or not the whole truth (a fallback
 * source, a trace without full BTF, a kernel that cannot attach a type).
 */
#include <errno.h>
#include <glob.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/opts.h"
#include "internal.h"
#include "replay.h"

struct lister {
	struct probe_src *src;
	struct probe_pattern *const *pats;
	size_t npats;
	struct probe_list_opts o;
	probe_msg_fn msg;
	void *ctx;
	/* per type: 1 this kernel attaches it, 0 it cannot, -errno unknown */
	int supported[PROBE_TYPE__NR];
	const char *why[PROBE_TYPE__NR];
	bool shown[PROBE_TYPE__NR];
	size_t counts[PROBE_TYPE__NR];
};

#define say(l, ...) probe_say((l)->msg, (l)->ctx, __VA_ARGS__)

/* A type this kernel cannot attach is not listed, unless --all. */
static bool hidden(const struct lister *l, int t)
{
	return l->supported[t] == 0 && !l->o.all;
}

static bool any_wants(const struct lister *l, enum probe_type t)
{
	for (size_t i = 0; i < l->npats; i++) {
		if (probe_pattern__wants(l->pats[i], t))
			return true;
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* Binaries                                                            */
/* ------------------------------------------------------------------ */

static int bin_error(const struct lister *l, const char *what, int err)
{
	if (err == -ENOEXEC)
		say(l, "%s: not an ELF file", what);
	else if (err == -ENOTSUP)
		say(l, "uprobe and usdt listing needs execrec built with libelf");
	else
		say(l, "%s: %s", what, strerror(-err));
	return err == -ENOMEM ? err : -EINVAL;
}

/* Every ELF file a wildcard path matches; a folder of mixed files gives
 * its ELF ones. */
static int load_glob(const struct lister *l, struct probe_pattern *pat, const char *bin)
{
	unsigned flags = l->o.no_libs ? PROBE_BIN_NO_LIBS : 0;
	glob_t g;
	int n = 0, root;

	if (glob(bin, 0, NULL, &g)) {
		say(l, "'%s': no file matches %s", probe_pattern__text(pat), bin);
		return -EINVAL;
	}
	for (size_t i = 0; i < g.gl_pathc; i++) {
		root = probe_src__add_binary(l->src, g.gl_pathv[i], flags);
		if (root == -ENOEXEC || root == -EISDIR || root == -EACCES)
			continue;
		if (root < 0) {
			globfree(&g);
			return bin_error(l, bin, root);
		}
		probe_pattern__add_root(pat, root);
		n++;
	}
	globfree(&g);
	if (!n) {
		say(l, "'%s': no ELF file matches %s", probe_pattern__text(pat), bin);
		return -EINVAL;
	}
	return 0;
}

/* Load the binaries a pattern names. */
static int load_binaries(const struct lister *l, struct probe_pattern *pat)
{
	const char *bin = probe_pattern__binary(pat);
	bool wild = bin && strpbrk(bin, "*?");
	char path[PATH_MAX];
	int root;

	if (!bin ||
	    (!probe_pattern__wants(pat, PROBE_UPROBE) && !probe_pattern__wants(pat, PROBE_USDT)))
		return 0;
	if (l->o.input) {
		if (!probe_pattern__names_type(pat, PROBE_UPROBE) &&
		    !probe_pattern__names_type(pat, PROBE_USDT))
			return 0;
		say(l,
		    "'%s': uprobe and usdt probes are not stored in a trace; list them on a "
		    "machine that has the binary",
		    probe_pattern__text(pat));
		return -EINVAL;
	}
	if (wild && l->o.pid)
		return 0; /* matched against the files of -p */
	if (wild && !strchr(bin, '/')) {
		say(l, "'%s': name a binary, as in uprobe:/bin/bash:readline, or give -p PID",
		    probe_pattern__text(pat));
		return -EINVAL;
	}
	if (wild)
		return load_glob(l, pat, bin);
	if (probe_src__find_binary(l->src, bin, path, sizeof(path))) {
		say(l, "'%s': no binary %s (not a file, not in $PATH or the library folders)",
		    probe_pattern__text(pat), bin);
		return -EINVAL;
	}
	root = probe_src__add_binary(l->src, path, l->o.no_libs ? PROBE_BIN_NO_LIBS : 0);
	if (root < 0)
		return bin_error(l, path, root);
	return probe_pattern__add_root(pat, root);
}

static int load_pid(const struct lister *l)
{
	int root = probe_src__add_pid(l->src, l->o.pid);
	char what[32];

	if (root < 0) {
		snprintf(what, sizeof(what), "process %d", (int)l->o.pid);
		return bin_error(l, what, root == -ENOENT ? -ESRCH : root);
	}
	for (size_t i = 0; i < l->npats; i++) {
		if (!probe_pattern__binary(l->pats[i]))
			probe_pattern__add_root(l->pats[i], root);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Listing                                                             */
/* ------------------------------------------------------------------ */

/* "how many kernel functions, and how many of them can I trace?" */
static void print_ksyms(const struct lister *l, struct rp_out *o)
{
	const struct probe_ksym *ks;
	size_t nks, total = 0, funcs = 0;

	if (l->o.input || !any_wants(l, PROBE_KPROBE) || probe_src__ksyms(l->src, &ks, &nks))
		return;
	for (size_t i = 0; i < nks; i++) {
		bool m = false;

		for (size_t p = 0; p < l->npats && !m; p++)
			m = probe_pattern__match_name(l->pats[p], PROBE_KPROBE, ks[i].name);
		if (!m)
			continue;
		total++;
		funcs += probe_ksym__is_func(&ks[i]);
	}
	if (l->o.json)
		rp_out__printf(o, "{\"kallsyms\":{\"symbols\":%zu,\"functions\":%zu}}\n", total,
			       funcs);
	else if (hidden(l, PROBE_KPROBE))
		rp_out__printf(o, "\n/proc/kallsyms: %zu symbols, %zu of them functions\n", total,
			       funcs);
	else
		rp_out__printf(o,
			       "\n/proc/kallsyms: %zu symbols, %zu of them functions; %zu listed "
			       "as kprobes\n",
			       total, funcs, l->counts[PROBE_KPROBE]);
}

static int print_list(struct lister *l, struct rp_out *o, size_t *ret_matched)
{
	for (int t = 0; t < PROBE_TYPE__NR; t++) {
		if (!l->shown[t] || hidden(l, t))
			continue;
		for (size_t i = 0; i < probe_src__count(l->src, t); i++) {
			const struct probe *p = probe_src__probe(l->src, t, i);
			bool m = false;
			int err;

			for (size_t k = 0; k < l->npats && !m; k++)
				m = probe_pattern__match(l->pats[k], l->src, p);
			if (!m)
				continue;
			l->counts[t]++;
			(*ret_matched)++;
			if (l->o.count)
				continue;
			err = probe_print(o, l->src, p, l->o.verbose, l->o.json,
					  l->supported[t] == 0);
			if (err == -ENOMEM)
				return err;
		}
	}
	if (!l->o.count)
		return 0;
	for (int t = 0; t < PROBE_TYPE__NR; t++) {
		if (l->shown[t])
			probe_print_count(o, l->src, t, l->counts[t], l->supported[t], l->o.all,
					  l->o.json);
	}
	print_ksyms(l, o);
	return 0;
}

int probe_src__list(struct probe_src *src, struct probe_pattern *const *pats, size_t npats,
		    const struct probe_list_opts *opts, struct rp_out *out, probe_msg_fn msg,
		    void *ctx, struct probe_list_result *ret)
{
	struct lister *l;
	int err = 0;

	if (!src || !pats || !npats || !opts || !EC_OPTS_VALID(opts, struct probe_list_opts) ||
	    !out || !ret)
		return -EINVAL;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	*l = (struct lister){.src = src, .pats = pats, .npats = npats, .msg = msg, .ctx = ctx};
	l->o = (struct probe_list_opts){
	    .sz = sizeof(l->o),
	    .verbose = EC_OPTS_GET(opts, verbose, false),
	    .count = EC_OPTS_GET(opts, count, false),
	    .json = EC_OPTS_GET(opts, json, false),
	    .all = EC_OPTS_GET(opts, all, false),
	    .no_libs = EC_OPTS_GET(opts, no_libs, false),
	    .pid = EC_OPTS_GET(opts, pid, 0),
	    .input = EC_OPTS_GET(opts, input, NULL),
	};
	memset(ret, 0, sizeof(*ret));
	/* until the kernel is asked (for the types listed): no objection */
	for (int t = 0; t < PROBE_TYPE__NR; t++)
		l->supported[t] = 1;
	if (l->o.pid)
		err = load_pid(l);
	for (size_t i = 0; i < npats && !err; i++)
		err = load_binaries(l, pats[i]);
	for (int t = 0; t < PROBE_TYPE__NR && !err; t++) {
		/* a user's binaries only: uprobe and usdt lists are empty until
		 * one is named, and then they are shown even if empty */
		if (!any_wants(l, t) ||
		    ((t == PROBE_UPROBE || t == PROBE_USDT) && !probe_src__status(src, t)->origin))
			continue;
		l->shown[t] = true;
		if (probe_src__load(src, t) == -ENOMEM)
			err = -ENOMEM;
		l->supported[t] = probe_src__supported(src, t, &l->why[t]);
	}
	if (!err && l->o.input && probe_src__trace_info(src)->problems)
		say(l, "%s: %" PRIu64 " problem%s while reading; the damaged parts were skipped",
		    l->o.input, probe_src__trace_info(src)->problems,
		    probe_src__trace_info(src)->problems == 1 ? "" : "s");
	if (!err)
		err = print_list(l, out, &ret->matched);
	if (!err) {
		/* the list first, where it is seen; the caveats after it */
		errno = 0;
		rp_out__flush(out);
		if (out->f && (fflush(out->f) || ferror(out->f)))
			err = -(errno ? errno : EIO);
	}
	if (!err)
		ret->missing = probe_list_report(l->src, &l->o, pats, npats, l->supported, l->why,
						 l->counts, msg, ctx);
	if (!err && !ret->matched && !l->o.count && !ret->missing) {
		char line[4096];
		size_t n = (size_t)snprintf(line, sizeof(line), "nothing matches");

		for (size_t i = 0; i < npats && n < sizeof(line); i++)
			n += (size_t)snprintf(line + n, sizeof(line) - n, " '%s'",
					      probe_pattern__text(pats[i]));
		say(l, "%s", line);
	}
	free(l);
	return err;
}
