/* SPDX-License-Identifier: MIT */
/*
 * rx_chart: a bootchart-like SVG of a trace. One row per process, nested
 * by the tree (children in start order, indented under their parent), a
 * bar on a shared time axis colored by how the process ended, ticks where
 * it exec'd another program or failed to, its arguments on the bar when
 * they fit, and everything else (full argv of every program, pid, parent,
 * times, status, cwd, failed execs) in the bar's hover title. No script:
 * any SVG viewer shows it, a browser shows the titles.
 *
 * Readable with thousands of processes: processes that lived less than a
 * threshold and have no longer-lived descendant are folded into one row
 * under their nearest drawn ancestor, which shows when they ran (the union
 * of their lifetimes), the failures among them in their own colors, and
 * their count by command in its title.
 *
 * The chart needs the whole tree before it can draw a row, so it keeps the
 * model's execs (argv and all) until it is written.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/macros.h"
#include "chart.h"

#define TITLE_EXECS 8  /* programs listed in a title */
#define TITLE_FAILS 10 /* failed execs listed in a title */
#define GROUP_NAMES 5  /* commands counted in a folded row's label */

struct rx_chart *rx_chart__new(struct rp_trace *t, const struct rx_chart_opts *opts)
{
	struct rx_chart *c;

	if (!t || !EC_OPTS_VALID(opts, struct rx_chart_opts)) {
		errno = EINVAL;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		goto err_nomem;
	c->t = t;
	c->width = 1200;
	/* (min_duration_ns is read only with the flag that says it is set) */
	if (EC_OPTS_HAS(opts, min_duration_set)) {
		c->min_dur = opts->min_duration_ns;
		c->min_dur_set = opts->min_duration_set;
	}
	if (EC_OPTS_GET(opts, width, 0))
		c->width = opts->width;
	if (EC_OPTS_HAS(opts, nsubtree) && opts->nsubtree) {
		c->subtree = malloc(opts->nsubtree * sizeof(*c->subtree));
		if (!c->subtree)
			goto err_nomem;
		memcpy(c->subtree, opts->subtree, opts->nsubtree * sizeof(*c->subtree));
		c->nsubtree = opts->nsubtree;
	}
	c->filter = EC_OPTS_GET(opts, filter, NULL);
	c->by_unit = EC_OPTS_GET(opts, by_unit, false);
	if (EC_OPTS_GET(opts, title, NULL)) {
		c->title = strdup(opts->title);
		if (!c->title)
			goto err_nomem;
	}
	c->m = rp_model__new(&(struct rp_model_opts){.sz = sizeof(struct rp_model_opts)});
	if (!c->m)
		goto err_nomem;
	return c;

err_nomem:
	rx_chart__free(c);
	errno = ENOMEM;
	return NULL;
}

void rx_chart__free(struct rx_chart *c)
{
	if (!c)
		return;
	rp_model__free(c->m);
	free(c->subtree);
	free(c->title);
	free(c);
}

int rx_chart__set_window(struct rx_chart *c, uint64_t since_ns, uint64_t until_ns)
{
	if (!c || (since_ns && until_ns && until_ns <= since_ns))
		return -EINVAL;
	c->since = since_ns;
	c->until = until_ns;
	return 0;
}

int rx_chart__add(struct rx_chart *c, const struct etr_event *ev)
{
	if (!c || !ev || c->written)
		return -EINVAL;
	return rp_model__add(c->m, ev);
}

void rx_chart__stats(const struct rx_chart *c, struct rx_chart_stats *ret_stats)
{
	if (c)
		*ret_stats = c->stats;
	else
		memset(ret_stats, 0, sizeof(*ret_stats));
}

/* ---- layout ------------------------------------------------------------- */

static void layout_free(struct layout *l)
{
	free(l->s);
	free(l->e);
	free(l->vis);
	free(l->shown);
	free(l->order);
	free(l->par);
	free(l->depth);
	free(l->owner);
	free(l->folds);
	free(l->gstart);
	free(l->gcount);
	free(l->rows);
	free(l->lane_of);
	free(l->lanes);
}

static bool in_list(const uint32_t *l, size_t n, uint32_t v)
{
	for (size_t i = 0; i < n; i++)
		if (l[i] == v)
			return true;
	return false;
}

static int cmp_fold(const void *a, const void *b)
{
	const struct fold *x = a, *y = b;

	if (x->owner != y->owner)
		return x->owner < y->owner ? -1 : 1;
	if (x->s != y->s)
		return x->s < y->s ? -1 : 1;
	return x->proc < y->proc ? -1 : x->proc > y->proc;
}

/* The row of process @v if it has one, and the row of what is folded
 * under it, @indent levels in. */
static void layout_add_rows(struct layout *l, uint32_t v, uint32_t indent)
{
	if (!l->shown[v])
		return;
	l->rows[l->nrows++] =
	    (struct row){.kind = ROW_PROC, .proc = v, .depth = l->depth[v] + indent};
	if (l->gcount[v])
		l->rows[l->nrows++] =
		    (struct row){.kind = ROW_GROUP, .group = v, .depth = l->depth[v] + indent + 1};
	l->c->stats.processes++;
}

static int layout_build(struct layout *l)
{
	struct rx_chart *c = l->c;
	uint32_t n = rp_model__count(c->m), top = 0, nowners;
	uint32_t *stack;
	uint8_t *inside;
	uint64_t w0 = rx_window_start(c->t), span;
	int err;

	l->n = n;
	l->t0 = c->since > w0 ? c->since : w0;
	l->t1 = rp_model__end_ns(c->m);
	if (c->until && c->until < l->t1)
		l->t1 = c->until;
	if (l->t1 <= l->t0)
		l->t1 = l->t0 + 1000000; /* a point in time: show a millisecond */
	span = l->t1 - l->t0;
	c->stats.min_duration_ns = c->min_dur_set ? c->min_dur : span / 200;

	l->s = calloc((size_t)n + 1, sizeof(*l->s));
	l->e = calloc((size_t)n + 1, sizeof(*l->e));
	l->vis = calloc((size_t)n + 1, 1);
	l->shown = calloc((size_t)n + 1, 1);
	l->order = malloc(((size_t)n + 1) * sizeof(*l->order));
	l->par = malloc(((size_t)n + 1) * sizeof(*l->par));
	l->depth = calloc((size_t)n + 1, sizeof(*l->depth));
	l->owner = malloc(((size_t)n + 1) * sizeof(*l->owner));
	l->folds = malloc(((size_t)n + 1) * sizeof(*l->folds));
	stack = malloc(((size_t)n + 1) * sizeof(*stack));
	inside = calloc((size_t)n + 1, 1);
	if (!l->s || !l->e || !l->vis || !l->shown || !l->order || !l->par || !l->depth ||
	    !l->owner || !l->folds || !stack || !inside) {
		free(stack);
		free(inside);
		return -ENOMEM;
	}

	/* pre-order from the roots, children in start order; which processes
	 * lie in the subtrees asked for, and which are visible */
	for (uint32_t r = 0; r < n; r++) {
		struct rp_proc *rp = rp_model__proc(c->m, r);

		if (rp->parent != RP_NONE)
			continue;
		inside[r] = !c->nsubtree || in_list(c->subtree, c->nsubtree, rp->pid);
		stack[top++] = r;
		while (top) {
			uint32_t v = stack[--top], k = 0, ch;
			struct rp_proc *p = rp_model__proc(c->m, v);

			l->order[l->norder++] = v;
			l->par[v] = p->parent;
			rx_proc_span(c->m, p, w0, &l->s[v], &l->e[v]);
			l->vis[v] = inside[v] && !(p->flags & RP_PF_PLACEHOLDER) &&
				    l->s[v] <= l->t1 && l->e[v] >= l->t0;
			for (ch = p->first_child; ch != RP_NONE;
			     ch = rp_model__proc(c->m, ch)->next_sibling)
				k++;
			top += k;
			for (ch = p->first_child, k = top; ch != RP_NONE;
			     ch = rp_model__proc(c->m, ch)->next_sibling) {
				stack[--k] = ch;
				inside[ch] = inside[v] || in_list(c->subtree, c->nsubtree,
								  rp_model__proc(c->m, ch)->pid);
			}
		}
	}
	free(stack);
	free(inside);

	/* by unit: the tree cut where a process's parent ran in another unit,
	 * and reordered lane by lane */
	if (c->by_unit) {
		err = rx_chart_lanes_build(l);
		if (err)
			return err;
	}
	nowners = n + 1 + l->nlanes;
	l->gstart = calloc((size_t)nowners + 1, sizeof(*l->gstart));
	l->gcount = calloc((size_t)nowners + 1, sizeof(*l->gcount));
	l->rows = malloc(((size_t)n * 2 + 2 + (size_t)l->nlanes * 2) * sizeof(*l->rows));
	if (!l->gstart || !l->gcount || !l->rows)
		return -ENOMEM;

	/* the filters: a process that matches, and its ancestors, to show
	 * where it ran (as tree does); bottom-up, so children come first */
	if (rp_filter__active(c->filter)) {
		uint8_t *keep = calloc((size_t)n + 1, 1);

		if (!keep)
			return -ENOMEM;
		for (uint32_t k = l->norder; k-- > 0;) {
			uint32_t v = l->order[k];
			struct rp_proc *p = rp_model__proc(c->m, v);

			if (rp_filter__match_proc(c->filter, c->m, p))
				keep[v] = 1;
			if (keep[v] && l->par[v] != RP_NONE)
				keep[l->par[v]] = 1;
			l->vis[v] = l->vis[v] && keep[v];
		}
		free(keep);
	}

	/* bottom-up: a row of its own for a process that lived long enough
	 * or has a descendant that has one */
	for (uint32_t k = l->norder; k-- > 0;) {
		uint32_t v = l->order[k];
		uint64_t s = l->s[v] < l->t0 ? l->t0 : l->s[v];
		uint64_t e = l->e[v] > l->t1 ? l->t1 : l->e[v];

		if (l->vis[v] && e - s >= c->stats.min_duration_ns)
			l->shown[v] = 1;
		if (l->vis[v] && l->shown[v] && l->par[v] != RP_NONE)
			l->shown[l->par[v]] |= 2; /* a reason to keep the parent */
	}
	for (uint32_t v = 0; v < n; v++)
		l->shown[v] = l->vis[v] && l->shown[v];

	/* top-down: depth among drawn rows, and where folded ones go */
	for (uint32_t k = 0; k < l->norder; k++) {
		uint32_t v = l->order[k];
		struct rp_proc *p = rp_model__proc(c->m, v);

		if (l->par[v] == RP_NONE) {
			l->depth[v] = 0;
			l->owner[v] = c->by_unit ? n + 1 + l->lane_of[v] : n;
		} else {
			uint32_t pa = l->par[v];

			l->depth[v] = l->depth[pa] + (l->shown[pa] ? 1 : 0);
			l->owner[v] = l->shown[pa] ? pa : l->owner[pa];
		}
		if (l->vis[v] && !l->shown[v]) {
			struct fold *f = &l->folds[l->nfolds++];

			f->owner = l->owner[v];
			f->proc = v;
			f->s = l->s[v] < l->t0 ? l->t0 : l->s[v];
			f->e = l->e[v] > l->t1 ? l->t1 : l->e[v];
			f->name = rx_proc_name(c->m, p);
		}
	}
	qsort(l->folds, l->nfolds, sizeof(*l->folds), cmp_fold);
	for (uint32_t i = 0; i < l->nfolds; i++) {
		uint32_t o = l->folds[i].owner;

		if (!l->gcount[o]++)
			l->gstart[o] = i;
	}

	if (c->by_unit) {
		/* a heading per unit with anything to show, its folded roots,
		 * then its tree, one level in */
		rx_chart_lanes_count(l);
		for (uint32_t i = 0; i < l->nlanes; i++) {
			const struct lane *ln = &l->lanes[i];

			if (!ln->procs)
				continue;
			l->rows[l->nrows++] = (struct row){.kind = ROW_LANE, .lane = i};
			c->stats.units++;
			if (l->gcount[n + 1 + i])
				l->rows[l->nrows++] =
				    (struct row){.kind = ROW_GROUP, .group = n + 1 + i, .depth = 1};
			for (uint32_t k = ln->start; k < ln->start + ln->count; k++)
				layout_add_rows(l, l->order[k], 1);
		}
	} else {
		/* the rows: folded top-level processes first, then the tree */
		if (l->gcount[n])
			l->rows[l->nrows++] = (struct row){.kind = ROW_GROUP, .group = n};
		for (uint32_t k = 0; k < l->norder; k++)
			layout_add_rows(l, l->order[k], 0);
	}
	c->stats.rows = l->nrows;
	c->stats.folded = l->nfolds;
	for (uint32_t o = 0; o < nowners; o++)
		c->stats.groups += l->gcount[o] != 0;
	return 0;
}

/* ---- drawing helpers -------------------------------------------------- */

static double xpos(const struct layout *l, uint64_t t)
{
	if (t < l->t0)
		t = l->t0;
	if (t > l->t1)
		t = l->t1;
	return l->x0 + (double)(t - l->t0) * l->xscale;
}

double rx_chart_xpos(const struct layout *l, uint64_t t)
{
	return xpos(l, t);
}

/* XML text of at most @max_chars characters, "…" where cut. */
static void put_clipped(FILE *f, const char *s, size_t len, size_t max_chars)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, chars = 0;

