/* SPDX-License-Identifier: MIT */
/* What tree.c (the model, what is shown) and tree_print.c share; not part
 * of the API. */
#ifndef EXECREC_REPLAY_TREE_INTERNAL_H
#define EXECREC_REPLAY_TREE_INTERNAL_H

#include <string.h>

#include "tree.h"

/* p->mark bits */
#define M_VISIBLE 1u
#define M_ROOT 2u

struct rp_tree {
	const struct rp_trace *trace;
	struct rp_model *model;
	const struct rp_filter *filter;
	uint32_t *roots; /* pids of --pid */
	size_t nroots;
	uint64_t *sig; /* per process: hash of its subtree as printed */

	/* while printing text */
	struct rp_out out;
	uint32_t *scratch; /* a stack of lists of siblings */
	size_t scratch_len, scratch_cap;
	int depth; /* -1 = no limit */
	bool compact;
	bool color;
	bool unicode;
	size_t max_args;
	char *prefix;
	size_t prefix_cap;
};

static inline bool visible(const struct rp_proc *p)
{
	return p && (p->mark & M_VISIBLE);
}

static inline struct etr_str cstr(const char *s)
{
	return (struct etr_str){s, (uint32_t)strlen(s)};
}

uint32_t rp_tree__below(const struct rp_tree *t, uint32_t idx);

/* @c, or the first sibling after it, that is shown under its parent (a
 * root inside another root's subtree is printed as a root); RP_NONE. */
static inline uint32_t shown_child(const struct rp_model *m, uint32_t c)
{
	while (c != RP_NONE) {
		const struct rp_proc *p = rp_model__proc(m, c);

		if (visible(p) && !(p->mark & M_ROOT))
			return c;
		c = p->next_sibling;
	}
	return RP_NONE;
}

/* The name of a process: its last program's file name, else its comm. */
static inline struct etr_str proc_name(const struct rp_model *m, const struct rp_proc *p)
{
	const struct rp_exec *x = rp_model__last_exec(m, p);
	const char *comm;

	if (x && rp_model__str(m, x->filename).len)
		return rp_basename(rp_model__str(m, x->filename));
	comm = rp_model__comm(m, p);
	return cstr(comm[0] ? comm : "?");
}

/* The first program's name: the chain reads from there. */
static inline struct etr_str first_name(const struct rp_model *m, const struct rp_proc *p)
{
	for (uint32_t i = p->exec_first; i != RP_NONE;) {
		const struct rp_exec *x = rp_model__exec(m, i);

		if (!x->ret && rp_model__str(m, x->filename).len)
			return rp_basename(rp_model__str(m, x->filename));
		i = x->next;
	}
	return proc_name(m, p);
}

#endif /* EXECREC_REPLAY_TREE_INTERNAL_H */
