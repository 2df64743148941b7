/* SPDX-License-Identifier: MIT */
/*
 * execrec report: what a person asks of a trace first. A header (host,
 * kernel, when and how long, whether the recording ended cleanly, events,
 * losses), then commands by count and by wall time, failed execs, bad exits
 * and deaths by signal, the longest-running processes, the busiest parents
 * and the short-lived processes that top and ps never show.
 *
 * The model runs with release_ended: each process is folded into the tables
 * when it ends and its strings are dropped, so memory follows the processes
 * alive at once plus what is printed, not the length of the trace.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "commands.h"
#include "replay.h"

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_RED "\033[31m"
#define C_YELLOW "\033[33m"

#define SHORT_NS 1000000000ull /* "short-lived": under a second */
#define ARGV_SHOWN 120	       /* bytes of arguments on a report line */

static void usage(FILE *f)
{
	fputs("Usage: execrec report [OPTIONS] FILE\n"
	      "\n"
	      "A summary of the trace: where and when it was recorded and whether the\n"
	      "recording ended cleanly; then commands by count and by total wall time,\n"
	      "failed execs, non-zero exits and deaths by signal, the longest-running\n"
	      "processes, the busiest parents, and the short-lived processes (under 1 s).\n"
	      "Processes already running when the recording started (the snapshot) are\n"
	      "counted in the header and as parents, not as commands run.\n"
	      "\n"
	      "  -n, --top N             lines per section (default 10, 0 = all)\n"
	      "      --stats             figures for benchmarks on stderr\n"
	      "  -h, --help              this help\n"
	      "\n",
	      f);
	rp_cli__filter_help(f);
	fputc('\n', f);
	rp_cli__output_help(f, true);
}

/* ---- a table of aggregates keyed by bytes ----------------------------- */

struct agg {
	char *key;
	size_t klen;
	const char *name; /* shown name: key up to its first NUL */
	uint64_t count;
	uint64_t total_ns;
	uint64_t short_count, short_ns;
	uint64_t failed; /* processes of it with a bad end */
	int32_t ret, exit_code, signal;
	bool core;
	uint32_t pid;	     /* an example */
	char *comm;	     /* an example */
	struct etr_str argv; /* an example, owned */
};

struct aggtab {
	struct agg **slot;
	size_t cap, n;
};

static uint64_t hash_bytes(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static char *memdup0(const char *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

static struct agg *agg_get(struct aggtab *t, const char *key, size_t klen, bool *created)
{
	size_t i;

	*created = false;
	if ((t->n + 1) * 2 > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct agg **s = calloc(cap, sizeof(*s));

		if (!s)
			return NULL;
		for (size_t k = 0; k < t->cap; k++) {
			if (!t->slot[k])
				continue;
			i = hash_bytes(t->slot[k]->key, t->slot[k]->klen) & (cap - 1);
			while (s[i])
				i = (i + 1) & (cap - 1);
			s[i] = t->slot[k];
		}
		free(t->slot);
		t->slot = s;
		t->cap = cap;
	}
	i = hash_bytes(key, klen) & (t->cap - 1);
	while (t->slot[i]) {
		if (t->slot[i]->klen == klen && !memcmp(t->slot[i]->key, key, klen))
			return t->slot[i];
		i = (i + 1) & (t->cap - 1);
	}
	t->slot[i] = calloc(1, sizeof(struct agg));
	if (!t->slot[i] || !(t->slot[i]->key = memdup0(key, klen))) {
		free(t->slot[i]);
		t->slot[i] = NULL;
		return NULL;
	}
	t->slot[i]->klen = klen;
	t->slot[i]->name = t->slot[i]->key;
	t->n++;
	*created = true;
	return t->slot[i];
}

static void agg_free(struct aggtab *t)
{
	for (size_t i = 0; i < t->cap; i++) {
		if (t->slot[i]) {
			free(t->slot[i]->key);
			free(t->slot[i]->comm);
			free((char *)t->slot[i]->argv.ptr);
			free(t->slot[i]);
		}
	}
	free(t->slot);
}

/* The entries, for sorting. */
static struct agg **agg_list(const struct aggtab *t)
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

static int set_example(struct agg *a, uint32_t pid, const char *comm, const struct etr_str *argv)
{
	a->pid = pid;
	a->comm = comm ? strdup(comm) : NULL;
	if (argv && argv->len) {
		a->argv.ptr = memdup0(argv->ptr, argv->len);
		if (!a->argv.ptr)
			return -ENOMEM;
		a->argv.len = argv->len;
	}
	return 0;
}

/* ---- top N by a number ------------------------------------------------ */

struct top {
	uint64_t value;
	uint32_t pid;
	uint64_t start_ns;
	bool running;
	char *name;
	struct etr_str argv; /* owned */
};

struct toplist {
	struct top *e;
	size_t n, cap; /* cap 0 = keep all */
};

static void top_free(struct toplist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->e[i].name);
		free((char *)l->e[i].argv.ptr);
	}
	free(l->e);
}