	if (!max_chars)
		return;
	while (i < len && chars < max_chars) {
		size_t k = ec_utf8_len(u + i, len - i);

		i += k ? k : 1;
		chars++;
	}
	if (i < len) {
		/* cut one character earlier to make room for the ellipsis */
		size_t j = 0, c2 = 0;

		while (j < len && c2 + 1 < max_chars) {
			size_t k = ec_utf8_len(u + j, len - j);

			j += k ? k : 1;
			c2++;
		}
		rx_fput_text(f, s, j, RX_Q_XML);
		fputs("\xe2\x80\xa6", f);
		return;
	}
	rx_fput_text(f, s, len, RX_Q_XML);
}

/* "+1.234567s" from the start of the axis. */
static void fmt_rel(char *buf, size_t len, const struct layout *l, uint64_t t)
{
	uint64_t d = t >= l->t0 ? t - l->t0 : l->t0 - t;

	snprintf(buf, len, "%c%" PRIu64 ".%06" PRIu64 "s", t >= l->t0 ? '+' : '-',
		 (uint64_t)(d / 1000000000u), (uint64_t)(d % 1000000000u / 1000));
}

/* "2026-11-25 11:43:54.005 UTC": to the millisecond, as people read it. */
static void fmt_wall(char *buf, size_t len, const struct rp_trace *t, uint64_t boot_ns)
{
	uint64_t rt = rp_trace__has_clock(t) ? rp_trace__realtime(t, boot_ns) : 0;
	time_t sec = (time_t)(rt / 1000000000u);
	struct tm tm;

	buf[0] = '\0';
	if (!rt || !gmtime_r(&sec, &tm))
		return;
	snprintf(buf, len, "%04d-%02d-%02d %02d:%02d:%02d.%03u UTC", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (unsigned)(rt % 1000000000u / 1000000u));
}

