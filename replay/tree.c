/* SPDX-License-Identifier: MIT */
/*
 * execrec tree (tree.h): the model, which processes are shown, the
 * signatures that tell identical subtrees apart, and the records for
 * machines; tree_print.c draws the text.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tree_internal.h"

static bool in_list(const uint32_t *l, size_t n, uint32_t v)
{
	for (size_t i = 0; i < n; i++)
		if (l[i] == v)
			return true;
	return false;
}

/* ---- which processes are shown --------------------------------------- */

static void mark_visible(struct rp_tree *t)
{
	uint32_t n = rp_model__count(t->model);
	bool filtered = rp_filter__active(t->filter);

	for (uint32_t i = 0; i < n; i++) {
		struct rp_proc *p = rp_model__proc(t->model, i);

		p->mark = 0;
		if (t->nroots ? in_list(t->roots, t->nroots, p->pid) : p->parent == RP_NONE)
			p->mark |= M_ROOT;
	}
	for (uint32_t i = 0; i < n; i++) {
		struct rp_proc *p = rp_model__proc(t->model, i), *a;
		bool under_root = !t->nroots;

		if (p->flags & RP_PF_PLACEHOLDER)
			continue; /* shown only as an ancestor */
		if (t->nroots) {
			for (a = p; a;
			     a = a->parent == RP_NONE ? NULL : rp_model__proc(t->model, a->parent))
				if (a->mark & M_ROOT) {
					under_root = true;
					break;
				}
		}
		if (!under_root || (filtered && !rp_filter__match_proc(t->filter, t->model, p)))
			continue;
		/* the process and its ancestors, up to the root of its subtree */
		for (a = p; a && !(a->mark & M_VISIBLE);) {
			a->mark |= M_VISIBLE;
			if (a->mark & M_ROOT)
				break;
			a = a->parent == RP_NONE ? NULL : rp_model__proc(t->model, a->parent);
		}
	}
}

/* ---- signatures -------------------------------------------------------- */

/* A hash for telling subtrees apart: eight bytes at a time, since it runs
 * over every argument of every process. */
static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t w;

	while (len >= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
		p += 8;
		len -= 8;
	}
	w = len;
	for (size_t i = 0; i < len; i++)
		w = (w << 8) | p[i];
	h = (h ^ w) * 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 31);
}

/* What the line of a process shows, but its pid and duration. */
static uint64_t label_hash(const struct rp_tree *t, const struct rp_proc *p)
{
	uint64_t h = 0xcbf29ce484222325ull;
	struct etr_str n = first_name(t->model, p);
	uint32_t f = p->flags & (RP_PF_RUNNING | RP_PF_EXITED | RP_PF_REPARENTED | RP_PF_LOST |
				 RP_PF_NO_START | RP_PF_PLACEHOLDER | RP_PF_TRUNC | RP_PF_CORE);

	h = fnv(h, n.ptr, n.len);
	for (uint32_t i = p->exec_first; i != RP_NONE;) {
		const struct rp_exec *x = rp_model__exec(t->model, i);

		h = fnv(h, &x->ret, sizeof(x->ret));
		/* one id per distinct string: the id stands for the name */
		h = fnv(h, &x->filename, sizeof(x->filename));
		h = fnv(h, "\0", 1);
		h = fnv(h, x->argv.ptr, x->argv.len);
		h = fnv(h, "\0\1", 2);
		i = x->next;
	}
	h = fnv(h, &f, sizeof(f));
	h = fnv(h, &p->exit_code, sizeof(p->exit_code));
	h = fnv(h, &p->signal, sizeof(p->signal));
	if (p->flags & RP_PF_REPARENTED)
		h = fnv(h, &p->reparent_pid, sizeof(p->reparent_pid));
	return h;
}

/*
 * Signatures bottom-up: each process after all its descendants, in a
 * post-order walk that needs no stack of processes and no list of the
 * order (a child list links its siblings, and each child its parent).
 * What it does keep is one hash per level being walked: a child's
 * signature is folded into its parent's as soon as it is known, so that a
 * list of children is walked once, not again to gather their signatures
 * (a walk of records long out of the cache, for a make of 100,000 jobs).
 */
static int compute_sigs(struct rp_tree *t)
{
	struct rp_model *m = t->model;
	uint32_t n = rp_model__count(m);
	uint64_t *acc = NULL; /* the hash so far of each process on the way down */
	size_t depth = 0, cap = 0;
	int err = 0;

	t->sig = calloc((size_t)n + 1, sizeof(*t->sig));
	if (!t->sig)
		return -ENOMEM;
	for (uint32_t r = 0; r < n && !err; r++) {
		struct rp_proc *root = rp_model__proc(m, r);
		uint32_t v = r, c = r;
		bool down = true;

		if (!(root->mark & M_ROOT) || !visible(root))
			continue;
		for (;;) {
			struct rp_proc *p;
			uint64_t h;

			if (down) {
				/* arrived at @c: its own line first */
				if (depth == cap) {
					size_t ncap = cap ? cap * 2 : 64;
					uint64_t *a = realloc(acc, ncap * sizeof(*a));

					if (!a) {
						err = -ENOMEM;
						break;
					}
					acc = a;
					cap = ncap;
				}
				v = c;
				acc[depth++] = label_hash(t, rp_model__proc(m, v));
				c = shown_child(m, rp_model__proc(m, v)->first_child);
				if (c != RP_NONE)
					continue;
			}
			/* all below @v is done */
			p = rp_model__proc(m, v);
			h = acc[--depth];
			t->sig[v] = h ? h : 1;
			if (v == r || !depth)
				break; /* !depth: never, in a model of one parent each */
			acc[depth - 1] = fnv(acc[depth - 1], &t->sig[v], sizeof(t->sig[v]));
			/* then its next sibling's subtree, or after the last, the parent */
			c = shown_child(m, p->next_sibling);
			down = c != RP_NONE;
			if (!down)
				v = p->parent;
		}
	}
	free(acc);
	return err;
}