/* Ties go to the earlier process (by start), so the output is stable. */
static bool top_before(uint64_t v, uint64_t start, const struct top *b)
{
	return v > b->value || (v == b->value && start < b->start_ns);
}

static int top_add(struct toplist *l, size_t limit, uint64_t v, uint32_t pid, uint64_t start,
		   bool running, const struct etr_str *name, const struct etr_str *argv)
{
	size_t i;
	struct top *t;

	if (limit && l->n == limit && !top_before(v, start, &l->e[l->n - 1]))
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct top *e = realloc(l->e, cap * sizeof(*e));

		if (!e)
			return -ENOMEM;
		l->e = e;
		l->cap = cap;
	}
	if (limit && l->n == limit) {
		l->n--;
		free(l->e[l->n].name);
		free((char *)l->e[l->n].argv.ptr);
	}
	for (i = l->n; i > 0 && top_before(v, start, &l->e[i - 1]); i--)
		l->e[i] = l->e[i - 1];
	t = &l->e[i];
	l->n++;
	memset(t, 0, sizeof(*t));
	t->value = v;
	t->pid = pid;
	t->start_ns = start;
	t->running = running;
	t->name = memdup0(name->ptr, name->len);
	if (argv && argv->len) {
		t->argv.ptr = memdup0(argv->ptr, argv->len);
		t->argv.len = argv->len;
	}
	return t->name ? 0 : -ENOMEM;
}

/* ---- the report -------------------------------------------------------- */

struct report {
	struct rp_cli cli;
	struct rp_trace *trace;
	struct rp_model *model;
	size_t top;
	bool color;
	int err;

	struct aggtab cmds;   /* by program name */
	struct aggtab fails;  /* by filename and errno */
	struct aggtab exits;  /* by program name and status */
	struct aggtab shorts; /* by program name */
	struct toplist longest, parents;

	uint64_t procs, snap_procs, running, unknown_end, lost_procs, matched;
	uint64_t started, short_total;
};

static struct etr_str cstr(const char *s)
{
	return (struct etr_str){s, (uint32_t)strlen(s)};
}

/* The name a process goes by in the tables: its program's file name, or
 * "comm (fork)" for a process that never exec'd. */
static struct etr_str label(const struct rp_model *m, const struct rp_proc *p, char *buf,
			    size_t len)
{
	const struct rp_exec *x = rp_model__last_exec(m, p);

	if (x && x->filename.len)
		return rp_basename(x->filename);
	if (!(p->flags & RP_PF_FORKED))
		return cstr(p->comm[0] ? p->comm : "?");
	snprintf(buf, len, "%s (fork)", p->comm[0] ? p->comm : "?");
	return cstr(buf);
}

static void fold_commands(struct report *r, const struct rp_proc *p)
{
	const struct rp_model *m = r->model;
	uint64_t end = 0;
	bool end_known = true, created;
	bool bad = (p->flags & RP_PF_EXITED) && (p->exit_code || p->signal);
	const struct rp_exec *prev = NULL;
	char buf[64];

	if (p->flags & RP_PF_EXITED)
		end = p->end_ns;
	else if (p->flags & RP_PF_RUNNING)
		end = rp_model__end_ns(m);
	else
		end_known = false;

	/* one segment per program: from its exec to the next exec or the end */
	for (uint32_t i = p->exec_first;;) {
		const struct rp_exec *x = i == RP_NONE ? NULL : rp_model__exec(m, i);

		if (x && x->ret) {
			i = x->next;
			continue;
		}
		if (prev && !(prev->flags & RP_XF_SNAPSHOT)) {
			struct etr_str n = rp_basename(prev->filename);
			uint64_t seg_end = x ? x->ts_ns : end;
			struct agg *a = agg_get(&r->cmds, n.ptr, n.len, &created);

			if (!a) {
				r->err = -ENOMEM;
				return;
			}
			if (created && set_example(a, p->pid, NULL, &prev->argv))
				r->err = -ENOMEM;
			a->count++;
			if ((x || end_known) && seg_end >= prev->ts_ns)
				a->total_ns += seg_end - prev->ts_ns;
			if (!x && bad)
				a->failed++;
		}
		if (!x)
			break;
		prev = x;
		i = x->next;
	}
	if (!prev && (p->flags & RP_PF_FORKED)) {
		/* forked, never exec'd: a subshell, a worker */
		struct etr_str n = label(m, p, buf, sizeof(buf));
		struct agg *a = agg_get(&r->cmds, n.ptr, n.len, &created);

		if (!a) {
			r->err = -ENOMEM;
			return;
		}
		if (created)
			a->pid = p->pid;
		a->count++;
		if (end_known && p->start_ns && end >= p->start_ns)
			a->total_ns += end - p->start_ns;
		if (bad)
			a->failed++;
	}
}

