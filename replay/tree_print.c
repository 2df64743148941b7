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

static void put_args(struct rp_tree *t, const struct etr_str *argv)
{
	struct etr_str rest = args_tail(argv);

	if (rest.len) {
		rp_out__putc(&t->out, ' ');
		rp_out__argv(&t->out, &rest, t->max_args);
	}
}

/* What follows the name: the arguments of each program it ran. */
static void put_programs(struct rp_tree *t, const struct rp_proc *p)
{
	const struct rp_model *m = t->model;
	struct rp_out *o = &t->out;
	bool first = true;
	int fails = 0;

	for (uint32_t i = p->exec_first; i != RP_NONE;) {
		const struct rp_exec *x = rp_model__exec(m, i);

		i = x->next;
		if (x->ret)
			continue;
		if (!first) {
			struct etr_str b = rp_basename(rp_model__str(m, x->filename));

			rp_out__write(o, " => ", 4);
			rp_out__shell(o, b.ptr, b.len);
		}
		put_args(t, &x->argv);
		first = false;
	}
	if (!p->nfail)
		return;
	for (uint32_t i = p->exec_first; i != RP_NONE;) {
		const struct rp_exec *x = rp_model__exec(m, i);
		const char *en = rp_errno_name(x->ret);
		struct etr_str file;

		i = x->next;
		if (!x->ret)
			continue;
		file = rp_model__str(m, x->filename);
		if (fails++ == 3) {
			rp_out__write(o, ", +", 3);
			rp_out__u64(o, (uint32_t)(p->nfail - 3));
			rp_out__write(o, " more", 5);
			break;
		}
		rp_out__puts(o, fails == 1 ? "  [exec failed: " : ", ");
		rp_out__shell(o, file.ptr, file.len);
		rp_out__putc(o, ' ');
		if (en)
			rp_out__puts(o, en);
		else
			rp_out__i64(o, x->ret);
	}
	if (fails)
		rp_out__putc(o, ']');
}

/* How it ended, if that is worth a word; colored when @color. */
static void put_status(struct rp_tree *t, const struct rp_proc *p)
{
	const char *red = t->color ? C_RED : "", *yel = t->color ? C_YELLOW : "";
	const char *rst = t->color ? C_RESET : "";
	struct rp_out *o = &t->out;

	if (p->flags & RP_PF_EXITED) {
		if (p->signal) {
			const char *sn = rp_signal_name(p->signal);

			rp_out__write(o, "  ", 2);
			rp_out__puts(o, red);
			if (sn) {
				rp_out__puts(o, sn);
			} else {
				rp_out__write(o, "signal ", 7);
				rp_out__i64(o, p->signal);
			}
			if (p->flags & RP_PF_CORE)
				rp_out__puts(o, " (core dumped)");
			rp_out__puts(o, rst);
		} else if (p->exit_code) {
			rp_out__write(o, "  ", 2);
			rp_out__puts(o, red);
			rp_out__write(o, "exit ", 5);
			rp_out__i64(o, p->exit_code);
			rp_out__puts(o, rst);
		}
	} else if (p->flags & RP_PF_RUNNING) {
		rp_out__printf(o, "  %srunning%s", yel, rst);
	} else if (!(p->flags & RP_PF_PLACEHOLDER)) {
		rp_out__printf(o, "  %sno exit seen%s", yel, rst);
	}
	if (p->flags & RP_PF_REPARENTED)
		rp_out__printf(o, "  [adopted by %" PRIu32 "]", p->reparent_pid);
	if (p->flags & RP_PF_LOST)
		rp_out__printf(o, "  %s[events lost]%s", yel, rst);
	if ((p->flags & RP_PF_NO_START) && !(p->flags & RP_PF_PLACEHOLDER))
		rp_out__puts(o, "  [start not seen]");
	if (p->flags & RP_PF_PLACEHOLDER)
		rp_out__puts(o, "  [not recorded]");
	if (p->flags & RP_PF_TRUNC)
		rp_out__puts(o, "  [args cut]");
}

static void put_duration(struct rp_tree *t, const struct rp_proc *p)
{
	struct rp_out *o = &t->out;
	uint64_t ns;

	if (p->flags & RP_PF_PLACEHOLDER)
		return;
	if (!rp_model__duration(t->model, p, &ns)) {
		rp_out__write(o, "  ?", 3);
		return;
	}
	rp_out__write(o, "  ", 2);
	rp_out__duration(o, ns);
	if (p->flags & RP_PF_RUNNING)
		rp_out__putc(o, '+');
}

/* ---- printing ---------------------------------------------------------- */

/* A line: one process, or a group of identical siblings printed once. */
struct group {
	uint32_t first; /* the member printed */
	uint32_t count;
	uint64_t min_ns, max_ns;
	bool dur_known;
};

/*
 * Siblings are folded into groups of identical ones (equal signatures),
 * in the order of their first member. The scratch stack holds, per list
 * of siblings, their indices and beside each a link: for the first member
 * of a group the next member (in any order: a group's line shows only
 * counts and extremes), for the others the same with MEMBER set.
 */
