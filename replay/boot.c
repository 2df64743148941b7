/* SPDX-License-Identifier: MIT */
/*
 * The boot view. A process counts for the unit of its cgroup as of its last
 * event (a child systemd forks starts in init.scope and is moved to its
 * unit's cgroup before it execs; it exits there). Processes of the start
 * snapshot count with their real start times, so the units that were
 * already running when the recorder started are there too.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "boot.h"
#include "common/opts.h"

struct rp_boot {
	struct rp_trace *t;
	const struct rp_filter *filter;
	struct rp_model *m;
	struct rp_boot_unit *u;
	size_t n, cap;
	uint64_t end_ns;
	size_t last; /* the unit found last: processes of a unit come in runs */
};

struct rp_boot *rp_boot__new(struct rp_trace *t, const struct rp_boot_opts *opts)
{
	struct rp_model_opts mo = {.sz = sizeof(mo)};
	struct rp_boot *b;

	if (!EC_OPTS_VALID(opts, struct rp_boot_opts)) {
		errno = EINVAL;
		return NULL;
	}
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->t = t;
	b->filter = EC_OPTS_GET(opts, filter, NULL);
	b->m = rp_model__new(&mo);
	if (!b->m) {
		free(b);
		errno = ENOMEM;
		return NULL;
	}
	return b;
}

void rp_boot__free(struct rp_boot *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++)
		free(b->u[i].cmds);
	free(b->u);
	rp_model__free(b->m);
	free(b);
}

int rp_boot__add(struct rp_boot *b, const struct etr_event *ev)
{
	return rp_model__add(b->m, ev);
}

static struct rp_boot_unit *unit_of(struct rp_boot *b, const char *name, bool is_unit)
{
	struct rp_boot_unit *u;

	if (b->last < b->n && !strcmp(b->u[b->last].name, name))
		return &b->u[b->last];
	for (size_t i = 0; i < b->n; i++)
		if (!strcmp(b->u[i].name, name)) {
			b->last = i;
			return &b->u[i];
		}
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct rp_boot_unit *v = realloc(b->u, cap * sizeof(*v));

		if (!v)
			return NULL;
		b->u = v;
		b->cap = cap;
	}
	u = &b->u[b->n];
	memset(u, 0, sizeof(*u));
	u->name = name;
	u->is_unit = is_unit;
	u->first_ns = UINT64_MAX;
	b->last = b->n++;
	return u;
}