static void fold_fails(struct report *r, const struct rp_proc *p)
{
	for (uint32_t i = p->exec_first; i != RP_NONE;) {
		const struct rp_exec *x = rp_model__exec(r->model, i);
		char key[4200];
		size_t kl;
		bool created;
		struct agg *a;

		i = x->next;
		if (!x->ret)
			continue;
		kl = x->filename.len < 4096 ? x->filename.len : 4096;
		memcpy(key, x->filename.ptr, kl);
		kl += (size_t)snprintf(key + kl, sizeof(key) - kl, "%c%d", 0, x->ret);
		a = agg_get(&r->fails, key, kl, &created);
		if (!a) {
			r->err = -ENOMEM;
			return;
		}
		if (created) {
			a->ret = x->ret;
			if (set_example(a, p->pid, x->comm, &x->argv))
				r->err = -ENOMEM;
		}
		a->count++;
	}
}

static void fold_exit(struct report *r, const struct rp_proc *p)
{
	char key[256], buf[64];
	struct etr_str n;
	const struct rp_exec *x;
	struct agg *a;
	bool created;
	size_t kl;

	if (!(p->flags & RP_PF_EXITED) || (!p->exit_code && !p->signal))
		return;
	n = label(r->model, p, buf, sizeof(buf));
	kl = n.len < 200 ? n.len : 200;
	memcpy(key, n.ptr, kl);
	kl += (size_t)snprintf(key + kl, sizeof(key) - kl, "%c%d/%d/%d", 0, p->exit_code, p->signal,
			       !!(p->flags & RP_PF_CORE));
	a = agg_get(&r->exits, key, kl, &created);
	if (!a) {
		r->err = -ENOMEM;
		return;
	}
	if (created) {
		x = rp_model__last_exec(r->model, p);
		a->exit_code = p->exit_code;
		a->signal = p->signal;
		a->core = p->flags & RP_PF_CORE;
		if (set_example(a, p->pid, NULL, x ? &x->argv : NULL))
			r->err = -ENOMEM;
	}
	a->count++;
}

static void on_end(void *ctx, struct rp_model *m, struct rp_proc *p)
{
	struct report *r = ctx;
	const struct rp_exec *x;
	struct etr_str n;
	char buf[64];
	uint64_t dur;
	bool known, before;

	if (r->err || (p->flags & RP_PF_PLACEHOLDER))
		return;
	if (r->cli.filter && !rp_filter__match_proc(r->cli.filter, m, p))
		return;
	r->procs++;
	/* running before the recording: from the snapshot, or seen only later */
	before = (p->flags & RP_PF_SNAPSHOT) ||
		 (p->start_ns && p->start_ns < rp_trace__first_ns(r->trace));
	if (before)
		r->snap_procs++;
	if (p->flags & RP_PF_RUNNING)
		r->running++;
	else if (!(p->flags & RP_PF_EXITED))
		r->unknown_end++;
	if (p->flags & RP_PF_LOST)
		r->lost_procs++;

	/* a process running before still counts the programs it ran since */
	fold_commands(r, p);
	fold_fails(r, p);
	fold_exit(r, p);

	x = rp_model__last_exec(m, p);
	n = label(m, p, buf, sizeof(buf));
	known = rp_model__duration(m, p, &dur);

	/* parents: everyone who spawned, snapshot processes too */
	if (p->nchildren && top_add(&r->parents, r->top, p->nchildren, p->pid, p->start_ns,
				    p->flags & RP_PF_RUNNING, &n, x ? &x->argv : NULL))
		r->err = -ENOMEM;
	if (before)
		return; /* not started during the recording */
	r->started++;
	if (known && top_add(&r->longest, r->top, dur, p->pid, p->start_ns,
			     p->flags & RP_PF_RUNNING, &n, x ? &x->argv : NULL))
		r->err = -ENOMEM;
	if (known && (p->flags & RP_PF_EXITED) && dur < SHORT_NS) {
		bool created;
		struct agg *a = agg_get(&r->shorts, n.ptr, n.len, &created);

		if (!a) {
			r->err = -ENOMEM;
			return;
		}
		if (created && set_example(a, p->pid, NULL, x ? &x->argv : NULL))
			r->err = -ENOMEM;
		a->count++;
		a->total_ns += dur;
		r->short_total++;
	}
}

