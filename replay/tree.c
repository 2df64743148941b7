/* SPDX-License-Identifier: MIT */
/*
 * execrec tree (tree.h): the model, which processes are shown, the
 * signatures that tell identical subtrees apart, and the records for
 * machines; tree_print.c draws the text.
 *
 * For text the model forgets each process once it and all below it are
 * over (forget_ended), so the tree is built as the events come: when a
 * process's record is final its line is drawn (on_end), while its
 * arguments are still held and in the cache; when its subtree is over
 * (on_forget) its children, already closed, are folded into groups and
 * it waits in its parent's list. What is held at the end is the lines to
 * print, not the model of every process: a tenth of the memory, and none
 * of it walked twice out of the cache.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/opts.h"
#include "tree_internal.h"

static bool in_list(const uint32_t *l, size_t n, uint32_t v)
{
	for (size_t i = 0; i < n; i++)
		if (l[i] == v)
			return true;
	return false;
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
static uint64_t label_hash(const struct rp_model *m, const struct rp_proc *p)
{
	uint64_t h = 0xcbf29ce484222325ull;
	struct etr_str n = first_name(m, p);
	/* not RP_PF_TRUNC: a cut cwd is not on the line, a cut argv or
	 * file name is ("[args cut]"), hashed with its exec */
	uint32_t f = p->flags & (RP_PF_RUNNING | RP_PF_EXITED | RP_PF_REPARENTED | RP_PF_LOST |
				 RP_PF_NO_START | RP_PF_PLACEHOLDER | RP_PF_CORE);

	h = fnv(h, n.ptr, n.len);
	for (uint32_t i = p->exec_first; i != RP_NONE;) {
		const struct rp_exec *x = rp_model__exec(m, i);
		uint32_t cut = x->flags & (ETR_EVF_ARGV_TRUNC | ETR_EVF_FILENAME_TRUNC);

		h = fnv(h, &x->ret, sizeof(x->ret));
		h = fnv(h, &cut, sizeof(cut));
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

/* ---- nodes (text) ------------------------------------------------------ */

char *rp_tree__text_alloc(struct rp_tree *t, size_t len)
{
	return ec_arena__alloc(&t->text, len);
}

static uint32_t node_new(struct rp_tree *t)
{
	struct tnode *n;
	uint32_t i;

	if (t->free_node != NODE_NONE) {
		i = t->free_node;
		t->free_node = NODE(t, i)->next;
	} else {
		if (t->nnodes == t->nodes_cap) {
			uint32_t nb = t->nodes_cap >> NODE_SHIFT;
			struct tnode **b = realloc(t->nblk, (nb + 1) * sizeof(*b));

			if (!b)
				return NODE_NONE;
			t->nblk = b;
			b[nb] = ec_mem__map(NODE_BLK * sizeof(struct tnode));
			if (!b[nb])
				return NODE_NONE;
			t->nodes_cap += NODE_BLK;
			t->node_bytes += NODE_BLK * sizeof(struct tnode);
		}
		i = t->nnodes++;
		ec_mem__step(t->nblk[i >> NODE_SHIFT], i & (NODE_BLK - 1), NODE_BLK,
			     sizeof(struct tnode));
	}
	n = NODE(t, i);
	memset(n, 0, sizeof(*n));
	n->open = n->next = NODE_NONE;
	n->count = 1;
	return i;
}

/* The node of @p, made on first use: its children may close before it
 * ends. For text, a process's 'mark' is its node's index + 1 (0: none
 * yet); the model clears it when it lets the process go. */
static uint32_t node_of(struct rp_tree *t, struct rp_proc *p)
{
	uint32_t i;

	if (p->mark)
		return p->mark - 1;
	i = node_new(t);
	if (i == NODE_NONE)
		return NODE_NONE;
	p->mark = i + 1;
	return i;
}

/* Let go of the closed node @i and every node below it. */
static void node_free(struct rp_tree *t, uint32_t i)
{
	uint32_t todo = i;

	/* the nodes to free chained through 'next', a node at a time */
	NODE(t, i)->next = NODE_NONE;
	while (todo != NODE_NONE) {
		struct tnode *n = NODE(t, todo);
		uint32_t self = todo;

		/* closed: no children waiting, only groups */
		todo = n->next;
		for (uint32_t k = 0; k < n->nkids; k++) {
			uint32_t c = t->kid[n->kids + k];

			NODE(t, c)->next = todo;
			todo = c;
		}
		n->nkids = 0;
		n->next = t->free_node;
		t->free_node = self;
	}
}

/* Child @c of the open node @pi is closed: keep it for @pi's closing. */
static int child_add(struct rp_tree *t, uint32_t pi, uint32_t c)
{
	struct tnode *p = NODE(t, pi);
	uint32_t at = p->nkids % SEG_N;

	if (!at) {
		uint32_t si;

		if (t->free_seg != NODE_NONE) {
			si = t->free_seg;
			t->free_seg = t->seg[si].prev;
		} else {
			if (t->nseg == t->seg_cap && ec_mem__grow((void **)&t->seg, &t->seg_cap,
								  t->nseg + 1, sizeof(*t->seg)))
				return -ENOMEM;
			si = t->nseg++;
		}
		t->seg[si].prev = p->open;
		p->open = si;
	}
	t->seg[p->open].node[at] = c;
	p->nkids++;
	return 0;
}

/* @v at the end of the growing array *@a of *@n. 0 or -ENOMEM. */
static int push_u32(uint32_t **a, size_t *n, size_t *cap, uint32_t v)
{
	if (*n == *cap && ec_mem__grow((void **)a, cap, *n + 1, sizeof(**a)))
		return -ENOMEM;
	(*a)[(*n)++] = v;
	return 0;
}

static int kid_push(struct rp_tree *t, uint32_t v)
{
	return push_u32(&t->kid, &t->nkid, &t->kid_cap, v);
}

static int cmp_sib(const void *a, const void *b)
{
	uint64_t x = ((const struct sib *)a)->key, y = ((const struct sib *)b)->key;

	return x < y ? -1 : x > y;
}

/* Siblings in their order. They close mostly in the order they started,
 * the parallel ones a few places apart: an insertion sort, unless it has
 * to move too much. */
static void sort_sibs(struct sib *sibs, size_t k)
{
	size_t moves = 0;

	for (size_t j = 1; j < k; j++) {
		struct sib v = sibs[j];
		size_t a = j;

		while (a > 0 && sibs[a - 1].key > v.key) {
			sibs[a] = sibs[a - 1];
			a--;
		}
		sibs[a] = v;
		moves += j - a;
		if (moves > 16 * k + 64) {
			qsort(sibs, k, sizeof(*sibs), cmp_sib);
			return;
		}
	}
}

static inline uint32_t sib_node(const struct sib *s)
{
	return (uint32_t)s->key;
}

/*
 * The @k siblings in @sibs (sorted), folded into groups of identical
 * subtrees (equal signatures), each group where its first member is; the
 * firsts go on the kid list, the others are let go. Only the members of a
 * group are fetched from the nodes: a make's 100,000 jobs are out of the
 * cache. Returns the number of groups, or -ENOMEM.
 */
static int64_t fold_siblings(struct rp_tree *t, const struct sib *sibs, size_t k)
{
	uint32_t *tab = NULL, mask = 0;
	size_t groups = 0;

	if (t->compact && k > 8) {
		/* the first of each signature in a hash table, no sorting */
		for (mask = 15; mask < 2 * k; mask = mask * 2 + 1)
			;
		if (!ec_mem__grow((void **)&t->tab, &t->tab_cap, (size_t)mask + 1,
				  sizeof(*t->tab))) {
			tab = t->tab;
			memset(tab, 0xff, ((size_t)mask + 1) * sizeof(*tab));
		}
		/* no memory: every process on a line of its own */
	}
	for (size_t j = 0; j < k; j++) {
		uint64_t sig = sibs[j].sig;
		uint32_t i = sib_node(&sibs[j]), lead = NODE_NONE;
		struct tnode *n, *g;

		if (tab) {
			uint32_t h = (uint32_t)(sig ^ sig >> 32) & mask;

			for (;; h = (h + 1) & mask) {
				if (tab[h] == NODE_NONE) {
					tab[h] = (uint32_t)j;
					break;
				}
				if (sibs[tab[h]].sig == sig) {
					lead = sib_node(&sibs[tab[h]]);
					break;
				}
			}
		} else if (t->compact) {
			/* a few siblings: comparing with the earlier firsts is cheapest */
			for (size_t g0 = t->nkid - groups; g0 < t->nkid; g0++)
				if (NODE(t, t->kid[g0])->sig == sig) {
					lead = t->kid[g0];
					break;
				}
		}
		if (lead == NODE_NONE) {
			if (kid_push(t, i))
				return -ENOMEM;
			groups++;
			continue;
		}
		n = NODE(t, i);
		g = NODE(t, lead);
		g->count++;
		if ((g->flags & N_DUR) && (n->flags & N_DUR)) {
			if (n->min_ns < g->min_ns)
				g->min_ns = n->min_ns;
			if (n->max_ns > g->max_ns)
				g->max_ns = n->max_ns;
		} else {
			g->flags &= ~N_DUR;
		}
		node_free(t, i);
	}
	return (int64_t)groups;
}

/* Room for @n siblings. */
static struct sib *scratch(struct rp_tree *t, size_t n)
{
	if (ec_mem__grow((void **)&t->scratch, &t->scratch_cap, n, sizeof(*t->scratch)))
		return NULL;
	return t->scratch;
}

/* Sibling @c as sorted and folded: all that is read of its node. */
static inline struct sib sib_of(const struct tnode *n, uint32_t c)
{
	return (struct sib){(uint64_t)n->seq << 32 | c, n->sig};
}

/*
 * Every child of node @i is closed, and so is it now: its signature, the
 * count below it, its groups. Whether it is shown at all: if it passes
 * the filter itself, or something below it does.
 */
static int node_close(struct rp_tree *t, uint32_t i, bool *shown)
{
	struct tnode *n = NODE(t, i);
	uint64_t h = n->sig;
	size_t k = 0, below = 0;
	struct sib *sibs;
	int64_t groups;

	k = n->nkids;
	sibs = scratch(t, k);
	if (!sibs && k)
		return -ENOMEM;
	/* the segments newest first, each filled from its start; each child's
	 * node is read here only */
	for (uint32_t si = n->open, j = 0; si != NODE_NONE;) {
		struct tseg *sg = &t->seg[si];
		uint32_t in = (uint32_t)(k - j) % SEG_N, prev = sg->prev;

		if (!in)
			in = SEG_N;
		j += in;
		for (uint32_t q = 0; q < in; q++)
			__builtin_prefetch(NODE(t, sg->node[q]));
		for (uint32_t q = 0; q < in; q++) {
			const struct tnode *c = NODE(t, sg->node[q]);

			sibs[k - j + q] = sib_of(c, sg->node[q]);
			below += 1 + (size_t)c->below;
		}
		sg->prev = t->free_seg;
		t->free_seg = si;
		si = prev;
	}
	n->open = NODE_NONE;
	n->nkids = 0;
	sort_sibs(sibs, k);
	/* a child's signature is folded in whether it is the first of a
	 * group or not: all of them are what the subtree is */
	for (size_t j = 0; j < k; j++)
		h = fnv(h, &sibs[j].sig, sizeof(sibs[j].sig));
	n->sig = h ? h : 1;
	n->below = below > UINT32_MAX ? UINT32_MAX : (uint32_t)below;
	n->kids = (uint32_t)t->nkid;
	groups = fold_siblings(t, sibs, k);
	if (groups < 0)
		return (int)groups;
	n = NODE(t, i);
	n->nkids = (uint32_t)groups;
	*shown = (n->flags & N_MATCH) || n->nkids;
	return 0;
}

/* A process's record is final: draw its line while its execs are held. */
static void on_end(void *ctx, struct rp_model *m, struct rp_proc *p)
{
	struct rp_tree *t = ctx;
	struct tnode *n;
	uint32_t i;

	if (t->err)
		return;
	i = node_of(t, p);
	if (i == NODE_NONE) {
		t->err = -ENOMEM;
		return;
	}
	t->procs++;
	n = NODE(t, i);
	n->pid = p->pid;
	n->sig = label_hash(m, p);
	n->flags |= N_LABEL;
	if (p->flags & RP_PF_PLACEHOLDER)
		n->flags |= N_PLACEHOLDER;
	else if (!rp_filter__active(t->filter) || rp_filter__match_proc(t->filter, m, p))
		n->flags |= N_MATCH; /* a placeholder is shown only as an ancestor */
	if (p->flags & RP_PF_RUNNING)
		n->flags |= N_RUNNING;
	if (rp_model__duration(m, p, &n->min_ns)) {
		n->flags |= N_DUR;
		n->max_ns = n->min_ns;
	}
	if (t->nroots && in_list(t->roots, t->nroots, p->pid))
		n->flags |= N_ROOT;
	t->err = rp_tree__draw_label(t, p, n);
}

/* A process and all below it are over: close its node and hand it up. */
static void on_forget(void *ctx, struct rp_model *m, struct rp_proc *p)
{
	struct rp_tree *t = ctx;
	struct tnode *n;
	bool shown = false, root;
	uint32_t i;

	if (t->err || !p->mark)
		return;
	i = p->mark - 1;
	t->err = node_close(t, i, &shown);
	if (t->err)
		return;
	if (!shown) {
		node_free(t, i);
		return;
	}
	n = NODE(t, i);
	n->seq = p->seq;
	/* a root inside another root's subtree is drawn as a root */
	root = t->nroots ? (n->flags & N_ROOT) : p->parent == RP_NONE;
	if (root) {
		t->err = push_u32(&t->top, &t->ntop, &t->top_cap, i);
	} else if (p->parent != RP_NONE) {
		uint32_t pi = node_of(t, rp_model__proc(m, p->parent));

		if (pi == NODE_NONE) {
			t->err = -ENOMEM;
			return;
		}
		t->err = child_add(t, pi, i);
	} else {
		node_free(t, i); /* outside every subtree asked for */
	}
}

/* The roots, in order and folded like siblings; their groups go at
 * kid[*ret_at ..] */
int rp_tree__fold_roots(struct rp_tree *t, uint32_t *ret_at, uint32_t *ret_n)
{
	struct sib *sibs = scratch(t, t->ntop);
	int64_t groups;

	if (!sibs && t->ntop)
		return -ENOMEM;
	for (size_t j = 0; j < t->ntop; j++)
		sibs[j] = sib_of(NODE(t, t->top[j]), t->top[j]);
	sort_sibs(sibs, t->ntop);
	*ret_at = (uint32_t)t->nkid;
	groups = fold_siblings(t, sibs, t->ntop);
	if (groups < 0)
		return (int)groups;
	t->ntop = 0;
	*ret_n = (uint32_t)groups;
	return 0;
}

/* ---- records for machines ---------------------------------------------- */

/* Which processes are shown: M_ROOT for the roots, M_VISIBLE for what
 * passes the filter under a root and its ancestors up to that root. */
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

static inline bool visible(const struct rp_proc *p)
{
	return p && (p->mark & M_VISIBLE);
}

/* Machine output: every process shown, in the order of the tree (a
 * parent before its children, children in start order). */
static int print_records(struct rp_tree *t, FILE *f, bool csv)
{
	struct rp_model *m = t->model;
	uint32_t n = rp_model__count(m), top = 0;
	uint32_t *stack;

	if (t->text_mode)
		return -EINVAL;
	stack = malloc(((size_t)n + 1) * sizeof(*stack));
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

struct rp_tree *rp_tree__new(const struct rp_trace *trace, const struct rp_tree_opts *opts)
{
	const uint32_t *pids = EC_OPTS_GET(opts, pids, NULL);
	size_t npids = EC_OPTS_GET(opts, npids, 0);
	const struct rp_tree_print_opts *text = EC_OPTS_GET(opts, text, NULL);
	struct rp_model_opts mopts = {.sz = sizeof(mopts)};
	struct rp_tree *t;

	if (!EC_OPTS_VALID(opts, struct rp_tree_opts) ||
	    !EC_OPTS_VALID(text, struct rp_tree_print_opts)) {
		errno = EINVAL;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->trace = trace;
	t->filter = EC_OPTS_GET(opts, filter, NULL);
	t->free_node = NODE_NONE;
	t->free_seg = NODE_NONE;
	if (pids && npids) {
		t->roots = malloc(npids * sizeof(*t->roots));
		if (!t->roots)
			goto fail;
		memcpy(t->roots, pids, npids * sizeof(*t->roots));
		t->nroots = npids;
	}
	if (text) {
		t->text_mode = true;
		t->compact = !EC_OPTS_GET(text, no_compact, false);
		t->depth =
		    EC_OPTS_GET(text, limit_depth, false) ? (int)EC_OPTS_GET(text, depth, 0) : -1;
		t->max_args = EC_OPTS_GET(text, max_args, 0);
		t->unicode = EC_OPTS_GET(text, unicode, false);
		t->color = EC_OPTS_GET(text, color, false);
		rp_out__init_mem(&t->label);
		mopts.on_end = on_end;
		mopts.on_forget = on_forget;
		mopts.ctx = t;
		mopts.forget_ended = true;
	}
	t->model = rp_model__new(&mopts);
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
	for (uint32_t i = 0; i < t->nodes_cap >> NODE_SHIFT; i++)
		ec_mem__unmap(t->nblk[i], NODE_BLK * sizeof(struct tnode));
	free(t->nblk);
	ec_mem__grow_free(t->seg, t->seg_cap, sizeof(*t->seg));
	ec_mem__grow_free(t->kid, t->kid_cap, sizeof(*t->kid));
	ec_mem__grow_free(t->top, t->top_cap, sizeof(*t->top));
	ec_mem__grow_free(t->scratch, t->scratch_cap, sizeof(*t->scratch));
	ec_mem__grow_free(t->tab, t->tab_cap, sizeof(*t->tab));
	ec_arena__release(&t->text);
	free(t->label.buf);
	free(t->prefix);
	free(t);
}

int rp_tree__add(struct rp_tree *t, const struct etr_event *ev)
{
	int err = rp_model__add(t->model, ev);

	return err ? err : t->err;
}

int rp_tree__finish(struct rp_tree *t)
{
	uint64_t last = rp_trace__last_ns(t->trace);
	const struct etr_end *e = rp_trace__end(t->trace);
	int err;

	if (e && e->ts_ns > last)
		last = e->ts_ns;
	err = rp_model__finish(t->model, last);
	if (err || t->err)
		return err ? err : t->err;
	if (t->text_mode)
		return 0;
	/* only reading is left: what building needed goes */
	rp_model__seal(t->model);
	mark_visible(t);
	return 0;
}

int rp_tree__print_json(struct rp_tree *t, FILE *f)
{
	return print_records(t, f, false);
}

int rp_tree__print_csv(struct rp_tree *t, FILE *f)
{
	return print_records(t, f, true);
}

void rp_tree__stats(const struct rp_tree *t, struct rp_tree_stats *st)
{
	st->processes = t->text_mode ? t->procs : rp_model__count(t->model);
	st->bytes =
	    rp_model__mem(t->model) + t->node_bytes + t->kid_cap * sizeof(*t->kid) + t->text.bytes;
	st->string_bytes = rp_model__str_bytes(t->model) + t->text.bytes;
}