static int count_cmd(struct rp_boot_unit *u, struct etr_str name)
{
	size_t len =
	    name.len < sizeof(u->cmds[0].name) - 1 ? name.len : sizeof(u->cmds[0].name) - 1;

	for (size_t i = 0; i < u->ncmds; i++)
		if (strlen(u->cmds[i].name) == len && !memcmp(u->cmds[i].name, name.ptr, len)) {
			u->cmds[i].count++;
			return 0;
		}
	if (u->ncmds == u->cmds_cap) {
		size_t cap = u->cmds_cap ? u->cmds_cap * 2 : 8;
		struct rp_boot_cmd *v = realloc(u->cmds, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		u->cmds = v;
		u->cmds_cap = cap;
	}
	memcpy(u->cmds[u->ncmds].name, name.ptr, len);
	u->cmds[u->ncmds].name[len] = '\0';
	u->cmds[u->ncmds++].count = 1;
	return 0;
}

static int cmp_cmd(const void *a, const void *b)
{
	const struct rp_boot_cmd *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int cmp_unit(const void *a, const void *b)
{
	const struct rp_boot_unit *x = a, *y = b;

	if (x->first_ns != y->first_ns)
		return x->first_ns < y->first_ns ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int add_proc(struct rp_boot *b, const struct rp_proc *p)
{
	const struct rp_cgroup *g = rp_trace__cgroup(b->t, p->cgroup_id);
	const struct rp_exec *x = rp_model__last_exec(b->m, p);
	struct rp_boot_unit *u;
	struct etr_str name;

	u = unit_of(b, g ? g->unit : "(unknown cgroup)", g && g->is_unit);
	if (!u)
		return -ENOMEM;
	u->procs++;
	if (p->flags & RP_PF_SNAPSHOT)
		u->snapshot++;
	if (p->start_ns && p->start_ns < u->first_ns)
		u->first_ns = p->start_ns;
	if ((p->flags & RP_PF_EXITED) && p->end_ns > u->last_ns)
		u->last_ns = p->end_ns;
	if (p->flags & RP_PF_RUNNING)
		u->running = true;
	u->execs += p->nexec;
	u->failed_execs += p->nfail;
	if ((p->flags & RP_PF_EXITED) && p->signal)
		u->signals++;
	else if ((p->flags & RP_PF_EXITED) && p->exit_code)
		u->bad_exits++;
	if (x) {
		name = rp_model__exec_name(b->m, x);
	} else {
		name.ptr = rp_model__comm(b->m, p);
		name.len = (uint32_t)strlen(name.ptr);
	}
	if (p->nfail || ((p->flags & RP_PF_EXITED) && (p->signal || p->exit_code))) {
		if (u->nfails < RP_BOOT_FAILS) {
			struct rp_boot_fail *fl = &u->fails[u->nfails];
			size_t len =
			    name.len < sizeof(fl->name) - 1 ? name.len : sizeof(fl->name) - 1;

			memcpy(fl->name, name.ptr, len);
			fl->name[len] = '\0';
			fl->pid = p->pid;
			fl->exit_code = (p->flags & RP_PF_EXITED) ? p->exit_code : 0;
			fl->signal = (p->flags & RP_PF_EXITED) ? p->signal : 0;
			fl->failed_execs = p->nfail;
		}
		u->nfails++;
	}
	return name.len ? count_cmd(u, name) : 0;
}

int rp_boot__finish(struct rp_boot *b)
{
	int err = rp_model__finish(b->m, rp_trace__last_ns(b->t));

	if (err)
		return err;
	b->end_ns = rp_trace__last_ns(b->t);
	for (uint32_t i = 0; i < rp_model__count(b->m); i++) {
		const struct rp_proc *p = rp_model__proc(b->m, i);

		if (p->flags & (RP_PF_PLACEHOLDER | RP_PF_FREE))
			continue;
		if (!rp_filter__match_proc(b->filter, b->m, p))
			continue;
		err = add_proc(b, p);
		if (err)
			return err;
	}
	for (size_t i = 0; i < b->n; i++) {
		struct rp_boot_unit *u = &b->u[i];

		if (u->ncmds) /* cmds is NULL without any */
			qsort(u->cmds, u->ncmds, sizeof(*u->cmds), cmp_cmd);
		for (size_t k = 0; k < RP_BOOT_BUSIEST && k < u->ncmds; k++)
			u->busiest[k] = u->cmds[k];
		if (u->first_ns == UINT64_MAX)
			u->first_ns = 0;
	}
	if (b->n) /* qsort must not get NULL, even for none */
		qsort(b->u, b->n, sizeof(*b->u), cmp_unit);
	b->last = 0;
	return 0;
}

size_t rp_boot__count(const struct rp_boot *b)
{
	return b->n;
}

const struct rp_boot_unit *rp_boot__unit(const struct rp_boot *b, size_t i)
{
	return i < b->n ? &b->u[i] : NULL;
}

const struct rp_boot_unit *rp_boot__find(const struct rp_boot *b, const char *name)
{
	for (size_t i = 0; i < b->n; i++)
		if (!strcmp(b->u[i].name, name))
			return &b->u[i];
	return NULL;
}

/* ---- output ----------------------------------------------------------- */

static const char *meta(const struct rp_trace *t, const char *key)
{
	const char *keys[] = {key, NULL};
	const char *v = rp_trace__meta_get(t, keys);

	return v ? v : "?";
}

static void secs(char *buf, size_t len, uint64_t ns)
{
	snprintf(buf, len, "%" PRIu64 ".%03" PRIu64 "s", ns / 1000000000u,
		 ns % 1000000000u / 1000000u);
}

void rp_boot__print_text(const struct rp_boot *b, FILE *f, const char *path)
{
	const struct etr_end *end = rp_trace__end(b->t);
	uint64_t first = rp_trace__first_ns(b->t);
	char s1[32], s2[32], s3[32];
	char lb[512];
	struct rp_out o;

	rp_out__init(&o, f, lb, sizeof(lb));
	secs(s1, sizeof(s1), first);
	secs(s2, sizeof(s2), b->end_ns);
	rp_out__printf(&o, "Boot of %s (%s %s), boot id %s: %s\n", meta(b->t, "hostname"),
		       meta(b->t, "kernel.sysname"), meta(b->t, "kernel.release"),
		       meta(b->t, "boot_id"), path);
	rp_out__printf(&o, "before the recorder: %s (kernel start to the first event)\n", s1);
	rp_out__printf(
	    &o, "recorded: %s to %s after boot, %s\n", s1, s2,
	    end ? (end->status == 0 ? "ended cleanly" : "ended early (a limit or an error)")
		: "CUT SHORT (no end record)");
	rp_out__printf(&o, "%zu units (times from boot: first process start, last exit)\n\n", b->n);
	rp_out__printf(&o, "%-40s %9s %9s %9s %5s %5s %4s %4s %4s  %s\n", "UNIT", "START", "END",
		       "SPAN", "PROCS", "EXECS", "FAIL", "EXIT", "SIG", "BUSIEST");
	for (size_t i = 0; i < b->n; i++) {
		const struct rp_boot_unit *u = &b->u[i];
		uint64_t last = u->running ? b->end_ns : u->last_ns;

		secs(s1, sizeof(s1), u->first_ns);
		if (u->running)
			snprintf(s2, sizeof(s2), "running");
		else if (u->last_ns)
			secs(s2, sizeof(s2), u->last_ns);
		else
			snprintf(s2, sizeof(s2), "-");
		if (last > u->first_ns)
			rp_fmt_duration(s3, sizeof(s3), last - u->first_ns);
		else
			snprintf(s3, sizeof(s3), "-");
		rp_out__printf(&o,
			       "%-40s %9s %9s %9s %5" PRIu32 " %5" PRIu32 " %4" PRIu32 " %4" PRIu32
			       " %4" PRIu32 " ",
			       u->name, s1, s2, s3, u->procs, u->execs, u->failed_execs,
			       u->bad_exits, u->signals);
		for (size_t k = 0; k < RP_BOOT_BUSIEST && u->busiest[k].count; k++)
			rp_out__printf(&o, " %s(%" PRIu32 ")", u->busiest[k].name,
				       u->busiest[k].count);
		rp_out__putc(&o, '\n');
	}
	rp_out__flush(&o);
}

void rp_boot__print_json(const struct rp_boot *b, FILE *f, const char *path)
{
	const struct etr_end *end = rp_trace__end(b->t);
	char lb[1024];
	struct rp_out o;

	rp_out__init(&o, f, lb, sizeof(lb));
	rp_out__puts(&o, "{\"record\":\"boot\",\"file\":");
	rp_out__json_str(&o, path, strlen(path));
	rp_out__puts(&o, ",\"boot_id\":");
	rp_out__json_str(&o, meta(b->t, "boot_id"), strlen(meta(b->t, "boot_id")));
	rp_out__printf(&o,
		       ",\"before_recorder_ns\":%" PRIu64 ",\"end_ns\":%" PRIu64
		       ",\"ended_cleanly\":%s,\"end_status\":",
		       rp_trace__first_ns(b->t), b->end_ns, end ? "true" : "false");
	if (end)
		rp_out__printf(&o, "%" PRIu32, end->status);
	else
		rp_out__puts(&o, "null");
	rp_out__printf(&o, ",\"units\":%zu}\n", b->n);
	for (size_t i = 0; i < b->n; i++) {
		const struct rp_boot_unit *u = &b->u[i];

		rp_out__puts(&o, "{\"record\":\"unit\",\"unit\":");
		if (u->is_unit)
			rp_out__json_str(&o, u->name, strlen(u->name));
		else
			rp_out__puts(&o, "null");
		rp_out__puts(&o, ",\"name\":");
		rp_out__json_str(&o, u->name, strlen(u->name));
		rp_out__printf(&o, ",\"first_ns\":%" PRIu64 ",\"last_exit_ns\":", u->first_ns);
		if (u->last_ns)
			rp_out__printf(&o, "%" PRIu64, u->last_ns);
		else
			rp_out__puts(&o, "null");
		rp_out__printf(&o,
			       ",\"running\":%s,\"processes\":%" PRIu32 ",\"snapshot\":%" PRIu32
			       ",\"execs\":%" PRIu32 ",\"failed_execs\":%" PRIu32
			       ",\"nonzero_exits\":%" PRIu32 ",\"signals\":%" PRIu32
			       ",\"busiest\":[",
			       u->running ? "true" : "false", u->procs, u->snapshot, u->execs,
			       u->failed_execs, u->bad_exits, u->signals);
		for (size_t k = 0; k < RP_BOOT_BUSIEST && u->busiest[k].count; k++) {
			if (k)
				rp_out__putc(&o, ',');
			rp_out__puts(&o, "{\"name\":");
			rp_out__json_str(&o, u->busiest[k].name, strlen(u->busiest[k].name));
			rp_out__printf(&o, ",\"count\":%" PRIu32 "}", u->busiest[k].count);
		}
		rp_out__puts(&o, "]}\n");
	}
	rp_out__flush(&o);
}