/* ---- printing ---------------------------------------------------------- */

static int cmp_count(const void *a, const void *b)
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
	return cmp_count(a, b);
}

static void section(struct report *r, const char *title)
{
	printf("\n%s%s%s\n", r->color ? C_BOLD : "", title, r->color ? C_RESET : "");
}

static size_t shown(const struct report *r, size_t n)
{
	return r->top && r->top < n ? r->top : n;
}

static void more(const struct report *r, size_t n)
{
	if (r->top && n > r->top)
		printf("  ... %zu more\n", n - r->top);
}

/* A name as it is when it reads plainly, shell-quoted when it would not. */
static void put_name(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || *p >= 0x80) {
			rp_fput_shell(stdout, s, strlen(s));
			return;
		}
	}
	fputs(s, stdout);
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

struct span {
	uint64_t start, end;
};

static struct span trace_span(const struct report *r)
{
	struct span s = {rp_trace__first_ns(r->trace), rp_trace__last_ns(r->trace)};
	const struct etr_end *e = rp_trace__end(r->trace);

	if (e && e->ts_ns > s.end)
		s.end = e->ts_ns;
	return s;
}

static uint64_t lost_total(const struct report *r)
{
	struct rp_trace_stats st;
	uint64_t counted = rp_trace__lost_counted(r->trace);

	rp_trace__stats(r->trace, &st);
	/* the markers and the counters tell the same losses twice */
	return counted > st.lost_marked ? counted : st.lost_marked;
}

static void print_header(struct report *r, const char *path)
{
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
	const char *red = r->color ? C_RED : "", *rst = r->color ? C_RESET : "";

	rp_trace__stats(r->trace, &st);
	if (fi && fi->created_ns)
		fmt_local(when, sizeof(when), fi->created_ns);
	if (sp.end >= sp.start && sp.start)
		rp_fmt_duration(dur, sizeof(dur), sp.end - sp.start);

	printf("%sexecrec report%s: %s\n", r->color ? C_BOLD : "", rst, path);
	printf("  host       %s%s%s\n", host ? host : "?", kernel ? ", Linux " : "",
	       kernel ? kernel : "");
	printf("  recorded   %s, for %s, ", when, dur);
	if (rp_trace__ended_cleanly(r->trace) && !damaged)
		printf("ended cleanly\n");
	else if (rp_trace__ended_cleanly(r->trace))
		printf("%sended, but damaged%s\n", red, rst);
	else
		printf("%sCUT SHORT (no end record)%s\n", red, rst);
	if (damaged)
		printf("  %sdamage     %s%s\n", red, dmg, rst);
	if (tool)
		printf("  tool       %s\n", tool);
	if (cmdline) {
		/* NUL-separated arguments */
		struct etr_str a = {cmdline->value, (uint32_t)cmdline->value_len};

		printf("  command    ");
		rp_fput_argv(stdout, &a, 0);
		putchar('\n');
	}
	printf("  events     %" PRIu64 " (exec %" PRIu64 ", failed exec %" PRIu64 ", fork %" PRIu64
	       ", exit %" PRIu64 ")\n",
	       st.events, st.by_type[ETR_EV_EXEC], st.by_type[ETR_EV_EXEC_FAIL],
	       st.by_type[ETR_EV_FORK], st.by_type[ETR_EV_EXIT]);
	if (lost)
		printf("  lost       %s%" PRIu64 " events%s; %" PRIu64
		       " processes may miss some (marked in tree and timeline)\n",
		       r->color ? C_YELLOW : "", lost, rst, r->lost_procs);
	else
		printf("  lost       none\n");
	printf("  processes  %" PRIu64 " started during the recording, %" PRIu64
	       " running before it; %" PRIu64 " running at the end",
	       r->started, r->snap_procs, r->running);
	if (r->unknown_end)
		printf(", %" PRIu64 " with no exit seen", r->unknown_end);
	putchar('\n');
	if (rp_filter__active(r->cli.filter))
		printf("  filter     only processes matching the filters are counted\n");
}

static void print_argv_short(const struct etr_str *argv)
{
	if (argv->len)
		rp_fput_argv(stdout, argv, ARGV_SHOWN);
}

