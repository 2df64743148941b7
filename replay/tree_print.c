/* SPDX-License-Identifier: MIT */
/* execrec tree's text: pstree-like lines, identical subtrees folded (tree.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "tree_internal.h"

#define C_RESET "\033[0m"
#define C_RED "\033[31m"
#define C_YELLOW "\033[33m"
#define C_DIM "\033[2m"
#define C_BOLD "\033[1m"

/* ---- labels ----------------------------------------------------------- */

/* Arguments after argv[0]. */
static struct etr_str args_tail(const struct etr_str *argv)
{
	struct etr_str rest = *argv, a;
	uint32_t pos = 0;

	if (etr_args__next(argv, &pos, &a)) {
		rest.ptr += pos;
		rest.len -= pos;
	}
	return rest;
}

static void put_args(struct rp_tree *t, FILE *f, const struct etr_str *argv)
{
	struct etr_str rest = args_tail(argv);

	if (rest.len) {
		putc(' ', f);
		rp_fput_argv(f, &rest, t->max_args);
	}
}

/* What follows the name: the arguments of each program it ran. */
static void put_programs(struct rp_tree *t, FILE *f, const struct rp_proc *p)
{
	const struct rp_model *m = t->model;
	bool first = true;
	int fails = 0;

	for (uint32_t i = p->exec_first; i != RP_NONE;) {
		const struct rp_exec *x = rp_model__exec(m, i);

		i = x->next;
		if (x->ret)
			continue;
		if (!first) {
			struct etr_str b = rp_basename(x->filename);

			fputs(" => ", f);
			rp_fput_shell(f, b.ptr, b.len);
		}
		put_args(t, f, &x->argv);
		first = false;
	}
	for (uint32_t i = p->exec_first; i != RP_NONE;) {
		const struct rp_exec *x = rp_model__exec(m, i);
		const char *en = rp_errno_name(x->ret);

		i = x->next;
		if (!x->ret)
			continue;
		if (fails++ == 3) {
			fprintf(f, ", +%" PRIu32 " more", p->nfail - 3);
			break;
		}
		fputs(fails == 1 ? "  [exec failed: " : ", ", f);
		rp_fput_shell(f, x->filename.ptr, x->filename.len);
		if (en)
			fprintf(f, " %s", en);
		else
			fprintf(f, " %d", x->ret);
	}
	if (fails)
		putc(']', f);
}

/* How it ended, if that is worth a word; colored when @color. */
static void put_status(struct rp_tree *t, FILE *f, const struct rp_proc *p)
{
	const char *red = t->color ? C_RED : "", *yel = t->color ? C_YELLOW : "";
	const char *rst = t->color ? C_RESET : "";

	if (p->flags & RP_PF_EXITED) {
		if (p->signal) {
			const char *sn = rp_signal_name(p->signal);

			fprintf(f, "  %s", red);
			if (sn)
				fputs(sn, f);
			else
				fprintf(f, "signal %d", p->signal);
			fprintf(f, "%s%s", p->flags & RP_PF_CORE ? " (core dumped)" : "", rst);
		} else if (p->exit_code) {
			fprintf(f, "  %sexit %d%s", red, p->exit_code, rst);
		}
	} else if (p->flags & RP_PF_RUNNING) {
		fprintf(f, "  %srunning%s", yel, rst);
	} else if (!(p->flags & RP_PF_PLACEHOLDER)) {
		fprintf(f, "  %sno exit seen%s", yel, rst);
	}
	if (p->flags & RP_PF_REPARENTED)
		fprintf(f, "  [adopted by %" PRIu32 "]", p->reparent_pid);
	if (p->flags & RP_PF_LOST)
		fprintf(f, "  %s[events lost]%s", yel, rst);
	if ((p->flags & RP_PF_NO_START) && !(p->flags & RP_PF_PLACEHOLDER))
		fputs("  [start not seen]", f);
	if (p->flags & RP_PF_PLACEHOLDER)
		fputs("  [not recorded]", f);
	if (p->flags & RP_PF_TRUNC)
		fputs("  [args cut]", f);
}

static void put_duration(struct rp_tree *t, FILE *f, const struct rp_proc *p)
{
	char d[24];
	uint64_t ns;

	if (p->flags & RP_PF_PLACEHOLDER)
		return;
	if (!rp_model__duration(t->model, p, &ns)) {
		fputs("  ?", f);
		return;
	}
	rp_fmt_duration(d, sizeof(d), ns);
	fprintf(f, "  %s%s", d, p->flags & RP_PF_RUNNING ? "+" : "");
}