#define MEMBER 0x80000000u
#define NO_NEXT 0x7fffffffu

/* @n more slots on the scratch stack; their offset, or -ENOMEM. */
static int64_t scratch_push(struct rp_tree *t, size_t n)
{
	size_t at = t->scratch_len;

	/* allocated even for none: 'scratch + at' must not be NULL + 0 */
	if (at + n > t->scratch_cap || !t->scratch) {
		size_t cap = (at + n) * 2 + 64;
		uint32_t *s = realloc(t->scratch, cap * sizeof(*s));

		if (!s)
			return -ENOMEM;
		t->scratch = s;
		t->scratch_cap = cap;
	}
	t->scratch_len = at + n;
	return (int64_t)at;
}

/* Link the members of each group (see MEMBER) of the @n siblings on the
 * scratch stack at @at; their links go right after them. */
static void find_groups(struct rp_tree *t, int64_t at, uint32_t n)
{
	uint32_t *kids = t->scratch + at, *link = kids + n, *tab, mask;
	int64_t tab_at;

	for (uint32_t i = 0; i < n; i++)
		link[i] = NO_NEXT;
	if (!t->compact || n < 2)
		return;
	if (n <= 8) {
		/* a few siblings: comparing each with the earlier ones is cheapest */
		for (uint32_t i = 1; i < n; i++)
			for (uint32_t j = 0; j < i; j++)
				if (!(link[j] & MEMBER) && t->sig[kids[j]] == t->sig[kids[i]]) {
					link[i] = MEMBER | link[j];
					link[j] = i;
					break;
				}
		return;
	}
	/* many: the first of each signature in a hash table, no sorting */
	for (mask = 15; mask < 2 * n; mask = mask * 2 + 1)
		;
	tab_at = scratch_push(t, (size_t)mask + 1);
	if (tab_at < 0)
		return; /* no memory: every process on a line of its own */
	kids = t->scratch + at;
	link = kids + n;
	tab = t->scratch + tab_at;
	memset(tab, 0xff, ((size_t)mask + 1) * sizeof(*tab));
	for (uint32_t i = 0; i < n; i++) {
		uint64_t sig = t->sig[kids[i]];
		uint32_t h = (uint32_t)(sig ^ sig >> 32) & mask;

		for (;; h = (h + 1) & mask) {
			uint32_t j = tab[h];

			if (j == RP_NONE) {
				tab[h] = i;
				break;
			}
			if (t->sig[kids[j]] == sig) {
				link[i] = MEMBER | link[j];
				link[j] = i;
				break;
			}
		}
	}
	t->scratch_len = (size_t)tab_at;
}

/* The group led by position @i of the siblings at @kids. */
static void group_of(struct rp_tree *t, const uint32_t *kids, const uint32_t *link, uint32_t i,
		     struct group *g)
{
	struct rp_proc *p = rp_model__proc(t->model, kids[i]);

	g->first = kids[i];
	g->count = 1;
	g->dur_known = rp_model__duration(t->model, p, &g->min_ns);
	g->max_ns = g->min_ns;
	for (uint32_t j = link[i] & ~MEMBER; j != NO_NEXT; j = link[j] & ~MEMBER) {
		uint64_t d;
		bool known = rp_model__duration(t->model, rp_model__proc(t->model, kids[j]), &d);

		g->count++;
		if (known && g->dur_known) {
			if (d < g->min_ns)
				g->min_ns = d;
			if (d > g->max_ns)
				g->max_ns = d;
		} else {
			g->dur_known = false;
		}
	}
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
	struct rp_out *o = &t->out;
	struct rp_proc *p = rp_model__proc(t->model, g->first);
	struct etr_str name = first_name(t->model, p);
	const char *b = t->color ? C_BOLD : "", *r = t->color ? C_RESET : "";

	if (g->count > 1) {
		rp_out__u64(o, g->count);
		rp_out__write(o, "*[", 2);
	}
	rp_out__puts(o, b);
	if (p->flags & RP_PF_PLACEHOLDER)
		rp_out__putc(o, '?'); /* pstree's mark of a process it knows nothing of */
	else
		rp_out__shell(o, name.ptr, name.len);
	rp_out__puts(o, r);
	if (g->count == 1) {
		rp_out__putc(o, ',');
		rp_out__u64(o, p->pid);
	}
	put_programs(t, p);
	if (g->count > 1) {
		if (g->dur_known) {
			rp_out__write(o, "  ", 2);
			rp_out__duration(o, g->min_ns);
			if (g->min_ns != g->max_ns) {
				rp_out__write(o, "..", 2);
				rp_out__duration(o, g->max_ns);
			}
		}
	} else {
		put_duration(t, p);
	}
	put_status(t, p);
	if (g->count > 1)
		rp_out__putc(o, ']');
	if (t->depth >= 0 && depth >= t->depth) {
		uint32_t below = rp_tree__below(t, g->first);

		if (below)
			rp_out__printf(o, "  %s[+%" PRIu32 " below]%s", t->color ? C_DIM : "",
				       below, r);
	}
	rp_out__putc(o, '\n');
}