static void print_cmd_table(struct report *r, const char *title,
			    int (*cmp)(const void *, const void *))
{
	struct agg **l = agg_list(&r->cmds);
	size_t n = r->cmds.n;
	char d[24];

	section(r, title);
	if (!l || !n) {
		printf("  (none)\n");
		free(l);
		return;
	}
	qsort(l, n, sizeof(*l), cmp);
	printf("  %8s %10s %6s  %s\n", "COUNT", "TOTAL", "FAILED", "COMMAND");
	for (size_t i = 0; i < shown(r, n); i++) {
		rp_fmt_duration(d, sizeof(d), l[i]->total_ns);
		printf("  %8" PRIu64 " %10s %6" PRIu64 "  ", l[i]->count, d, l[i]->failed);
		put_name(l[i]->name);
		putchar('\n');
	}
	more(r, n);
	free(l);
}

static void print_text(struct report *r, const char *path)
{
	struct agg **l;
	size_t n;
	char d[24], st[48];

	print_header(r, path);
	print_cmd_table(r, "Commands by count", cmp_count);
	print_cmd_table(r, "Commands by total wall time", cmp_total);

	section(r, "Failed execs");
	l = agg_list(&r->fails);
	n = r->fails.n;
	if (!l || !n) {
		printf("  (none)\n");
	} else {
		qsort(l, n, sizeof(*l), cmp_count);
		printf("  %8s %-8s %s\n", "COUNT", "ERROR", "FILE (FIRST BY: PID COMM ARGS)");
		for (size_t i = 0; i < shown(r, n); i++) {
			const char *en = rp_errno_name(l[i]->ret);

			printf("  %8" PRIu64 " %-8s ", l[i]->count, en ? en : "?");
			put_name(l[i]->name);
			printf(" (%" PRIu32 " ", l[i]->pid);
			put_name(l[i]->comm ? l[i]->comm : "?");
			fputs(": ", stdout);
			print_argv_short(&l[i]->argv);
			fputs(")\n", stdout);
		}
		more(r, n);
	}
	free(l);

	section(r, "Non-zero exits and deaths by signal");
	l = agg_list(&r->exits);
	n = r->exits.n;
	if (!l || !n) {
		printf("  (none)\n");
	} else {
		qsort(l, n, sizeof(*l), cmp_count);
		printf("  %8s %-14s %s\n", "COUNT", "STATUS", "COMMAND (FIRST PID: ARGS)");
		for (size_t i = 0; i < shown(r, n); i++) {
			print_status(st, sizeof(st), l[i]->exit_code, l[i]->signal, l[i]->core);
			printf("  %8" PRIu64 " %s%-14s%s ", l[i]->count,
			       r->color && l[i]->signal ? C_RED : "", st,
			       r->color && l[i]->signal ? C_RESET : "");
			put_name(l[i]->name);
			printf(" (%" PRIu32 "%s", l[i]->pid, l[i]->argv.len ? ": " : "");
			print_argv_short(&l[i]->argv);
			printf(")\n");
		}
		more(r, n);
	}
	free(l);

	section(r, "Longest-running processes");
	if (!r->longest.n)
		printf("  (none)\n");
	else
		printf("  %10s %8s  %s\n", "DURATION", "PID", "COMMAND");
	for (size_t i = 0; i < r->longest.n; i++) {
		struct top *t = &r->longest.e[i];

		rp_fmt_duration(d, sizeof(d), t->value);
		printf("  %9s%s %8" PRIu32 "  ", d, t->running ? "+" : " ", t->pid);
		if (t->argv.len)
			print_argv_short(&t->argv);
		else
			put_name(t->name);
		printf("%s\n", t->running ? "  (running at the end)" : "");
	}

	section(r, "Busiest parents");
	if (!r->parents.n)
		printf("  (none)\n");
	else
		printf("  %8s %8s  %s\n", "CHILDREN", "PID", "COMMAND");
	for (size_t i = 0; i < r->parents.n; i++) {
		struct top *t = &r->parents.e[i];

		printf("  %8" PRIu64 " %8" PRIu32 "  ", t->value, t->pid);
		if (t->argv.len)
			print_argv_short(&t->argv);
		else
			put_name(t->name);
		putchar('\n');
	}

	section(r, "Short-lived processes (under 1 s)");
	l = agg_list(&r->shorts);
	n = r->shorts.n;
	if (!l || !n) {
		printf("  (none)\n");
	} else {
		qsort(l, n, sizeof(*l), cmp_count);
		printf("  %" PRIu64 " of %" PRIu64 " processes started during the recording\n",
		       r->short_total, r->started);
		printf("  %8s %10s %10s  %s\n", "COUNT", "TOTAL", "AVERAGE", "COMMAND");
		for (size_t i = 0; i < shown(r, n); i++) {
			char avg[24];

			rp_fmt_duration(d, sizeof(d), l[i]->total_ns);
			rp_fmt_duration(avg, sizeof(avg), l[i]->total_ns / l[i]->count);
			printf("  %8" PRIu64 " %10s %10s  ", l[i]->count, d, avg);
			put_name(l[i]->name);
			putchar('\n');
		}
		more(r, n);
	}
	free(l);
}