/* How many processes are shown below @idx (for "[+N below]"): counted
 * only for the lines that say it, in a walk like compute_sigs'. */
uint32_t rp_tree__below(const struct rp_tree *t, uint32_t idx)
{
	const struct rp_model *m = t->model;
	uint32_t n = 0, v = shown_child(m, rp_model__proc(m, idx)->first_child);

	while (v != RP_NONE) {
		const struct rp_proc *p = rp_model__proc(m, v);
		uint32_t c = shown_child(m, p->first_child);

		n++;
		/* down, else the next sibling here or of the nearest ancestor */
		while (c == RP_NONE && v != idx) {
			c = shown_child(m, p->next_sibling);
			v = p->parent;
			p = rp_model__proc(m, v);
		}
		v = c;
	}
	return n;
}

/* ---- records for machines ---------------------------------------------- */

/* Machine output: every process shown, in the order of the tree (a
 * parent before its children, children in start order). */
static int print_records(struct rp_tree *t, FILE *f, bool csv)
{
	struct rp_model *m = t->model;
	uint32_t n = rp_model__count(m), top = 0;
	uint32_t *stack = malloc(((size_t)n + 1) * sizeof(*stack));

	if (!stack)
		return -ENOMEM;
	if (csv)
		rp_csv_header(f);
	for (uint32_t i = 0; i < n; i++) {
		struct rp_proc *root = rp_model__proc(m, i);

		if (!(root->mark & M_ROOT) || !visible(root))
			continue;
		stack[top++] = i;
		while (top) {
			struct rp_proc *p = rp_model__proc(m, stack[--top]);
			uint32_t first = top;

			if (csv)
				rp_print_proc_csv(f, t->trace, m, p);
			else
				rp_print_proc_json(f, t->trace, m, p);
			for (uint32_t c = p->first_child; c != RP_NONE;) {
				struct rp_proc *cp = rp_model__proc(m, c);

				if (visible(cp) && !(cp->mark & M_ROOT))
					stack[top++] = c;
				c = cp->next_sibling;
			}
			/* pushed in start order: reverse, so the first pops first */
			for (uint32_t a = first, b = top; b > a + 1; a++, b--) {
				uint32_t x = stack[a];

				stack[a] = stack[b - 1];
				stack[b - 1] = x;
			}
		}
	}
	free(stack);
	return 0;
}

/* ---- the tree ---------------------------------------------------------- */

#define OPT(o, type, field, def)                                                                   \
	((o) && (o)->sz >= offsetof(type, field) + sizeof((o)->field) ? (o)->field : (def))

struct rp_tree *rp_tree__new(const struct rp_trace *trace, const struct rp_tree_opts *opts)
{
	struct rp_tree *t = calloc(1, sizeof(*t));
	const uint32_t *pids = OPT(opts, struct rp_tree_opts, pids, NULL);
	size_t npids = OPT(opts, struct rp_tree_opts, npids, 0);

	if (!t)
		return NULL;
	t->trace = trace;
	t->filter = OPT(opts, struct rp_tree_opts, filter, NULL);
	if (pids && npids) {
		t->roots = malloc(npids * sizeof(*t->roots));
		if (!t->roots)
			goto fail;
		memcpy(t->roots, pids, npids * sizeof(*t->roots));
		t->nroots = npids;
	}
	t->model = rp_model__new(&(struct rp_model_opts){.sz = sizeof(struct rp_model_opts)});
	if (!t->model)
		goto fail;
	return t;
fail:
	rp_tree__free(t);
	errno = ENOMEM;
	return NULL;
}

void rp_tree__free(struct rp_tree *t)
{
	if (!t)
		return;
	rp_model__free(t->model);
	free(t->roots);
	free(t->sig);
	free(t->prefix);
	free(t->scratch);
	free(t);
}

int rp_tree__add(struct rp_tree *t, const struct etr_event *ev)
{
	return rp_model__add(t->model, ev);
}

int rp_tree__finish(struct rp_tree *t)
{
	uint64_t last = rp_trace__last_ns(t->trace);
	const struct etr_end *e = rp_trace__end(t->trace);
	int err;

	if (e && e->ts_ns > last)
		last = e->ts_ns;
	err = rp_model__finish(t->model, last);
	if (err)
		return err;
	/* only reading is left: what building needed goes before the signatures
	 * take its place */
	rp_model__seal(t->model);
	mark_visible(t);
	return compute_sigs(t);
}

int rp_tree__print_json(struct rp_tree *t, FILE *f)
{
	return print_records(t, f, false);
}

int rp_tree__print_csv(struct rp_tree *t, FILE *f)
{
	return print_records(t, f, true);
}

const struct rp_model *rp_tree__model(const struct rp_tree *t)
{
	return t->model;
}
