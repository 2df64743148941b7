/* SPDX-License-Identifier: MIT */
/* execrec report's output: text, JSON lines and CSV (report.h). */
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/color.h"
#include "common/macros.h"
#include "report_internal.h"

#define ARGV_SHOWN 120 /* bytes of arguments on a report line */

/* The entries, for sorting. */
struct agg **rp_report_agg_list(const struct aggtab *t)
{
	struct agg **l = malloc((t->n + 1) * sizeof(*l));
	size_t n = 0;

	if (!l)
		return NULL;
	for (size_t i = 0; i < t->cap; i++)
		if (t->slot[i])
			l[n++] = t->slot[i];
	return l;
}

/* ---- printing ---------------------------------------------------------- */

int rp_report_cmp_count(const void *a, const void *b)
{
	const struct agg *x = *(struct agg *const *)a, *y = *(struct agg *const *)b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (x->total_ns != y->total_ns)
		return x->total_ns > y->total_ns ? -1 : 1;
	{
		int c = memcmp(x->key, y->key, x->klen < y->klen ? x->klen : y->klen);

		if (c)
			return c;
	}
	return x->klen < y->klen ? -1 : x->klen > y->klen;
}

static int cmp_total(const void *a, const void *b)
{
	const struct agg *x = *(struct agg *const *)a, *y = *(struct agg *const *)b;

	if (x->total_ns != y->total_ns)
		return x->total_ns > y->total_ns ? -1 : 1;
	return rp_report_cmp_count(a, b);
}

static void section(struct rp_report *r, const char *title)
{
	FILE *f = r->f;

	fprintf(f, "\n%s%s%s\n", r->color ? EC_COLOR_BOLD : "", title,
		r->color ? EC_COLOR_RESET : "");
}

static size_t shown(const struct rp_report *r, size_t n)
{
	return r->top && r->top < n ? r->top : n;
}

static void more(const struct rp_report *r, size_t n)
{
	FILE *f = r->f;

	if (r->top && n > r->top)
		fprintf(f, "  ... %zu more\n", n - r->top);
}

/* A name as it is when it reads plainly, shell-quoted when it would not. */
static void put_name(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || *p >= 0x80) {
			rp_fput_shell(f, s, strlen(s));
			return;
		}
	}
	fputs(s, f);
}

static void print_status(char *buf, size_t len, int32_t code, int32_t sig, bool core)
{
	const char *sn = sig ? rp_signal_name(sig) : NULL;

	if (sig && sn)
		snprintf(buf, len, "%s%s", sn, core ? "+core" : "");
	else if (sig)
		snprintf(buf, len, "signal %d%s", sig, core ? "+core" : "");
	else
		snprintf(buf, len, "exit %d", code);
}