/* ---- JSON and CSV ------------------------------------------------------- */

static void json_name(const char *s)
{
	rp_fput_json_str(stdout, s, strlen(s));
}

static void json_meta(const char *key, const char *v)
{
	printf(",\"%s\":", key);
	if (v)
		json_name(v);
	else
		fputs("null", stdout);
}

static void print_json(struct report *r, const char *path)
{
	const struct etr_file_info *fi = rp_trace__info(r->trace);
	struct span sp = trace_span(r);
	struct rp_trace_stats st;
	char dmg[512];
	bool damaged = rp_trace__damage_str(r->trace, dmg, sizeof(dmg));
	struct agg **l;

	rp_trace__stats(r->trace, &st);
	fputs("{\"record\":\"header\",\"file\":", stdout);
	json_name(path);
	json_meta("host", rp_trace__meta_get(r->trace, host_keys));
	json_meta("kernel", rp_trace__meta_get(r->trace, kernel_keys));
	json_meta("tool", rp_trace__meta_get(r->trace, tool_keys));
	fputs(",\"cmdline\":", stdout);
	{
		const struct rp_meta *cl = meta_find(r->trace, "cmdline");
		struct etr_str a = {cl ? cl->value : "", cl ? (uint32_t)cl->value_len : 0};

		if (cl)
			rp_fput_json_argv(stdout, &a);
		else
			fputs("null", stdout);
	}
	printf(",\"created_ns\":%" PRIu64 ",\"start_ns\":%" PRIu64 ",\"end_ns\":%" PRIu64
	       ",\"duration_ns\":%" PRIu64 ",\"ended_cleanly\":%s",
	       fi ? fi->created_ns : 0, sp.start, sp.end,
	       sp.end >= sp.start ? sp.end - sp.start : 0,
	       rp_trace__ended_cleanly(r->trace) ? "true" : "false");
	json_meta("damage", damaged ? dmg : NULL);
	printf(",\"events\":%" PRIu64 ",\"exec\":%" PRIu64 ",\"exec_fail\":%" PRIu64
	       ",\"fork\":%" PRIu64 ",\"exit\":%" PRIu64 ",\"lost\":%" PRIu64
	       ",\"processes\":%" PRIu64 ",\"started\":%" PRIu64 ",\"started_before\":%" PRIu64
	       ",\"running_at_end\":%" PRIu64 ",\"no_exit_seen\":%" PRIu64
	       ",\"lost_processes\":%" PRIu64 ",\"filtered\":%s}\n",
	       st.events, st.by_type[ETR_EV_EXEC], st.by_type[ETR_EV_EXEC_FAIL],
	       st.by_type[ETR_EV_FORK], st.by_type[ETR_EV_EXIT], lost_total(r), r->procs,
	       r->started, r->snap_procs, r->running, r->unknown_end, r->lost_procs,
	       rp_filter__active(r->cli.filter) ? "true" : "false");

	l = agg_list(&r->cmds);
	if (l) {
		qsort(l, r->cmds.n, sizeof(*l), cmp_count);
		for (size_t i = 0; i < shown(r, r->cmds.n); i++) {
			fputs("{\"record\":\"command\",\"name\":", stdout);
			json_name(l[i]->name);
			printf(",\"count\":%" PRIu64 ",\"total_ns\":%" PRIu64 ",\"failed\":%" PRIu64
			       "}\n",
			       l[i]->count, l[i]->total_ns, l[i]->failed);
		}
	}
	free(l);
	l = agg_list(&r->fails);
	if (l) {
		qsort(l, r->fails.n, sizeof(*l), cmp_count);
		for (size_t i = 0; i < shown(r, r->fails.n); i++) {
			const char *en = rp_errno_name(l[i]->ret);

			fputs("{\"record\":\"failed_exec\",\"filename\":", stdout);
			json_name(l[i]->name);
			printf(",\"ret\":%d,\"errno\":", l[i]->ret);
			if (en)
				printf("\"%s\"", en);
			else
				fputs("null", stdout);
			printf(",\"count\":%" PRIu64 ",\"pid\":%" PRIu32 ",\"comm\":", l[i]->count,
			       l[i]->pid);
			json_name(l[i]->comm ? l[i]->comm : "");
			fputs(",\"argv\":", stdout);
			rp_fput_json_argv(stdout, &l[i]->argv);
			fputs("}\n", stdout);
		}
	}
	free(l);
	l = agg_list(&r->exits);
	if (l) {
		qsort(l, r->exits.n, sizeof(*l), cmp_count);
		for (size_t i = 0; i < shown(r, r->exits.n); i++) {
			fputs("{\"record\":\"bad_exit\",\"name\":", stdout);
			json_name(l[i]->name);
			if (l[i]->signal)
				printf(",\"exit_code\":null,\"signal\":%d", l[i]->signal);
			else
				printf(",\"exit_code\":%d,\"signal\":0", l[i]->exit_code);
			printf(",\"core_dumped\":%s,\"count\":%" PRIu64 ",\"pid\":%" PRIu32
			       ",\"argv\":",
			       l[i]->core ? "true" : "false", l[i]->count, l[i]->pid);
			rp_fput_json_argv(stdout, &l[i]->argv);
			fputs("}\n", stdout);
		}
	}
	free(l);
	for (int k = 0; k < 2; k++) {
		struct toplist *tl = k ? &r->parents : &r->longest;

		for (size_t i = 0; i < tl->n; i++) {
			struct top *t = &tl->e[i];

			printf("{\"record\":\"%s\",\"pid\":%" PRIu32 ",\"start_ns\":%" PRIu64
			       ",\"%s\":%" PRIu64 ",\"running\":%s,\"name\":",
			       k ? "parent" : "longest", t->pid, t->start_ns,
			       k ? "children" : "duration_ns", t->value,
			       t->running ? "true" : "false");
			json_name(t->name);
			fputs(",\"argv\":", stdout);
			rp_fput_json_argv(stdout, &t->argv);
			fputs("}\n", stdout);
		}
	}
	l = agg_list(&r->shorts);
	if (l) {
		qsort(l, r->shorts.n, sizeof(*l), cmp_count);
		for (size_t i = 0; i < shown(r, r->shorts.n); i++) {
			fputs("{\"record\":\"short_lived\",\"name\":", stdout);
			json_name(l[i]->name);
			printf(",\"count\":%" PRIu64 ",\"total_ns\":%" PRIu64 "}\n", l[i]->count,
			       l[i]->total_ns);
		}
	}
	free(l);
}