/* ---- printing ---------------------------------------------------------- */

struct group {
	uint32_t first; /* the member printed */
	uint32_t count;
	uint64_t min_ns, max_ns;
	bool dur_known;
};

struct sortkey {
	uint64_t sig;
	uint32_t pos;
};

static int cmp_key(const void *a, const void *b)
{
	const struct sortkey *x = a, *y = b;

	if (x->sig != y->sig)
		return x->sig < y->sig ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Siblings (visible, in start order) folded into groups of identical ones,
 * in the order of their first member. Returns the number of groups. */
static size_t make_groups(struct rp_tree *t, const uint32_t *kids, size_t n, struct group *g)
{
	struct sortkey *k;
	uint32_t *leader;
	size_t ng = 0;

	if (!t->compact || n < 2) {
		for (size_t i = 0; i < n; i++) {
			struct rp_proc *p = rp_model__proc(t->model, kids[i]);

			g[i].first = kids[i];
			g[i].count = 1;
			g[i].dur_known = rp_model__duration(t->model, p, &g[i].min_ns);
			g[i].max_ns = g[i].min_ns;
		}
		return n;
	}
	k = malloc(n * sizeof(*k));
	leader = malloc(n * sizeof(*leader));
	if (!k || !leader) {
		free(k);
		free(leader);
		t->compact = false;
		return make_groups(t, kids, n, g);
	}
	for (size_t i = 0; i < n; i++) {
		k[i].sig = t->sig[kids[i]];
		k[i].pos = (uint32_t)i;
	}
	qsort(k, n, sizeof(*k), cmp_key);
	for (size_t i = 0; i < n; i++)
		leader[k[i].pos] = i && k[i].sig == k[i - 1].sig ? leader[k[i - 1].pos] : k[i].pos;
	/* groups in the order of their leaders; members fold into them */
	for (size_t i = 0; i < n; i++) {
		struct rp_proc *p = rp_model__proc(t->model, kids[i]);
		uint64_t d;
		bool known = rp_model__duration(t->model, p, &d);

		if (leader[i] == i) {
			g[ng].first = kids[i];
			g[ng].count = 1;
			g[ng].dur_known = known;
			g[ng].min_ns = g[ng].max_ns = d;
			leader[i] = (uint32_t)ng++; /* from now on: its group */
			continue;
		}
		{
			struct group *gr = &g[leader[leader[i]]];

			gr->count++;
			if (known && gr->dur_known) {
				if (d < gr->min_ns)
					gr->min_ns = d;
				if (d > gr->max_ns)
					gr->max_ns = d;
			} else {
				gr->dur_known = false;
			}
		}
	}
	free(k);
	free(leader);
	return ng;
}

static int prefix_push(struct rp_tree *t, size_t at, const char *s)
{
	size_t l = strlen(s);

	if (at + l + 1 > t->prefix_cap) {
		size_t cap = (at + l + 1) * 2;
		char *p = realloc(t->prefix, cap);

		if (!p)
			return -ENOMEM;
		t->prefix = p;
		t->prefix_cap = cap;
	}
	memcpy(t->prefix + at, s, l + 1);
	return 0;
}

static void print_line(struct rp_tree *t, const struct group *g, int depth)
{
	FILE *f = t->f;
	struct rp_proc *p = rp_model__proc(t->model, g->first);
	struct etr_str name = first_name(t->model, p);
	const char *b = t->color ? C_BOLD : "", *r = t->color ? C_RESET : "";

	if (g->count > 1)
		fprintf(f, "%" PRIu32 "*[", g->count);
	fputs(b, f);
	if (p->flags & RP_PF_PLACEHOLDER)
		fputc('?', f); /* pstree's mark of a process it knows nothing of */
	else
		rp_fput_shell(f, name.ptr, name.len);
	fputs(r, f);
	if (g->count == 1)
		fprintf(f, ",%" PRIu32, p->pid);
	put_programs(t, f, p);
	if (g->count > 1) {
		char d1[24], d2[24];

		if (g->dur_known) {
			rp_fmt_duration(d1, sizeof(d1), g->min_ns);
			rp_fmt_duration(d2, sizeof(d2), g->max_ns);
			if (g->min_ns == g->max_ns)
				fprintf(f, "  %s", d1);
			else
				fprintf(f, "  %s..%s", d1, d2);
		}
	} else {
		put_duration(t, f, p);
	}
	put_status(t, f, p);
	if (g->count > 1)
		putc(']', f);
	if (t->depth >= 0 && depth >= t->depth && t->hidden[g->first])
		fprintf(f, "  %s[+%" PRIu32 " below]%s", t->color ? C_DIM : "", t->hidden[g->first],
			r);
	putc('\n', f);
}

/* Deep enough for any real tree; past it, one line says what is left out. */
#define MAX_DEPTH 2000

static int print_children(struct rp_tree *t, uint32_t idx, size_t plen, int depth)
{
	struct rp_proc *p = rp_model__proc(t->model, idx);
	const char *mid = t->unicode ? "├─" : "|-", *last = t->unicode ? "└─" : "`-";
	const char *bar = t->unicode ? "│ " : "| ";
	FILE *f = t->f;
	uint32_t *kids;
	struct group *g;
	size_t n = 0, ng;
	int err = 0;

	if (t->depth >= 0 && depth >= t->depth)
		return 0;
	for (uint32_t c = p->first_child; c != RP_NONE;
	     c = rp_model__proc(t->model, c)->next_sibling)
		if (visible(rp_model__proc(t->model, c)) &&
		    !(rp_model__proc(t->model, c)->mark & M_ROOT))
			n++;
	if (!n)
		return 0;
	if (depth >= MAX_DEPTH) {
		fprintf(f, "%s%s[%" PRIu32 " more levels not shown]\n", t->prefix, last,
			t->hidden[idx]);
		return 0;
	}
	kids = malloc(n * sizeof(*kids));
	g = malloc(n * sizeof(*g));
	if (!kids || !g) {
		free(kids);
		free(g);
		return -ENOMEM;
	}
	n = 0;
	for (uint32_t c = p->first_child; c != RP_NONE;
	     c = rp_model__proc(t->model, c)->next_sibling)
		if (visible(rp_model__proc(t->model, c)) &&
		    !(rp_model__proc(t->model, c)->mark & M_ROOT))
			kids[n++] = c;
	ng = make_groups(t, kids, n, g);
	for (size_t i = 0; i < ng && !err; i++) {
		bool is_last = i == ng - 1;

		t->prefix[plen] = '\0';
		fputs(t->prefix, f);
		fputs(t->color ? C_DIM : "", f);
		fputs(is_last ? last : mid, f);
		fputs(t->color ? C_RESET : "", f);
		print_line(t, &g[i], depth + 1);
		err = prefix_push(t, plen, is_last ? "  " : bar);
		if (!err)
			err = print_children(t, g[i].first, plen + strlen(is_last ? "  " : bar),
					     depth + 1);
	}
	free(kids);
	free(g);
	return err;
}

static int print_text(struct rp_tree *t)
{
	uint32_t n = rp_model__count(t->model), nroots = 0;
	uint32_t *roots;
	struct group *g;
	size_t ng;
	int err = 0;

	for (uint32_t i = 0; i < n; i++) {
		struct rp_proc *p = rp_model__proc(t->model, i);

		nroots += (p->mark & M_ROOT) && visible(p);
	}
	roots = malloc(((size_t)nroots + 1) * sizeof(*roots));
	g = malloc(((size_t)nroots + 1) * sizeof(*g));
	if (!roots || !g || prefix_push(t, 0, "")) {
		free(roots);
		free(g);
		return -ENOMEM;
	}
	nroots = 0;
	for (uint32_t i = 0; i < n; i++) {
		struct rp_proc *p = rp_model__proc(t->model, i);

		if ((p->mark & M_ROOT) && visible(p))
			roots[nroots++] = i;
	}
	ng = make_groups(t, roots, nroots, g);
	for (size_t i = 0; i < ng && !err; i++) {
		print_line(t, &g[i], 0);
		err = print_children(t, g[i].first, 0, 0);
	}
	free(roots);
	free(g);
	return err;
}

#define POPT(o, field, def)                                                                        \
	((o) && (o)->sz >= offsetof(struct rp_tree_print_opts, field) + sizeof((o)->field)         \
	     ? (o)->field                                                                          \
	     : (def))

int rp_tree__print_text(struct rp_tree *t, FILE *f, const struct rp_tree_print_opts *opts)
{
	t->f = f;
	t->compact = !POPT(opts, no_compact, false);
	t->depth = POPT(opts, limit_depth, false) ? (int)POPT(opts, depth, 0) : -1;
	t->max_args = POPT(opts, max_args, 0);
	t->unicode = POPT(opts, unicode, false);
	t->color = POPT(opts, color, false);
	return print_text(t);
}