/* ---- the title of a process: everything about it ---------------------- */

static void put_proc_title(FILE *f, const struct layout *l, const struct rp_proc *p)
{
	struct rx_chart *c = l->c;
	const struct rp_model *m = c->m;
	char buf[96], wall[48];
	uint32_t nprog = 0, nfail = 0;
	uint64_t ns, from;
	const struct rp_exec *last = rp_model__last_exec(m, p);

	fputs("<title>", f);
	for (uint32_t i = p->exec_first; i != RP_NONE;) {
		const struct rp_exec *x = rp_model__exec(m, i);
		size_t len;
		char *a;

		i = x->next;
		if (x->ret)
			continue;
		if (nprog++ >= TITLE_EXECS)
			continue;
		if (nprog > 1)
			fputs("\n=&gt; ", f);
		a = rx_argv_str(&x->argv, 0, &len);
		if (a) {
			rx_fput_text(f, a, len, RX_Q_XML);
			free(a);
		}
		if (x->flags & ETR_EVF_ARGV_TRUNC)
			fputs(" [arguments cut]", f);
	}
	if (nprog > TITLE_EXECS)
		fprintf(f, "\n=&gt; ... %" PRIu32 " more programs", nprog - TITLE_EXECS);
	if (!nprog)
		rx_fput_text(f, rp_model__comm(m, p), strlen(rp_model__comm(m, p)), RX_Q_XML);
	fprintf(f, "\npid %" PRIu32, p->pid);
	if (p->parent != RP_NONE) {
		const struct rp_proc *pp = rp_model__proc(m, p->parent);
		struct etr_str pn = rx_proc_name(m, pp);

		fprintf(f, ", parent %" PRIu32 " (", pp->pid);
		if (pp->flags & RP_PF_PLACEHOLDER)
			fputs("not recorded", f);
		else
			rx_fput_text(f, pn.ptr, pn.len, RX_Q_XML);
		fputc(')', f);
	} else if (p->ppid) {
		fprintf(f, ", parent %" PRIu32, p->ppid);
	}
	if (p->flags & RP_PF_REPARENTED)
		fprintf(f, ", adopted by %" PRIu32, p->reparent_pid);
	from = rp_model__dur_start(m, p);
	if (p->start_ns && from > p->start_ns) {
		/* both: when it began, and the exec its duration counts from */
		fmt_rel(buf, sizeof(buf), l, from);
		fprintf(f, "\nstarted before the recording, exec'd %s", buf);
	} else if (p->start_ns && p->start_ns < l->s[rp_model__index(m, p)]) {
		fputs("\nstarted before the recording", f);
	} else {
		fmt_rel(buf, sizeof(buf), l, l->s[rp_model__index(m, p)]);
		fmt_wall(wall, sizeof(wall), c->t, l->s[rp_model__index(m, p)]);
		fprintf(f, "\nstarted %s%s%s%s", buf, wall[0] ? " (" : "", wall,
			wall[0] ? ")" : "");
	}
	if (rp_model__duration(m, p, &ns)) {
		rp_fmt_duration(buf, sizeof(buf), ns);
		fprintf(f, ", %s %s%s", from > p->start_ns ? "ran since then" : "lived", buf,
			p->flags & RP_PF_RUNNING ? "+" : "");
	}
	rx_fmt_status(buf, sizeof(buf), p);
	fprintf(f, "\n%s", buf);
	if (p->flags & RP_PF_LOST)
		fputs(" (events were lost while it ran)", f);
	if (last && rp_model__str(m, last->cwd).len) {
		struct etr_str cwd = rp_model__str(m, last->cwd);

		fputs("\ncwd ", f);
		rx_fput_text(f, cwd.ptr, cwd.len, RX_Q_XML);
	}
	for (uint32_t i = p->exec_first; i != RP_NONE;) {
		const struct rp_exec *x = rp_model__exec(m, i);
		const char *en = rp_errno_name(x->ret);
		struct etr_str file = rp_model__str(m, x->filename);

		i = x->next;
		if (!x->ret || nfail++ >= TITLE_FAILS)
			continue;
		fputs("\nexec failed: ", f);
		rx_fput_text(f, file.ptr, file.len, RX_Q_XML);
		if (en)
			fprintf(f, " %s", en);
		else
			fprintf(f, " %d", x->ret);
	}
	if (nfail > TITLE_FAILS)
		fprintf(f, "\n... %" PRIu32 " more failed execs", nfail - TITLE_FAILS);
	fputs("</title>", f);
}