static void csv_row(const char *rec, const char *name, uint64_t count, uint64_t total,
		    const struct top *t, const struct agg *a)
{
	char st[48] = "";

	printf("%s,", rec);
	if (name)
		rp_fput_csv_str(stdout, name, strlen(name));
	printf(",%" PRIu64 ",", count);
	if (total)
		printf("%" PRIu64, total);
	putchar(',');
	if (t)
		printf("%" PRIu32 ",%" PRIu64, t->pid, t->start_ns);
	else if (a && a->pid)
		printf("%" PRIu32 ",", a->pid);
	else
		putchar(',');
	putchar(',');
	if (a && (a->exit_code || a->signal))
		print_status(st, sizeof(st), a->exit_code, a->signal, a->core);
	else if (a && a->ret)
		snprintf(st, sizeof(st), "%s", rp_errno_name(a->ret) ?: "?");
	printf("%s,", st);
	{
		const struct etr_str *argv = t ? &t->argv : a ? &a->argv : NULL;

		if (argv && argv->len) {
			char *buf = NULL;
			size_t len = 0;
			FILE *m = open_memstream(&buf, &len);

			if (m) {
				rp_fput_json_argv(m, argv);
				fclose(m);
				putchar('"');
				for (size_t i = 0; i < len; i++) {
					if (buf[i] == '"')
						putchar('"');
					putchar(buf[i]);
				}
				putchar('"');
				free(buf);
			}
		}
	}
	putchar('\n');
}

static void print_csv(struct report *r)
{
	struct agg **l;
	static const struct {
		const char *rec;
		size_t off;
	} tabs[] = {
	    {"command", offsetof(struct report, cmds)},
	    {"failed_exec", offsetof(struct report, fails)},
	    {"bad_exit", offsetof(struct report, exits)},
	    {"short_lived", offsetof(struct report, shorts)},
	};

	printf("record,name,count,total_ns,pid,start_ns,status,argv\n");
	for (size_t k = 0; k < sizeof(tabs) / sizeof(tabs[0]); k++) {
		struct aggtab *t = (struct aggtab *)((char *)r + tabs[k].off);

		l = agg_list(t);
		if (!l)
			continue;
		qsort(l, t->n, sizeof(*l), cmp_count);
		for (size_t i = 0; i < shown(r, t->n); i++)
			csv_row(tabs[k].rec, l[i]->name, l[i]->count, l[i]->total_ns, NULL, l[i]);
		free(l);
	}
	for (size_t i = 0; i < r->longest.n; i++)
		csv_row("longest", r->longest.e[i].name, 1, r->longest.e[i].value, &r->longest.e[i],
			NULL);
	for (size_t i = 0; i < r->parents.n; i++)
		csv_row("parent", r->parents.e[i].name, r->parents.e[i].value, 0, &r->parents.e[i],
			NULL);
}

