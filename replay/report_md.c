/* SPDX-License-Identifier: MIT */
/*
 * execrec report --markdown: the report as GitHub/GitLab markdown, sized to
 * paste into an issue comment (tables of the top N, command lines cut at
 * ARGV_SHOWN bytes, at most MD_FAIL_MAX failures), with the failures shown
 * as a collapsed process tree: each failing process under its ancestors,
 * the ancestors a failure shares with the one before printed once.
 *
 * The chains are taken when a failing process ends (report.c's on_end):
 * then its ancestors are still held by the model, which drops a process
 * only after all its descendants.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

#define ARGV_SHOWN 120
#define MD_DEPTH_MAX 32

struct md_node {
	uint32_t pid;
	uint64_t start_ns;
	char *text; /* shell-quoted command line, cut */
};

struct md_fail {
	struct md_node chain[MD_DEPTH_MAX]; /* root first */
	size_t depth;
	char status[48];
};

/* A process as a line: its last program's arguments, else its comm. */
static char *proc_text(const struct rp_model *m, const struct rp_proc *p)
{
	const struct rp_exec *x = rp_model__last_exec(m, p);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	if (x && x->argv.len)
		rp_fput_argv(f, &x->argv, ARGV_SHOWN);
	else
		fputs(rp_model__comm(m, p)[0] ? rp_model__comm(m, p) : "?", f);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

static bool failed(const struct rp_proc *p, char *status, size_t len)
{
	if ((p->flags & RP_PF_EXITED) && p->signal) {
		const char *sn = rp_signal_name(p->signal);

		snprintf(status, len, "killed by %s", sn ? sn : "a signal");
		return true;
	}
	if ((p->flags & RP_PF_EXITED) && p->exit_code) {
		snprintf(status, len, "exit %d", p->exit_code);
		return true;
	}
	if (p->nfail) {
		snprintf(status, len, "%u failed exec%s", p->nfail, p->nfail > 1 ? "s" : "");
		return true;
	}
	return false;
}

void rp_report_md__capture(struct rp_report *r, const struct rp_model *m, const struct rp_proc *p)
{
	struct md_fail *f;
	const struct rp_proc *chain[MD_DEPTH_MAX];
	size_t n = 0;
	char status[48];

	if (!failed(p, status, sizeof(status)))
		return;
	r->md_failures++;
	if (r->md_n >= MD_FAIL_MAX)
		return;
	if (r->md_n == r->md_cap) {
		size_t cap = r->md_cap ? r->md_cap * 2 : 8;
		void *nf = realloc(r->md_fails, cap * sizeof(struct md_fail *));

		if (!nf) {
			r->err = -ENOMEM;
			return;
		}
		r->md_fails = nf;
		r->md_cap = cap;
	}
	/* the ancestors, nearest first, then turned root first */
	for (const struct rp_proc *a = p; a && n < MD_DEPTH_MAX;
	     a = a->parent == RP_NONE ? NULL : rp_model__proc(m, a->parent))
		chain[n++] = a;
	f = calloc(1, sizeof(*f));
	if (!f) {
		r->err = -ENOMEM;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct rp_proc *a = chain[n - 1 - i];

		f->chain[i].pid = a->pid;
		f->chain[i].start_ns = a->start_ns;
		f->chain[i].text = proc_text(m, a);
		if (!f->chain[i].text)
			r->err = -ENOMEM;
	}
	f->depth = n;
	memcpy(f->status, status, sizeof(status));
	((struct md_fail **)r->md_fails)[r->md_n++] = f;
}

void rp_report_md__free(struct rp_report *r)
{
	for (size_t i = 0; i < r->md_n; i++) {
		struct md_fail *f = ((struct md_fail **)r->md_fails)[i];

		for (size_t j = 0; j < f->depth; j++)
			free(f->chain[j].text);
		free(f);
	}
	free(r->md_fails);
}

/* Text in a table cell: inside a code span, '|' escaped, no newlines. */
static void cell(FILE *f, const char *s)
{
	fputs("`` ", f);
	for (; *s; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n' || *s == '\r')
			putc(' ', f);
		else
			putc(*s, f);
	}
	fputs(" ``", f);
}

static char *argv_text(const struct etr_str *argv)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	rp_fput_argv(f, argv, ARGV_SHOWN);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void cell_argv(FILE *f, const char *name, const struct etr_str *argv)
{
	char *t = argv && argv->len ? argv_text(argv) : NULL;

	cell(f, t ? t : name ? name : "?");
	free(t);
}

static struct agg **sorted(const struct aggtab *t)
{
	struct agg **l = rp_report_agg_list(t);

	if (l)
		qsort(l, t->n, sizeof(*l), rp_report_cmp_count);
	return l;
}

static size_t shown(const struct rp_report *r, size_t n)
{
	return r->top && r->top < n ? r->top : n;
}

static void more(FILE *f, const struct rp_report *r, size_t n)
{
	if (r->top && n > r->top)
		fprintf(f, "\n_... %zu more (`execrec report -n 0` lists all)_\n", n - r->top);
}

static void table_cmds(FILE *f, struct rp_report *r)
{
	struct agg **l = sorted(&r->cmds);
	char d[24];

	fprintf(f, "\n### Commands by count\n\n");
	if (!l || !r->cmds.n) {
		fprintf(f, "(none)\n");
		free(l);
		return;
	}
	fprintf(f, "| count | total | failed | command |\n|---:|---:|---:|---|\n");
	for (size_t i = 0; i < shown(r, r->cmds.n); i++) {
		rp_fmt_duration(d, sizeof(d), l[i]->total_ns);
		fprintf(f, "| %" PRIu64 " | %s | %" PRIu64 " | ", l[i]->count, d, l[i]->failed);
		cell(f, l[i]->name);
		fputs(" |\n", f);
	}
	more(f, r, r->cmds.n);
	free(l);
}

static void table_fails(FILE *f, struct rp_report *r)
{
	struct agg **l = sorted(&r->fails);

	fprintf(f, "\n### Failed execs\n\n");
	if (!l || !r->fails.n) {
		fprintf(f, "(none)\n");
		free(l);
		return;
	}
	fprintf(f, "| count | error | file | first by |\n|---:|---|---|---|\n");
	for (size_t i = 0; i < shown(r, r->fails.n); i++) {
		const char *en = rp_errno_name(l[i]->ret);

		fprintf(f, "| %" PRIu64 " | %s | ", l[i]->count, en ? en : "?");
		cell(f, l[i]->name);
		fprintf(f, " | %" PRIu32 " ", l[i]->pid);
		cell_argv(f, l[i]->comm, &l[i]->argv);
		fputs(" |\n", f);
	}
	more(f, r, r->fails.n);
	free(l);
}

static void table_exits(FILE *f, struct rp_report *r)
{
	struct agg **l = sorted(&r->exits);
	char st[48];

	fprintf(f, "\n### Non-zero exits and deaths by signal\n\n");
	if (!l || !r->exits.n) {
		fprintf(f, "(none)\n");
		free(l);
		return;
	}
	fprintf(f, "| count | status | command | first |\n|---:|---|---|---|\n");
	for (size_t i = 0; i < shown(r, r->exits.n); i++) {
		const char *sn = l[i]->signal ? rp_signal_name(l[i]->signal) : NULL;

		if (l[i]->signal)
			snprintf(st, sizeof(st), "%s%s", sn ? sn : "signal",
				 l[i]->core ? "+core" : "");
		else
			snprintf(st, sizeof(st), "exit %d", l[i]->exit_code);
		fprintf(f, "| %" PRIu64 " | %s | ", l[i]->count, st);
		cell(f, l[i]->name);
		fprintf(f, " | %" PRIu32 " ", l[i]->pid);
		cell_argv(f, NULL, &l[i]->argv);
		fputs(" |\n", f);
	}
	more(f, r, r->exits.n);
	free(l);
}

static void failure_tree(FILE *f, struct rp_report *r)
{
	const struct md_fail *prev = NULL;

	if (!r->md_failures)
		return;
	fprintf(f,
		"\n<details><summary>Process tree of the failures (%" PRIu64
		" process%s%s)</summary>\n\n```text\n",
		r->md_failures, r->md_failures > 1 ? "es" : "",
		r->md_failures > r->md_n ? ", the first shown" : "");
	for (size_t i = 0; i < r->md_n; i++) {
		const struct md_fail *x = ((struct md_fail **)r->md_fails)[i];
		size_t same = 0;

		/* the ancestors already printed for the failure before */
		while (prev && same < prev->depth && same + 1 < x->depth &&
		       prev->chain[same].pid == x->chain[same].pid &&
		       prev->chain[same].start_ns == x->chain[same].start_ns)
			same++;
		for (size_t j = same; j < x->depth; j++) {
			const char *t = x->chain[j].text ? x->chain[j].text : "?";

			fprintf(f, "%*s%s%" PRIu32 " ", (int)(2 * j), "", j ? "└ " : "",
				x->chain[j].pid);
			/* a ``` inside would end the block early */
			for (; *t; t++)
				putc(*t == '`' ? '\'' : *t, f);
			if (j + 1 == x->depth)
				fprintf(f, "   <- %s", x->status);
			putc('\n', f);
		}
		prev = x;
	}
	fprintf(f, "```\n\n</details>\n");
}

void rp_report__print_markdown(struct rp_report *r, FILE *f, const char *path)
{
	const char *keys_host[] = {"hostname", NULL}, *keys_kernel[] = {"kernel.release", NULL};
	const char *host = rp_trace__meta_get(r->trace, keys_host);
	const char *kernel = rp_trace__meta_get(r->trace, keys_kernel);
	struct span sp = trace_span(r);
	struct rp_trace_stats st;
	char dur[32] = "?", dmg[512];
	bool damaged = rp_trace__damage_str(r->trace, dmg, sizeof(dmg));
	const struct etr_end *end = rp_trace__end(r->trace);

	rp_trace__stats(r->trace, &st);
	if (sp.end >= sp.start && sp.start)
		rp_fmt_duration(dur, sizeof(dur), sp.end - sp.start);
	fprintf(f, "## execrec report: ");
	cell(f, path);
	fprintf(f, "\n\n");
	fprintf(f, "- host: %s%s%s\n", host ? host : "?", kernel ? ", Linux " : "",
		kernel ? kernel : "");
	fprintf(f, "- recorded for %s, %s\n", dur,
		!rp_trace__ended_cleanly(r->trace)  ? "**cut short** (no end record)"
		: damaged			    ? "ended, but **damaged**"
		: end && rp_end_reason(end->status) ? rp_end_reason(end->status)
						    : "ended cleanly");
	fprintf(f,
		"- %" PRIu64 " events: exec %" PRIu64 ", failed exec %" PRIu64 ", fork %" PRIu64
		", exit %" PRIu64 "\n",
		st.events, st.by_type[ETR_EV_EXEC], st.by_type[ETR_EV_EXEC_FAIL],
		st.by_type[ETR_EV_FORK], st.by_type[ETR_EV_EXIT]);
	fprintf(f, "- %" PRIu64 " processes started, %" PRIu64 " with a failure\n", r->started,
		r->md_failures);
	table_cmds(f, r);
	table_fails(f, r);
	table_exits(f, r);
	failure_tree(f, r);
}