/* ---- rows --------------------------------------------------------------- */

static void put_label(FILE *f, const struct layout *l, uint32_t depth, double y, const char *cls,
		      const char *text, size_t len, const char *suffix)
{
	uint32_t ind = depth * INDENT > INDENT_MAX ? INDENT_MAX : depth * INDENT;
	size_t room = (size_t)((LABEL_W - 8 - ind) / LABEL_CHAR_W);
	size_t slen = suffix ? strlen(suffix) : 0;

	fprintf(f, "<text class=\"%s\" x=\"%u\" y=\"%.1f\">", cls, MARGIN + ind, y + BAR_H - 1.0);
	if (slen + 2 < room) {
		put_clipped(f, text, len, room - slen);
		if (suffix)
			rx_fput_text(f, suffix, slen, RX_Q_XML);
	} else {
		put_clipped(f, text, len, room);
	}
	fputs("</text>", f);
	(void)l;
}

void rx_chart_put_label(FILE *f, uint32_t depth, double y, const char *cls, const char *text,
			size_t len, const char *suffix)
{
	put_label(f, NULL, depth, y, cls, text, len, suffix);
}

static void draw_proc(FILE *f, const struct layout *l, const struct row *r, double y)
{
	const struct rp_model *m = l->c->m;
	const struct rp_proc *p = rp_model__proc(m, r->proc);
	const struct rp_exec *last = rp_model__last_exec(m, p);
	struct etr_str name = rx_proc_name(m, p);
	enum rx_outcome oc = rx_outcome(p);
	double x1 = xpos(l, l->s[r->proc]), x2 = xpos(l, l->e[r->proc]);
	char pid[24];
	bool first_prog = true;

	if (x2 - x1 < 1.0)
		x2 = x1 + 1.0;
	snprintf(pid, sizeof(pid), " %" PRIu32, p->pid);
	fputs("<g>", f);
	put_proc_title(f, l, p);
	put_label(f, l, r->depth, y, "l", name.ptr, name.len, pid);
	fprintf(f, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\"/>",
		rx_outcome_name(oc), x1, y, x2 - x1, BAR_H);
	/* where another program took over, and where an exec failed */
	for (uint32_t i = p->exec_first; i != RP_NONE;) {
		const struct rp_exec *x = rp_model__exec(m, i);
		double xe = xpos(l, x->ts_ns);

		i = x->next;
		if (x->ts_ns < l->t0 || x->ts_ns > l->t1)
			continue;
		if (x->ret) {
			fprintf(f, "<path class=\"xf\" d=\"M%.1f %.1fl-3 -4h6z\"/>", xe, y + 1.0);
		} else {
			if (!first_prog && xe > x1 + 0.5)
				fprintf(f, "<path class=\"xk\" d=\"M%.1f %.1fv%d\"/>", xe, y,
					BAR_H);
			first_prog = false;
		}
	}
	/* its arguments on the bar, if a few characters fit */
	if (last && x2 - x1 > 6 * BAR_CHAR_W) {
		size_t len, room = (size_t)((x2 - x1 - 4) / BAR_CHAR_W);
		char *a = rx_argv_str(&last->argv, room * 4 + 16, &len);

		if (a) {
			fprintf(f, "<text class=\"b\" x=\"%.1f\" y=\"%.1f\">", x1 + 2,
				y + BAR_H - 2);
			put_clipped(f, a, len, room);
			fputs("</text>", f);
			free(a);
		}
	}
	fputs("</g>\n", f);
}