int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
	    RP_CLI_FILTER_OPTIONS,
	    RP_CLI_OUTPUT_OPTIONS,
	    {"top", required_argument, NULL, 'n'},
	    {"stats", no_argument, NULL, 'S'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct rp_trace_opts topts = {.sz = sizeof(topts)};
	struct rp_model_opts mopts = {.sz = sizeof(mopts), .on_end = on_end, .forget_ended = true};
	struct report r = {.top = 10};
	const struct etr_event *ev;
	int opt, ret = 0;
	char err[512], *end;
	const char *path;
	uint64_t last;
	bool stats = false;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "hn:", longopts, NULL)) != -1) {
		int rr;

		switch (opt) {
		case 'h':
			usage(stdout);
			return 0;
		case 'n':
			r.top = strtoul(optarg, &end, 10);
			if (*end || end == optarg) {
				fprintf(stderr, "execrec report: --top: '%s' is not a count\n",
					optarg);
				return 2;
			}
			continue;
		case 'S':
			stats = true;
			continue;
		case '?':
			fprintf(stderr,
				"execrec report: bad option '%s' (see 'execrec report --help')\n",
				argv[optind - 1]);
			return 2;
		}
		rr = rp_cli__option(&r.cli, opt, optarg, err, sizeof(err));
		if (rr < 0) {
			fprintf(stderr, "execrec report: %s\n",
				rr == -EINVAL ? err : strerror(-rr));
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "execrec report: %s\nUsage: execrec report [OPTIONS] FILE\n",
			optind == argc ? "no trace file given" : "one trace file at a time");
		rp_filter__free(r.cli.filter);
		return 2;
	}
	path = argv[optind];
	topts.reorder_ns = r.cli.reorder_ns;
	r.trace = rp_trace__open(path, &topts);
	if (!r.trace) {
		rp_open_error_str(err, sizeof(err), path, errno);
		fprintf(stderr, "execrec report: %s\n", err);
		rp_filter__free(r.cli.filter);
		return 1;
	}
	mopts.ctx = &r;
	r.model = rp_model__new(&mopts);
	if (!r.model) {
		ret = -ENOMEM;
		goto out;
	}
	while ((ret = rp_trace__next_event(r.trace, &ev)) > 0) {
		if (!r.cli.filter_bound && ev->type != RP_EV_PROC) {
			r.cli.filter_bound = true;
			if (rp_filter__bind(r.cli.filter, r.trace, err, sizeof(err))) {
				fprintf(stderr, "execrec report: %s\n", err);
				ret = -EINVAL;
				goto out;
			}
		}
		ret = rp_model__add(r.model, ev);
		if (ret || r.err)
			break;
	}
	if (ret < 0 || r.err)
		goto out;
	if (!r.cli.filter_bound && rp_filter__bind(r.cli.filter, r.trace, err, sizeof(err))) {
		fprintf(stderr, "execrec report: %s\n", err);
		ret = -EINVAL;
		goto out;
	}
	last = trace_span(&r).end;
	rp_model__finish(r.model, last);
	if (r.err)
		goto out;

	r.color = r.cli.format == RP_FMT_TEXT && rp_want_color(1, r.cli.color_mode);
	if (r.cli.format == RP_FMT_JSON)
		print_json(&r, path);
	else if (r.cli.format == RP_FMT_CSV)
		print_csv(&r);
	else
		print_text(&r, path);
	if (fflush(stdout) && errno != EPIPE)
		fprintf(stderr, "execrec report: writing output: %s\n", strerror(errno));
	if (stats)
		rp_cli__print_stats(stderr, "report", r.trace, r.model, r.procs);

out:
	if (!ret && r.err)
		ret = r.err;
	if (ret < 0 && ret != -EINVAL)
		fprintf(stderr, "execrec report: %s: %s\n", path, strerror(-ret));
	else if (!ret && rp_trace__damage_str(r.trace, err, sizeof(err)))
		fprintf(stderr, "execrec report: warning: %s: %s\n", path, err);
	rp_model__free(r.model);
	rp_trace__free(r.trace);
	rp_filter__free(r.cli.filter);
	agg_free(&r.cmds);
	agg_free(&r.fails);
	agg_free(&r.exits);
	agg_free(&r.shorts);
	top_free(&r.longest);
	top_free(&r.parents);
	return ret < 0 ? 1 : 0;
}
