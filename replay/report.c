/* SPDX-License-Identifier: MIT */
/*
 * The tables of execrec report, filled as processes end (report.h);
 * report_print.c writes them out.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/opts.h"
#include "report_internal.h"

/* ---- a table of aggregates keyed by bytes ----------------------------- */

static uint64_t hash_bytes(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ull;
	}
	return h;
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
	if (!t->slot[i] || !(t->slot[i]->key = rp_memdup0(key, klen))) {
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

static int set_example(struct agg *a, uint32_t pid, const char *comm, const struct etr_str *argv)
{
	a->pid = pid;
	a->comm = comm ? strdup(comm) : NULL;
	if (argv && argv->len) {
		a->argv.ptr = rp_memdup0(argv->ptr, argv->len);
		if (!a->argv.ptr)
			return -ENOMEM;
		a->argv.len = argv->len;
	}
	return 0;
}

/* ---- top N by a number ------------------------------------------------ */

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
	t->name = rp_memdup0(name->ptr, name->len);
	if (argv && argv->len) {
		t->argv.ptr = rp_memdup0(argv->ptr, argv->len);
		t->argv.len = argv->len;
	}
	return t->name ? 0 : -ENOMEM;
}

/* ---- folding a process into the tables ------------------------------- */

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
	const char *comm = rp_model__comm(m, p);

	if (x && rp_model__str(m, x->filename).len)
		return rp_model__exec_name(m, x);
	if (!(p->flags & RP_PF_FORKED))
		return cstr(comm[0] ? comm : "?");
	snprintf(buf, len, "%s (fork)", comm[0] ? comm : "?");
	return cstr(buf);
}

static void fold_commands(struct rp_report *r, const struct rp_proc *p)
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
			struct etr_str n = rp_model__exec_name(m, prev);
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
			else if (!x && !end_known)
				a->unknown++;
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
		else if (!end_known)
			a->unknown++;
		if (bad)
			a->failed++;
	}
}

static void fold_fails(struct rp_report *r, const struct rp_proc *p)
{
	for (uint32_t i = p->exec_first; i != RP_NONE;) {
		const struct rp_exec *x = rp_model__exec(r->model, i);
		struct etr_str file = rp_model__str(r->model, x->filename);
		char key[4200];
		size_t kl;
		bool created;
		struct agg *a;

		i = x->next;
		if (!x->ret)
			continue;
		kl = file.len < 4096 ? file.len : 4096;
		memcpy(key, file.ptr, kl);
		kl += (size_t)snprintf(key + kl, sizeof(key) - kl, "%c%d", 0, x->ret);
		a = agg_get(&r->fails, key, kl, &created);
		if (!a) {
			r->err = -ENOMEM;
			return;
		}
		if (created) {
			a->ret = x->ret;
			if (set_example(a, p->pid, rp_model__str(r->model, x->comm).ptr, &x->argv))
				r->err = -ENOMEM;
		}
		a->count++;
	}
}

static void fold_exit(struct rp_report *r, const struct rp_proc *p)
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
	struct rp_report *r = ctx;
	const struct rp_exec *x;
	struct etr_str n;
	char buf[64];
	uint64_t dur;
	bool known, before;

	if (r->err || (p->flags & RP_PF_PLACEHOLDER))
		return;
	if (r->filter && !rp_filter__match_proc(r->filter, m, p))
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
	if (r->md)
		rp_report_md__capture(r, m, p);

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

/* ---- the report -------------------------------------------------------- */

struct rp_report *rp_report__new(const struct rp_trace *t, const struct rp_report_opts *opts)
{
	struct rp_report *r;
	struct rp_model_opts mopts = {.sz = sizeof(mopts), .on_end = on_end, .forget_ended = true};

	if (!EC_OPTS_VALID(opts, struct rp_report_opts)) {
		errno = EINVAL;
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	mopts.ctx = r;
	r->trace = t;
	r->top = EC_OPTS_GET(opts, top, 0);
	r->filter = EC_OPTS_GET(opts, filter, NULL);
	r->md = EC_OPTS_GET(opts, markdown, false);
	r->model = rp_model__new(&mopts);
	if (!r->model) {
		free(r);
		errno = ENOMEM;
		return NULL;
	}
	return r;
}

void rp_report__free(struct rp_report *r)
{
	if (!r)
		return;
	rp_model__free(r->model);
	agg_free(&r->cmds);
	agg_free(&r->fails);
	agg_free(&r->exits);
	agg_free(&r->shorts);
	top_free(&r->longest);
	top_free(&r->parents);
	rp_report_md__free(r);
	free(r);
}

int rp_report__add(struct rp_report *r, const struct etr_event *ev)
{
	int err;

	if (r->err)
		return r->err;
	err = rp_model__add(r->model, ev);
	return err ? err : r->err;
}

int rp_report__finish(struct rp_report *r)
{
	int err;

	if (r->err)
		return r->err;
	err = rp_model__finish(r->model, trace_span(r).end);
	return err ? err : r->err;
}

const struct rp_model *rp_report__model(const struct rp_report *r)
{
	return r->model;
}

uint64_t rp_report__processes(const struct rp_report *r)
{
	return r->procs;
}