struct name_count {
	struct etr_str name;
	uint32_t count;
};

static int cmp_name(const void *a, const void *b)
{
	const struct etr_str *x = a, *y = b;
	uint32_t n = x->len < y->len ? x->len : y->len;
	int r = memcmp(x->ptr, y->ptr, n);

	return r ? r : (x->len > y->len) - (x->len < y->len);
}

static int cmp_count(const void *a, const void *b)
{
	const struct name_count *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return cmp_name(&x->name, &y->name);
}

static int draw_group(FILE *f, const struct layout *l, const struct row *r, double y)
{
	const struct fold *g = &l->folds[l->gstart[r->group]];
	uint32_t cnt = l->gcount[r->group], nn = 0, bad[RX__OUTCOMES] = {0};
	struct etr_str *names = malloc(cnt * sizeof(*names));
	struct name_count *nc = malloc(cnt * sizeof(*nc));
	char *label = NULL, dur[24];
	size_t label_len = 0;
	FILE *lf;

	if (!names || !nc) {
		free(names);
		free(nc);
		return -ENOMEM;
	}
	/* commands by count */
	for (uint32_t i = 0; i < cnt; i++)
		names[i] = g[i].name;
	qsort(names, cnt, sizeof(*names), cmp_name);
	for (uint32_t i = 0; i < cnt; i++) {
		if (nn && !cmp_name(&nc[nn - 1].name, &names[i]))
			nc[nn - 1].count++;
		else
			nc[nn++] = (struct name_count){names[i], 1};
	}
	qsort(nc, nn, sizeof(*nc), cmp_count);
	for (uint32_t i = 0; i < cnt; i++)
		bad[rx_outcome(rp_model__proc(l->c->m, g[i].proc))]++;

	lf = open_memstream(&label, &label_len);
	if (!lf) {
		free(names);
		free(nc);
		return -ENOMEM;
	}
	fprintf(lf, "+%" PRIu32 " short: ", cnt);
	for (uint32_t i = 0; i < nn && i < GROUP_NAMES; i++) {
		fprintf(lf, "%s", i ? ", " : "");
		fwrite(nc[i].name.ptr, 1, nc[i].name.len, lf);
		if (nc[i].count > 1)
			fprintf(lf, " \xc3\x97%" PRIu32, nc[i].count);
	}
	if (nn > GROUP_NAMES)
		fprintf(lf, ", +%" PRIu32 " more", nn - GROUP_NAMES);
	fclose(lf);

	rp_fmt_duration(dur, sizeof(dur), l->c->stats.min_duration_ns);
	fputs("<g><title>", f);
	fprintf(f, "%" PRIu32 " process%s that lived less than %s each, folded:", cnt,
		cnt == 1 ? "" : "es", dur);
	for (uint32_t i = 0; i < nn && i < 20; i++) {
		fputs("\n", f);
		rx_fput_text(f, nc[i].name.ptr, nc[i].name.len, RX_Q_XML);
		fprintf(f, " \xc3\x97%" PRIu32, nc[i].count);
	}
	if (nn > 20)
		fprintf(f, "\n... %" PRIu32 " more commands", nn - 20);
	for (int o = RX_EXIT; o < RX__OUTCOMES; o++)
		if (bad[o] && o != RX_PLACEHOLDER)
			fprintf(f, "\n%" PRIu32 " %s", bad[o], rx_outcome_name(o));
	fputs("</title>", f);
	put_label(f, l, r->depth, y, "g", label, label_len, NULL);
	free(label);

	/* when they ran: the union of their lifetimes */
	{
		double a = -1, b = -1;

		for (uint32_t i = 0; i < cnt; i++) {
			double x1 = xpos(l, g[i].s), x2 = xpos(l, g[i].e);

			if (x2 - x1 < 1.0)
				x2 = x1 + 1.0;
			if (a >= 0 && x1 <= b + 0.5) {
				if (x2 > b)
					b = x2;
				continue;
			}
			if (a >= 0)
				fprintf(f,
					"<rect class=\"fold\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
					"height=\"%d\"/>",
					a, y + 4, b - a, BAR_H - 4);
			a = x1;
			b = x2;
		}
		if (a >= 0)
			fprintf(f,
				"<rect class=\"fold\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
				"height=\"%d\"/>",
				a, y + 4, b - a, BAR_H - 4);
	}
	/* failures stay visible when folded: a strip above the band, so that
	 * many of them do not paint the whole row */
	for (uint32_t i = 0; i < cnt; i++) {
		enum rx_outcome oc = rx_outcome(rp_model__proc(l->c->m, g[i].proc));
		double x1 = xpos(l, g[i].s), x2 = xpos(l, g[i].e);

		if (oc != RX_EXIT && oc != RX_KILLED && oc != RX_EXEC_FAILED)
			continue;
		if (x2 - x1 < 2.0)
			x2 = x1 + 2.0;
		fprintf(f, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"3\"/>",
			rx_outcome_name(oc), x1, y, x2 - x1);
	}
	fputs("</g>\n", f);
	free(names);
	free(nc);
	return 0;
}