/* Deep enough for any real tree; past it, one line says what is left out. */
#define MAX_DEPTH 2000

static int print_children(struct rp_tree *t, uint32_t idx, size_t plen, int depth);

/*
 * The @n siblings on the scratch stack at @at, grouped, each line with its
 * subtree below it; roots (@depth 0) without the drawing. Pops them.
 */
static int print_siblings(struct rp_tree *t, int64_t at, uint32_t n, size_t plen, int depth)
{
	const char *mid = t->unicode ? "├─" : "|-", *last = t->unicode ? "└─" : "`-";
	const char *bar = t->unicode ? "│ " : "| ";
	uint32_t final = n;
	int err = 0;

	find_groups(t, at, n);
	while (final > 0 && (t->scratch[at + n + final - 1] & MEMBER))
		final--;
	for (uint32_t i = 0; i < n && !err; i++) {
		/* the stack may have moved: pointers only until the next call down */
		const uint32_t *kids = t->scratch + at, *link = kids + n;
		bool is_last = i == final - 1;
		struct group g;

		if (link[i] & MEMBER)
			continue;
		group_of(t, kids, link, i, &g);
		if (depth) {
			struct rp_out *o = &t->out;

			rp_out__write(o, t->prefix, plen);
			if (t->color)
				rp_out__puts(o, C_DIM);
			rp_out__puts(o, is_last ? last : mid);
			if (t->color)
				rp_out__puts(o, C_RESET);
			print_line(t, &g, depth);
			err = prefix_push(t, plen, is_last ? "  " : bar);
			if (!err)
				err = print_children(t, g.first,
						     plen + strlen(is_last ? "  " : bar), depth);
		} else {
			print_line(t, &g, 0);
			err = print_children(t, g.first, 0, 0);
		}
	}
	t->scratch_len = (size_t)at;
	return err;
}

static int print_children(struct rp_tree *t, uint32_t idx, size_t plen, int depth)
{
	uint32_t c, n = 0;
	int64_t at;

	if (t->depth >= 0 && depth >= t->depth)
		return 0;
	c = shown_child(t->model, rp_model__proc(t->model, idx)->first_child);
	if (c == RP_NONE)
		return 0;
	if (depth >= MAX_DEPTH) {
		rp_out__write(&t->out, t->prefix, plen);
		rp_out__printf(&t->out, "%s[%" PRIu32 " more levels not shown]\n",
			       t->unicode ? "└─" : "`-", rp_tree__below(t, idx));
		return 0;
	}
	/* gathered in one walk (records of a long list are out of the cache by
	 * its end), then as many slots for their links */
	at = (int64_t)t->scratch_len;
	for (; c != RP_NONE; c = shown_child(t->model, rp_model__proc(t->model, c)->next_sibling)) {
		if (scratch_push(t, 1) < 0)
			return -ENOMEM;
		t->scratch[at + n++] = c;
	}
	if (scratch_push(t, n) < 0)
		return -ENOMEM;
	return print_siblings(t, at, n, plen, depth + 1);
}

static int print_text(struct rp_tree *t)
{
	uint32_t n = rp_model__count(t->model), nroots = 0;
	int64_t at;

	for (uint32_t i = 0; i < n; i++) {
		struct rp_proc *p = rp_model__proc(t->model, i);

		nroots += (p->mark & M_ROOT) && visible(p);
	}
	if (prefix_push(t, 0, ""))
		return -ENOMEM;
	at = scratch_push(t, 2 * (size_t)nroots);
	if (at < 0)
		return -ENOMEM;
	nroots = 0;
	for (uint32_t i = 0; i < n; i++) {
		struct rp_proc *p = rp_model__proc(t->model, i);

		if ((p->mark & M_ROOT) && visible(p))
			t->scratch[at + nroots++] = i;
	}
	return print_siblings(t, at, nroots, 0, 0);
}

#define POPT(o, field, def)                                                                        \
	((o) && (o)->sz >= offsetof(struct rp_tree_print_opts, field) + sizeof((o)->field)         \
	     ? (o)->field                                                                          \
	     : (def))

/* The text goes out in blocks of this many bytes. */
#define OUT_BUF (64u << 10)

int rp_tree__print_text(struct rp_tree *t, FILE *f, const struct rp_tree_print_opts *opts)
{
	char *buf = malloc(OUT_BUF);
	int err;

	if (!buf)
		return -ENOMEM;
	rp_out__init(&t->out, f, buf, OUT_BUF);
	t->compact = !POPT(opts, no_compact, false);
	t->depth = POPT(opts, limit_depth, false) ? (int)POPT(opts, depth, 0) : -1;
	t->max_args = POPT(opts, max_args, 0);
	t->unicode = POPT(opts, unicode, false);
	t->color = POPT(opts, color, false);
	err = print_text(t);
	rp_out__flush(&t->out);
	free(buf);
	t->out.buf = NULL;
	return err;
}