static void fmt_local(char *buf, size_t len, uint64_t realtime_ns)
{
	time_t sec = (time_t)(realtime_ns / 1000000000ull);
	struct tm tm;

	localtime_r(&sec, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S %Z", &tm);
}

/* Keys of SPEC.md ("META chunk"). */
static const char *const host_keys[] = {"hostname", NULL};
static const char *const kernel_keys[] = {"kernel.release", NULL};
static const char *const tool_keys[] = {"tool", NULL};
/* The last value of @key (metadata may be written again), or NULL. */
static const struct rp_meta *meta_find(const struct rp_trace *t, const char *key)
{
	for (size_t i = rp_trace__meta_count(t); i-- > 0;)
		if (!strcmp(rp_trace__meta(t, i)->key, key))
			return rp_trace__meta(t, i);
	return NULL;
}

static uint64_t lost_total(const struct rp_report *r)
{
	struct rp_trace_stats st;
	uint64_t counted = rp_trace__lost_counted(r->trace);

	rp_trace__stats(r->trace, &st);
	/* the markers and the counters tell the same losses twice */
	return counted > st.lost_marked ? counted : st.lost_marked;
}

static void print_header(struct rp_report *r, const char *path)
{
	FILE *f = r->f;
	const struct etr_file_info *fi = rp_trace__info(r->trace);
	const char *host = rp_trace__meta_get(r->trace, host_keys);
	const char *kernel = rp_trace__meta_get(r->trace, kernel_keys);
	const char *tool = rp_trace__meta_get(r->trace, tool_keys);
	const struct rp_meta *cmdline = meta_find(r->trace, "cmdline");
	struct span sp = trace_span(r);
	struct rp_trace_stats st;
	char when[64] = "?", dur[32] = "?", dmg[512];
	bool damaged = rp_trace__damage_str(r->trace, dmg, sizeof(dmg));
	uint64_t lost = lost_total(r);
	const struct etr_end *end = rp_trace__end(r->trace);
	const char *red = r->color ? EC_COLOR_RED : "", *rst = r->color ? EC_COLOR_RESET : "";

	rp_trace__stats(r->trace, &st);
	if (fi && fi->created_ns)
		fmt_local(when, sizeof(when), fi->created_ns);
	if (sp.end >= sp.start && sp.start)
		rp_fmt_duration(dur, sizeof(dur), sp.end - sp.start);

	fprintf(f, "%sexecrec report%s: %s\n", r->color ? EC_COLOR_BOLD : "", rst, path);
	fprintf(f, "  host       %s%s%s\n", host ? host : "?", kernel ? ", Linux " : "",
		kernel ? kernel : "");
	fprintf(f, "  recorded   %s, for %s, ", when, dur);
	if (rp_trace__ended_cleanly(r->trace) && !damaged && end && rp_end_reason(end->status))
		fprintf(f, "%s%s%s\n", red, rp_end_reason(end->status), rst);
	else if (rp_trace__ended_cleanly(r->trace) && !damaged)
		fprintf(f, "ended cleanly\n");
	else if (rp_trace__ended_cleanly(r->trace))
		fprintf(f, "%sended, but damaged%s\n", red, rst);
	else
		fprintf(f, "%sCUT SHORT (no end record)%s\n", red, rst);
	if (damaged)
		fprintf(f, "  %sdamage     %s%s\n", red, dmg, rst);
	if (tool)
		fprintf(f, "  tool       %s\n", tool);
	if (cmdline) {
		/* NUL-separated arguments */
		struct etr_str a = {cmdline->value, (uint32_t)cmdline->value_len};

		fprintf(f, "  command    ");
		rp_fput_argv(f, &a, 0);
		putc('\n', f);
	}
	fprintf(f,
		"  events     %" PRIu64 " (exec %" PRIu64 ", failed exec %" PRIu64 ", fork %" PRIu64
		", exit %" PRIu64 ")\n",
		st.events, st.by_type[ETR_EV_EXEC], st.by_type[ETR_EV_EXEC_FAIL],
		st.by_type[ETR_EV_FORK], st.by_type[ETR_EV_EXIT]);
	if (lost)
		fprintf(f,
			"  lost       %s%" PRIu64 " events%s; %" PRIu64
			" processes may miss some (marked in tree and timeline)\n",
			r->color ? EC_COLOR_YELLOW : "", lost, rst, r->lost_procs);
	else
		fprintf(f, "  lost       none\n");
	fprintf(f,
		"  processes  %" PRIu64 " started during the recording, %" PRIu64
		" running before it; %" PRIu64 " running at the end",
		r->started, r->snap_procs, r->running);
	if (r->unknown_end)
		fprintf(f, ", %" PRIu64 " with no exit seen", r->unknown_end);
	putc('\n', f);
	if (rp_filter__active(r->filter))
		fprintf(f, "  filter     only processes matching the filters are counted\n");
}

static void print_argv_short(FILE *f, const struct etr_str *argv)
{
	if (argv->len)
		rp_fput_argv(f, argv, ARGV_SHOWN);
}

static void print_cmd_table(struct rp_report *r, const char *title,
			    int (*cmp)(const void *, const void *))
{
	FILE *f = r->f;
	struct agg **l = rp_report_agg_list(&r->cmds);
	size_t n = r->cmds.n;
	char d[24];

	section(r, title);
	if (!l || !n) {
		fprintf(f, "  (none)\n");
		free(l);
		return;
	}
	qsort(l, n, sizeof(*l), cmp);
	fprintf(f, "  %8s %10s %6s  %s\n", "COUNT", "TOTAL", "FAILED", "COMMAND");
	for (size_t i = 0; i < shown(r, n); i++) {
		/* a run whose end is not known (lost, the trace cut) adds
		 * nothing: "?" when no run's is, "+" when some are missing */
		if (l[i]->unknown >= l[i]->count) {
			snprintf(d, sizeof(d), "?");
		} else {
			rp_fmt_duration(d, sizeof(d) - 1, l[i]->total_ns);
			if (l[i]->unknown)
				strcat(d, "+");
		}
		fprintf(f, "  %8" PRIu64 " %10s %6" PRIu64 "  ", l[i]->count, d, l[i]->failed);
		put_name(f, l[i]->name);
		putc('\n', f);
	}
	more(r, n);
	free(l);
}

static void print_text(struct rp_report *r, const char *path)
{
	FILE *f = r->f;
	struct rp_trace_stats tst;
	struct agg **l;
	size_t n;
	char d[24], st[48];

	print_header(r, path);
	print_cmd_table(r, "Commands by count (TOTAL: each run, exec to exit or next exec)",
			rp_report_cmp_count);
	print_cmd_table(r, "Commands by total wall time (the same runs)", cmp_total);

	section(r, "Failed execs");
	l = rp_report_agg_list(&r->fails);
	n = r->fails.n;
	rp_trace__stats(r->trace, &tst);
	/* execvp's tries of each $PATH directory: counted apart, not listed */
	if (tst.path_misses)
		fprintf(f,
			"  %" PRIu64 " failed exec%s of $PATH searches that then found the program "
			"left out (--path-misses lists them)\n",
			tst.path_misses, tst.path_misses == 1 ? "" : "s");
	if (!l || !n) {
		fprintf(f, "  (none)\n");
	} else {
		qsort(l, n, sizeof(*l), rp_report_cmp_count);
		fprintf(f, "  %8s %-8s %s\n", "COUNT", "ERROR", "FILE (FIRST BY: PID COMM ARGS)");
		for (size_t i = 0; i < shown(r, n); i++) {
			const char *en = rp_errno_name(l[i]->ret);

			fprintf(f, "  %8" PRIu64 " %-8s ", l[i]->count, en ? en : "?");
			put_name(f, l[i]->name);
			fprintf(f, " (%" PRIu32 " ", l[i]->pid);
			put_name(f, l[i]->comm ? l[i]->comm : "?");
			fputs(": ", f);
			print_argv_short(f, &l[i]->argv);
			fputs(")\n", f);
		}
		more(r, n);
	}
	free(l);

	section(r, "Non-zero exits and deaths by signal");
	l = rp_report_agg_list(&r->exits);
	n = r->exits.n;
	if (!l || !n) {
		fprintf(f, "  (none)\n");
	} else {
		qsort(l, n, sizeof(*l), rp_report_cmp_count);
		fprintf(f, "  %8s %-14s %s\n", "COUNT", "STATUS", "COMMAND (FIRST PID: ARGS)");
		for (size_t i = 0; i < shown(r, n); i++) {
			print_status(st, sizeof(st), l[i]->exit_code, l[i]->signal, l[i]->core);
			fprintf(f, "  %8" PRIu64 " %s%-14s%s ", l[i]->count,
				r->color && l[i]->signal ? EC_COLOR_RED : "", st,
				r->color && l[i]->signal ? EC_COLOR_RESET : "");
			put_name(f, l[i]->name);
			fprintf(f, " (%" PRIu32 "%s", l[i]->pid, l[i]->argv.len ? ": " : "");
			print_argv_short(f, &l[i]->argv);
			fprintf(f, ")\n");
		}
		more(r, n);
	}
	free(l);

	section(r, "Longest-running processes (started during the recording, fork to exit)");
	if (!r->longest.n)
		fprintf(f, "  (none)\n");
	else
		fprintf(f, "  %10s %8s  %s\n", "DURATION", "PID", "COMMAND");
	for (size_t i = 0; i < r->longest.n; i++) {
		struct top *t = &r->longest.e[i];

		rp_fmt_duration(d, sizeof(d), t->value);
		fprintf(f, "  %9s%s %8" PRIu32 "  ", d, t->running ? "+" : " ", t->pid);
		if (t->argv.len)
			print_argv_short(f, &t->argv);
		else
			put_name(f, t->name);
		fprintf(f, "%s\n", t->running ? "  (running at the end)" : "");
	}

	section(r, "Busiest parents");
	if (!r->parents.n)
		fprintf(f, "  (none)\n");
	else
		fprintf(f, "  %8s %8s  %s\n", "CHILDREN", "PID", "COMMAND");
	for (size_t i = 0; i < r->parents.n; i++) {
		struct top *t = &r->parents.e[i];

		fprintf(f, "  %8" PRIu64 " %8" PRIu32 "  ", t->value, t->pid);
		if (t->argv.len)
			print_argv_short(f, &t->argv);
		else
			put_name(f, t->name);
		putc('\n', f);
	}

	section(r, "Short-lived processes (under 1 s, fork to exit)");
	l = rp_report_agg_list(&r->shorts);
	n = r->shorts.n;
	if (!l || !n) {
		fprintf(f, "  (none)\n");
	} else {
		qsort(l, n, sizeof(*l), rp_report_cmp_count);
		fprintf(f, "  %" PRIu64 " of %" PRIu64 " processes started during the recording\n",
			r->short_total, r->started);
		fprintf(f, "  %8s %10s %10s  %s\n", "COUNT", "TOTAL", "AVERAGE", "COMMAND");
		for (size_t i = 0; i < shown(r, n); i++) {
			char avg[24];

			rp_fmt_duration(d, sizeof(d), l[i]->total_ns);
			rp_fmt_duration(avg, sizeof(avg), l[i]->total_ns / l[i]->count);
			fprintf(f, "  %8" PRIu64 " %10s %10s  ", l[i]->count, d, avg);
			put_name(f, l[i]->name);
			putc('\n', f);
		}
		more(r, n);
	}
	free(l);
}

/* ---- JSON and CSV ------------------------------------------------------- */

static void json_name(FILE *f, const char *s)
{
	rp_fput_json_str(f, s, strlen(s));
}

static void json_meta(FILE *f, const char *key, const char *v)
{
	fprintf(f, ",\"%s\":", key);
	if (v)
		json_name(f, v);
	else
		fputs("null", f);
}

static void print_json(struct rp_report *r, const char *path)
{
	FILE *f = r->f;
	const struct etr_file_info *fi = rp_trace__info(r->trace);
	struct span sp = trace_span(r);
	struct rp_trace_stats st;
	char dmg[512];
	bool damaged = rp_trace__damage_str(r->trace, dmg, sizeof(dmg));
	struct agg **l;

	rp_trace__stats(r->trace, &st);
	fputs("{\"record\":\"header\",\"file\":", f);
	json_name(f, path);
	json_meta(f, "host", rp_trace__meta_get(r->trace, host_keys));
	json_meta(f, "kernel", rp_trace__meta_get(r->trace, kernel_keys));
	json_meta(f, "tool", rp_trace__meta_get(r->trace, tool_keys));
	fputs(",\"cmdline\":", f);
	{
		const struct rp_meta *cl = meta_find(r->trace, "cmdline");
		struct etr_str a = {cl ? cl->value : "", cl ? (uint32_t)cl->value_len : 0};

		if (cl)
			rp_fput_json_argv(f, &a);
		else
			fputs("null", f);
	}
	fprintf(f,
		",\"created_ns\":%" PRIu64 ",\"start_ns\":%" PRIu64 ",\"end_ns\":%" PRIu64
		",\"duration_ns\":%" PRIu64 ",\"ended_cleanly\":%s",
		fi ? fi->created_ns : 0, sp.start, sp.end,
		sp.end >= sp.start ? sp.end - sp.start : 0,
		rp_trace__ended_cleanly(r->trace) ? "true" : "false");
	/* why it ended, as the text says it: the END record's status */
	if (rp_trace__end(r->trace))
		fprintf(f, ",\"end_status\":\"%s\"",
			rp_end_status_name(rp_trace__end(r->trace)->status));
	else
		fputs(",\"end_status\":null", f);
	json_meta(f, "damage", damaged ? dmg : NULL);
	fprintf(f,
		",\"events\":%" PRIu64 ",\"exec\":%" PRIu64 ",\"exec_fail\":%" PRIu64
		",\"fork\":%" PRIu64 ",\"exit\":%" PRIu64 ",\"lost\":%" PRIu64
		",\"processes\":%" PRIu64 ",\"started\":%" PRIu64 ",\"started_before\":%" PRIu64
		",\"running_at_end\":%" PRIu64 ",\"no_exit_seen\":%" PRIu64
		",\"lost_processes\":%" PRIu64 ",\"path_misses\":%" PRIu64 ",\"filtered\":%s}\n",
		st.events, st.by_type[ETR_EV_EXEC], st.by_type[ETR_EV_EXEC_FAIL],
		st.by_type[ETR_EV_FORK], st.by_type[ETR_EV_EXIT], lost_total(r), r->procs,
		r->started, r->snap_procs, r->running, r->unknown_end, r->lost_procs,
		st.path_misses, rp_filter__active(r->filter) ? "true" : "false");

	l = rp_report_agg_list(&r->cmds);
	if (l) {
		qsort(l, r->cmds.n, sizeof(*l), rp_report_cmp_count);
		for (size_t i = 0; i < shown(r, r->cmds.n); i++) {
			fputs("{\"record\":\"command\",\"name\":", f);
			json_name(f, l[i]->name);
			fprintf(f,
				",\"count\":%" PRIu64 ",\"total_ns\":%" PRIu64
				",\"failed\":%" PRIu64 "}\n",
				l[i]->count, l[i]->total_ns, l[i]->failed);
		}
	}
	free(l);
	l = rp_report_agg_list(&r->fails);
	if (l) {
		qsort(l, r->fails.n, sizeof(*l), rp_report_cmp_count);
		for (size_t i = 0; i < shown(r, r->fails.n); i++) {
			const char *en = rp_errno_name(l[i]->ret);

			fputs("{\"record\":\"failed_exec\",\"filename\":", f);
			json_name(f, l[i]->name);
			fprintf(f, ",\"ret\":%d,\"errno\":", l[i]->ret);
			if (en)
				fprintf(f, "\"%s\"", en);
			else
				fputs("null", f);
			fprintf(f,
				",\"count\":%" PRIu64 ",\"pid\":%" PRIu32 ",\"comm\":", l[i]->count,
				l[i]->pid);
			json_name(f, l[i]->comm ? l[i]->comm : "");
			fputs(",\"argv\":", f);
			rp_fput_json_argv(f, &l[i]->argv);
			fputs("}\n", f);
		}
	}
	free(l);
	l = rp_report_agg_list(&r->exits);
	if (l) {
		qsort(l, r->exits.n, sizeof(*l), rp_report_cmp_count);
		for (size_t i = 0; i < shown(r, r->exits.n); i++) {
			fputs("{\"record\":\"bad_exit\",\"name\":", f);
			json_name(f, l[i]->name);
			if (l[i]->signal)
				fprintf(f, ",\"exit_code\":null,\"signal\":%d", l[i]->signal);
			else
				fprintf(f, ",\"exit_code\":%d,\"signal\":0", l[i]->exit_code);
			fprintf(f,
				",\"core_dumped\":%s,\"count\":%" PRIu64 ",\"pid\":%" PRIu32
				",\"argv\":",
				l[i]->core ? "true" : "false", l[i]->count, l[i]->pid);
			rp_fput_json_argv(f, &l[i]->argv);
			fputs("}\n", f);
		}
	}
	free(l);
	for (int k = 0; k < 2; k++) {
		struct toplist *tl = k ? &r->parents : &r->longest;

		for (size_t i = 0; i < tl->n; i++) {
			struct top *t = &tl->e[i];

			fprintf(f,
				"{\"record\":\"%s\",\"pid\":%" PRIu32 ",\"start_ns\":%" PRIu64
				",\"%s\":%" PRIu64 ",\"running\":%s,\"name\":",
				k ? "parent" : "longest", t->pid, t->start_ns,
				k ? "children" : "duration_ns", t->value,
				t->running ? "true" : "false");
			json_name(f, t->name);
			fputs(",\"argv\":", f);
			rp_fput_json_argv(f, &t->argv);
			fputs("}\n", f);
		}
	}
	l = rp_report_agg_list(&r->shorts);
	if (l) {
		qsort(l, r->shorts.n, sizeof(*l), rp_report_cmp_count);
		for (size_t i = 0; i < shown(r, r->shorts.n); i++) {
			fputs("{\"record\":\"short_lived\",\"name\":", f);
			json_name(f, l[i]->name);
			fprintf(f, ",\"count\":%" PRIu64 ",\"total_ns\":%" PRIu64 "}\n",
				l[i]->count, l[i]->total_ns);
		}
	}
	free(l);
}

static void csv_row(FILE *f, const char *rec, const char *name, uint64_t count, uint64_t total,
		    const struct top *t, const struct agg *a)
{
	char st[48] = "";

	fprintf(f, "%s,", rec);
	if (name)
		rp_fput_csv_str(f, name, strlen(name));
	fprintf(f, ",%" PRIu64 ",", count);
	if (total)
		fprintf(f, "%" PRIu64, total);
	putc(',', f);
	if (t)
		fprintf(f, "%" PRIu32 ",%" PRIu64, t->pid, t->start_ns);
	else if (a && a->pid)
		fprintf(f, "%" PRIu32 ",", a->pid);
	else
		putc(',', f);
	putc(',', f);
	if (a && (a->exit_code || a->signal))
		print_status(st, sizeof(st), a->exit_code, a->signal, a->core);
	else if (a && a->ret)
		snprintf(st, sizeof(st), "%s", rp_errno_name(a->ret) ?: "?");
	fprintf(f, "%s,", st);
	{
		const struct etr_str *argv = t ? &t->argv : a ? &a->argv : NULL;

		if (argv && argv->len)
			rp_fput_csv_argv(f, argv);
	}
	putc('\n', f);
}

static void print_csv(struct rp_report *r)
{
	FILE *f = r->f;
	struct agg **l;
	static const struct {
		const char *rec;
		size_t off;
	} tabs[] = {
	    {"command", offsetof(struct rp_report, cmds)},
	    {"failed_exec", offsetof(struct rp_report, fails)},
	    {"bad_exit", offsetof(struct rp_report, exits)},
	    {"short_lived", offsetof(struct rp_report, shorts)},
	};

	fprintf(f, "record,name,count,total_ns,pid,start_ns,status,argv\n");
	for (size_t k = 0; k < ARRAY_SIZE(tabs); k++) {
		struct aggtab *t = (struct aggtab *)((char *)r + tabs[k].off);

		l = rp_report_agg_list(t);
		if (!l)
			continue;
		qsort(l, t->n, sizeof(*l), rp_report_cmp_count);
		for (size_t i = 0; i < shown(r, t->n); i++)
			csv_row(f, tabs[k].rec, l[i]->name, l[i]->count, l[i]->total_ns, NULL,
				l[i]);
		free(l);
	}
	for (size_t i = 0; i < r->longest.n; i++)
		csv_row(f, "longest", r->longest.e[i].name, 1, r->longest.e[i].value,
			&r->longest.e[i], NULL);
	for (size_t i = 0; i < r->parents.n; i++)
		csv_row(f, "parent", r->parents.e[i].name, r->parents.e[i].value, 0,
			&r->parents.e[i], NULL);
}

void rp_report__print_text(struct rp_report *r, FILE *f, const char *path, bool color)
{
	r->f = f;
	r->color = color;
	print_text(r, path);
}

void rp_report__print_json(struct rp_report *r, FILE *f, const char *path)
{
	r->f = f;
	r->color = false;
	print_json(r, path);
}

void rp_report__print_csv(struct rp_report *r, FILE *f)
{
	r->f = f;
	r->color = false;
	print_csv(r);
}
