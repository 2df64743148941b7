/* SPDX-License-Identifier: MIT */
/*
 * The chart by systemd unit (rx_chart_opts.by_unit): one lane per unit,
 * the lanes in the order of their first process (as the boot view lists
 * them), each headed by a row whose band spans the unit's processes. A
 * process belongs to the unit of its cgroup as of its last event, as in the
 * boot view: a child systemd forks starts in init.scope and is moved to its
 * unit's cgroup before it execs. Within a lane the processes keep their
 * tree; one whose parent ran in another unit (systemd's children, a
 * service started by another one) is a root of its lane, so each lane
 * reads on its own and the title of a process still names its real parent.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"

#define UNKNOWN_CGROUP "(unknown cgroup)"

struct named {
	const char *name;
	bool is_unit;
	uint32_t v;
};

static int cmp_named(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int r = strcmp(x->name, y->name);

	return r ? r : (x->v > y->v) - (x->v < y->v);
}

/* Lanes by their first process, then by name: the boot view's order. */
static int cmp_lane(const void *a, const void *b)
{
	const struct lane *x = a, *y = b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Each process's lane; l->lanes named, in their final order. */
static int assign_lanes(struct layout *l)
{
	const struct rx_chart *c = l->c;
	struct named *nm = malloc(((size_t)l->norder + 1) * sizeof(*nm));
	uint32_t *rank = NULL;
	int err = -ENOMEM;

	l->lane_of = malloc(((size_t)l->n + 1) * sizeof(*l->lane_of));
	l->lanes = calloc((size_t)l->norder + 1, sizeof(*l->lanes));
	if (!nm || !l->lane_of || !l->lanes)
		goto out;
	for (uint32_t k = 0; k < l->norder; k++) {
		uint32_t v = l->order[k];
		const struct rp_proc *p = rp_model__proc(c->m, v);
		const struct rp_cgroup *g = rp_trace__cgroup(c->t, p->cgroup_id);

		nm[k] = (struct named){g ? g->unit : UNKNOWN_CGROUP, g && g->is_unit, v};
	}
	qsort(nm, l->norder, sizeof(*nm), cmp_named);
	for (uint32_t k = 0; k < l->norder; k++) {
		const struct rp_proc *p = rp_model__proc(c->m, nm[k].v);
		struct lane *ln;

		if (!k || strcmp(nm[k].name, nm[k - 1].name)) {
			ln = &l->lanes[l->nlanes++];
			ln->name = nm[k].name;
			ln->is_unit = nm[k].is_unit;
			ln->first = UINT64_MAX;
		}
		ln = &l->lanes[l->nlanes - 1];
		l->lane_of[nm[k].v] = l->nlanes - 1;
		/* placed by when its processes began, before the recording too
		 * (the boot view's order); placeholders, known only as
		 * parents, do not place a lane */
		if (!(p->flags & RP_PF_PLACEHOLDER)) {
			uint64_t s = p->start_ns ? p->start_ns : l->s[nm[k].v];

			if (s < ln->first)
				ln->first = s;
		}
	}

	/* sorted, each lane keeps its index before (in .start, free until
	 * chart_lanes_build fills it) to renumber the processes */
	rank = malloc(((size_t)l->nlanes + 1) * sizeof(*rank));
	if (!rank)
		goto out;
	for (uint32_t i = 0; i < l->nlanes; i++)
		l->lanes[i].start = i;
	qsort(l->lanes, l->nlanes, sizeof(*l->lanes), cmp_lane);
	for (uint32_t i = 0; i < l->nlanes; i++)
		rank[l->lanes[i].start] = i;
	for (uint32_t k = 0; k < l->norder; k++)
		l->lane_of[l->order[k]] = rank[l->lane_of[l->order[k]]];
	err = 0;
out:
	free(nm);
	free(rank);
	return err;
}

int rx_chart_lanes_build(struct layout *l)
{
	uint32_t n = l->n, top = 0, pos = 0;
	uint32_t *kid = NULL, *next = NULL, *roots = NULL, *rstart = NULL, *stack = NULL,
		 *order = NULL, *fill = NULL;
	int err = assign_lanes(l);

	if (err)
		return err;
	err = -ENOMEM;
	kid = malloc(((size_t)n + 1) * sizeof(*kid));
	next = malloc(((size_t)n + 1) * sizeof(*next));
	roots = malloc(((size_t)n + 1) * sizeof(*roots));
	rstart = calloc((size_t)l->nlanes + 2, sizeof(*rstart));
	stack = malloc(((size_t)n + 1) * sizeof(*stack));
	order = malloc(((size_t)n + 1) * sizeof(*order));
	fill = malloc(((size_t)l->nlanes + 1) * sizeof(*fill));
	if (!kid || !next || !roots || !rstart || !stack || !order || !fill)
		goto out;

	/* the tree within a unit; children listed in the whole tree's order
	 * (start order), as the tree's pre-order is walked backwards */
	for (uint32_t v = 0; v < n; v++)
		kid[v] = next[v] = RP_NONE;
	for (uint32_t k = l->norder; k-- > 0;) {
		uint32_t v = l->order[k], pa = l->par[v];

		if (pa != RP_NONE && l->lane_of[pa] != l->lane_of[v])
			pa = l->par[v] = RP_NONE;
		if (pa != RP_NONE) {
			next[v] = kid[pa];
			kid[pa] = v;
		}
	}
	/* the roots of each lane, in the tree's order */
	for (uint32_t k = 0; k < l->norder; k++)
		if (l->par[l->order[k]] == RP_NONE)
			rstart[l->lane_of[l->order[k]] + 1]++;
	for (uint32_t i = 0; i < l->nlanes; i++) {
		rstart[i + 1] += rstart[i];
		fill[i] = rstart[i];
	}
	for (uint32_t k = 0; k < l->norder; k++) {
		uint32_t v = l->order[k];

		if (l->par[v] == RP_NONE)
			roots[fill[l->lane_of[v]]++] = v;
	}
	/* lane by lane: each root's subtree in pre-order */
	for (uint32_t i = 0; i < l->nlanes; i++) {
		l->lanes[i].start = pos;
		for (uint32_t r = rstart[i]; r < rstart[i + 1]; r++) {
			top = 0;
			stack[top++] = roots[r];
			while (top) {
				uint32_t v = stack[--top], cnt = 0, k;

				order[pos++] = v;
				for (uint32_t ch = kid[v]; ch != RP_NONE; ch = next[ch])
					cnt++;
				top += cnt;
				k = top;
				for (uint32_t ch = kid[v]; ch != RP_NONE; ch = next[ch])
					stack[--k] = ch;
			}
		}
		l->lanes[i].count = pos - l->lanes[i].start;
	}
	if (pos != l->norder) { /* every process is in one lane, once */
		err = -EINVAL;
		goto out;
	}
	memcpy(l->order, order, (size_t)pos * sizeof(*order));
	err = 0;
out:
	free(kid);
	free(next);
	free(roots);
	free(rstart);
	free(stack);
	free(order);
	free(fill);
	return err;
}

void rx_chart_lanes_count(struct layout *l)
{
	const struct rp_model *m = l->c->m;

	for (uint32_t i = 0; i < l->nlanes; i++) {
		struct lane *ln = &l->lanes[i];

		ln->first = UINT64_MAX;
		ln->last = 0;
		for (uint32_t k = ln->start; k < ln->start + ln->count; k++) {
			uint32_t v = l->order[k];
			const struct rp_proc *p = rp_model__proc(m, v);
			uint64_t s = l->s[v] < l->t0 ? l->t0 : l->s[v];
			uint64_t e = l->e[v] > l->t1 ? l->t1 : l->e[v];

			if (!l->vis[v])
				continue;
			ln->procs++;
			ln->execs += p->nexec;
			ln->failed_execs += p->nfail;
			if ((p->flags & RP_PF_EXITED) && p->signal)
				ln->signals++;
			else if ((p->flags & RP_PF_EXITED) && p->exit_code)
				ln->bad_exits++;
			if (p->flags & RP_PF_RUNNING)
				ln->running++;
			if (s < ln->first)
				ln->first = s;
			if (e > ln->last)
				ln->last = e;
		}
		if (!ln->procs)
			ln->first = ln->last = l->t0;
	}
}

void rx_chart_lanes_style(FILE *f)
{
	fputs(".u{font-size:11px;font-weight:bold}\n"
	      ".lane{fill:#9fb4cc}\n"
	      ".lanebad{fill:#b00020}\n",
	      f);
}

static void fmt_at(char *buf, size_t len, const struct layout *l, uint64_t t)
{
	uint64_t d = t - l->t0;

	snprintf(buf, len, "+%" PRIu64 ".%03" PRIu64 "s", d / 1000000000u,
		 d % 1000000000u / 1000000u);
}

void rx_chart_draw_lane(FILE *f, const struct layout *l, const struct row *r, double y)
{
	const struct lane *ln = &l->lanes[r->lane];
	double x1 = rx_chart_xpos(l, ln->first), x2 = rx_chart_xpos(l, ln->last);
	uint32_t bad = ln->failed_execs + ln->bad_exits + ln->signals;
	char a[32], b[32], sum[160];
	int slen;

	if (x2 - x1 < 1.0)
		x2 = x1 + 1.0;
	fmt_at(a, sizeof(a), l, ln->first);
	fmt_at(b, sizeof(b), l, ln->last);
	slen = snprintf(sum, sizeof(sum), "%" PRIu32 " process%s, %" PRIu32 " exec%s", ln->procs,
			ln->procs == 1 ? "" : "es", ln->execs, ln->execs == 1 ? "" : "s");
	if (ln->failed_execs && slen < (int)sizeof(sum))
		slen += snprintf(sum + slen, sizeof(sum) - (size_t)slen, ", %" PRIu32 " failed",
				 ln->failed_execs);
	if (ln->bad_exits && slen < (int)sizeof(sum))
		slen += snprintf(sum + slen, sizeof(sum) - (size_t)slen,
				 ", %" PRIu32 " non-zero exit%s", ln->bad_exits,
				 ln->bad_exits == 1 ? "" : "s");
	if (ln->signals && slen < (int)sizeof(sum))
		snprintf(sum + slen, sizeof(sum) - (size_t)slen, ", %" PRIu32 " killed",
			 ln->signals);

	fputs("<g><title>", f);
	rx_fput_text(f, ln->name, strlen(ln->name), RX_Q_XML);
	fputs(ln->is_unit ? " (unit)" : " (cgroup, no unit)", f);
	fprintf(f, "\n%s\nfirst process %s, ", sum, a);
	if (ln->running)
		fprintf(f, "%" PRIu32 " still running at the end", ln->running);
	else
		fprintf(f, "last exit %s", b);
	fputs("</title>", f);
	rx_chart_put_label(f, 0, y, "u", ln->name, strlen(ln->name), NULL);
	fprintf(f, "<rect class=\"lane\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\"/>", x1,
		y + 2, x2 - x1, BAR_H - 2);
	/* a unit with failures is marked at its start, in the failed-exec red */
	if (bad)
		fprintf(f,
			"<rect class=\"lanebad\" x=\"%.1f\" y=\"%.1f\" width=\"3\" height=\"%d\"/>",
			x1, y, BAR_H);
	if (x2 - x1 > 6 * BAR_CHAR_W) {
		size_t room = (size_t)((x2 - x1 - 8) / BAR_CHAR_W);

		fprintf(f, "<text class=\"b\" x=\"%.1f\" y=\"%.1f\">", x1 + 5, y + BAR_H - 1);
		rx_fput_text(f, sum, strlen(sum) < room ? strlen(sum) : room, RX_Q_XML);
		fputs("</text>", f);
	}
	fputs("</g>\n", f);
}