/* ---- the whole picture -------------------------------------------------- */

/* A step of 1, 2 or 5 times a power of ten, about @target ns. */
static uint64_t nice_step(double target)
{
	double p = 1;

	if (target < 1)
		return 1;
	while (p * 10 <= target)
		p *= 10;
	if (target >= 5 * p)
		return (uint64_t)(5 * p);
	if (target >= 2 * p)
		return (uint64_t)(2 * p);
	return (uint64_t)p;
}

static void fmt_tick(char *buf, size_t len, uint64_t off, uint64_t step)
{
	int dec = 0;

	for (uint64_t s = 1000000000ull; s > step && dec < 9; s /= 10)
		dec++;
	if (dec == 0)
		snprintf(buf, len, "%" PRIu64 "s", (uint64_t)(off / 1000000000u));
	else
		snprintf(buf, len, "%.*fs", dec, (double)off / 1e9);
}

static const char *meta(const struct rp_trace *t, const char *key)
{
	const char *const keys[] = {key, NULL};

	return rp_trace__meta_get(t, keys);
}

int rx_chart__write(struct rx_chart *c, FILE *f)
{
	struct layout l = {.c = c};
	const struct etr_end *end;
	uint32_t W, H, plot_w, head, legend_y, axis_y;
	uint64_t last, step;
	char buf[128], wall[48];
	const char *host, *kernel, *target, *mode;
	int err;

	if (!c || !f || c->written)
		return -EINVAL;
	c->written = true;
	last = rp_trace__last_ns(c->t);
	end = rp_trace__end(c->t);
	if (end && end->ts_ns > last)
		last = end->ts_ns;
	err = rp_model__finish(c->m, last);
	if (!err)
		err = layout_build(&l);
	if (err)
		goto out;
	if (!l.nrows) {
		err = -ENOENT;
		goto out;
	}

	plot_w = c->width;
	l.x0 = MARGIN + LABEL_W;
	l.xscale = (double)plot_w / (double)(l.t1 - l.t0);
	head = 62;
	legend_y = 52;
	axis_y = head + 14;
	W = l.x0 + plot_w + MARGIN + 40;
	H = axis_y + 6 + l.nrows * ROW_H + MARGIN + 16;
	c->stats.width = W;
	c->stats.height = H;

	host = meta(c->t, "hostname");
	kernel = meta(c->t, "kernel.release");
	target = meta(c->t, "target");
	mode = meta(c->t, "mode");

	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\" "
		"viewBox=\"0 0 %u %u\" font-family=\"DejaVu Sans, Verdana, sans-serif\">\n",
		W, H, W, H);
	fputs("<style>\n"
	      "text{fill:#222}\n"
	      ".h{font-size:16px;font-weight:bold}\n"
	      ".s{font-size:11px;fill:#555}\n"
	      ".l{font-size:11px}\n"
	      ".g{font-size:11px;font-style:italic;fill:#666}\n"
	      ".b{font-size:10px;fill:#111}\n"
	      ".t{font-size:10px;fill:#555;text-anchor:middle}\n"
	      ".grid{stroke:#e4e4e4;stroke-width:1}\n"
	      ".axis{stroke:#999;stroke-width:1}\n"
	      ".stripe{fill:#f6f6f6}\n"
	      ".fold{fill:#999;fill-opacity:.55}\n"
	      ".xk{stroke:#000;stroke-opacity:.45;stroke-width:1}\n"
	      ".xf{fill:#b00020}\n",
	      f);
	for (int o = 0; o < RX__OUTCOMES; o++)
		fprintf(f, ".%s{fill:%s}\n", rx_outcome_name(o), rx_outcome_color(o));
	if (c->by_unit)
		rx_chart_lanes_style(f);
	fputs("</style>\n", f);

	/* heading */
	fputs("<title>", f);
	if (c->title)
		rx_fput_text(f, c->title, strlen(c->title), RX_Q_XML);
	else
		fputs("execrec chart", f);
	fputs("</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n", f);
	fprintf(f, "<text class=\"h\" x=\"%u\" y=\"22\">", MARGIN);
	if (c->title)
		put_clipped(f, c->title, strlen(c->title), (W - 2 * MARGIN) / 9);
	else if (target && mode && !strcmp(mode, "command"))
		put_clipped(f, target, strlen(target), (W - 2 * MARGIN) / 9);
	else
		rx_fput_text(f, host ? host : "execrec trace",
			     strlen(host ? host : "execrec trace"), RX_Q_XML);
	fputs("</text>\n", f);

	fprintf(f, "<text class=\"s\" x=\"%u\" y=\"38\">", MARGIN);
	if (host) {
		rx_fput_text(f, host, strlen(host), RX_Q_XML);
		fputs("  \xc2\xb7  ", f);
	}
	if (kernel) {
		fputs("Linux ", f);
		rx_fput_text(f, kernel, strlen(kernel), RX_Q_XML);
		fputs("  \xc2\xb7  ", f);
	}
	fmt_wall(wall, sizeof(wall), c->t, l.t0);
	if (wall[0])
		fprintf(f, "from %s  \xc2\xb7  ", wall);
	rp_fmt_duration(buf, sizeof(buf), l.t1 - l.t0);
	if (c->by_unit)
		fprintf(f, "%" PRIu32 " unit%s  \xc2\xb7  ", c->stats.units,
			c->stats.units == 1 ? "" : "s");
	fprintf(f, "%s shown  \xc2\xb7  %" PRIu32 " process%s drawn, %" PRIu32 " folded", buf,
		c->stats.processes, c->stats.processes == 1 ? "" : "es", c->stats.folded);
	if (c->stats.folded) {
		rp_fmt_duration(buf, sizeof(buf), c->stats.min_duration_ns);
		fprintf(f, " (shorter than %s; --min-duration 0 draws all)", buf);
	}
	if (rp_trace__lost_counted(c->t))
		fprintf(f, "  \xc2\xb7  %" PRIu64 " events lost", rp_trace__lost_counted(c->t));
	if (!rp_trace__ended_cleanly(c->t))
		fputs("  \xc2\xb7  recording cut short", f);
	fputs("</text>\n", f);

	/* legend */
	{
		static const struct {
			enum rx_outcome o;
			const char *text;
		} items[] = {
		    {RX_OK, "exit 0"},
		    {RX_EXIT, "exit \xe2\x89\xa0 0"},
		    {RX_KILLED, "killed"},
		    {RX_EXEC_FAILED, "exec failed"},
		    {RX_RUNNING, "running at the end"},
		    {RX_UNKNOWN, "end not seen"},
		};
		double x = MARGIN;

		for (size_t i = 0; i < ARRAY_SIZE(items); i++) {
			fprintf(
			    f,
			    "<rect x=\"%.0f\" y=\"%u\" width=\"10\" height=\"10\" class=\"%s\"/>"
			    "<text class=\"s\" x=\"%.0f\" y=\"%u\">%s</text>\n",
			    x, legend_y - 9, rx_outcome_name(items[i].o), x + 14, legend_y,
			    items[i].text);
			x += 14 + strlen(items[i].text) * 6.2 + 16;
		}
		fprintf(f,
			"<rect x=\"%.0f\" y=\"%u\" width=\"10\" height=\"10\" class=\"fold\"/>"
			"<text class=\"s\" x=\"%.0f\" y=\"%u\">short processes, folded</text>\n",
			x, legend_y - 9, x + 14, legend_y);
		x += 14 + 23 * 6.2 + 16;
		fprintf(f,
			"<path class=\"xk\" d=\"M%.0f %uv10\"/>"
			"<text class=\"s\" x=\"%.0f\" y=\"%u\">exec</text>\n",
			x + 4, legend_y - 9, x + 10, legend_y);
		x += 10 + 4 * 6.2 + 16;
		fprintf(f,
			"<path class=\"xf\" d=\"M%.0f %ul-3 -4h6z\"/>"
			"<text class=\"s\" x=\"%.0f\" y=\"%u\">failed exec</text>\n",
			x + 4, legend_y - 4, x + 10, legend_y);
		if (c->by_unit) {
			x += 10 + 11 * 6.2 + 16;
			fprintf(f,
				"<rect x=\"%.0f\" y=\"%u\" width=\"10\" height=\"8\" "
				"class=\"lane\"/><text class=\"s\" x=\"%.0f\" y=\"%u\">unit: first "
				"process to last exit</text>\n",
				x, legend_y - 8, x + 14, legend_y);
		}
	}

	/* stripes, grid and axis */
	for (uint32_t i = 0; i < l.nrows; i += 2)
		fprintf(f,
			"<rect class=\"stripe\" x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\"/>\n",
			MARGIN, axis_y + 6 + i * ROW_H - 2, W - 2 * MARGIN, ROW_H);
	step = nice_step((double)(l.t1 - l.t0) / ((double)plot_w / 110.0));
	for (uint64_t off = 0; off <= l.t1 - l.t0; off += step) {
		double x = l.x0 + (double)off * l.xscale;

		fmt_tick(buf, sizeof(buf), off, step);
		fprintf(f,
			"<path class=\"grid\" d=\"M%.1f %uV%u\"/><text class=\"t\" x=\"%.1f\" "
			"y=\"%u\">%s</text>\n",
			x, axis_y + 2, axis_y + 6 + l.nrows * ROW_H, x, axis_y - 3, buf);
		if (off + step < off)
			break;
	}
	fprintf(f, "<path class=\"axis\" d=\"M%u %uH%u\"/>\n", l.x0, axis_y + 2, l.x0 + plot_w);

	/* the rows */
	for (uint32_t i = 0; i < l.nrows && !err; i++) {
		double y = axis_y + 6 + (double)i * ROW_H;

		if (l.rows[i].kind == ROW_PROC)
			draw_proc(f, &l, &l.rows[i], y);
		else if (l.rows[i].kind == ROW_LANE)
			rx_chart_draw_lane(f, &l, &l.rows[i], y);
		else
			err = draw_group(f, &l, &l.rows[i], y);
	}
	fputs("</svg>\n", f);
	if (!err && (fflush(f) || ferror(f)))
		err = -EIO;
out:
	layout_free(&l);
	return err;
}
