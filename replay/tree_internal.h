/* SPDX-License-Identifier: MIT */
/* What tree.c (the model, the nodes) and tree_print.c (the text) share;
 * not part of the API. */
#ifndef EXECREC_REPLAY_TREE_INTERNAL_H
#define EXECREC_REPLAY_TREE_INTERNAL_H

#include <string.h>

#include "common/mem.h"
#include "tree.h"

/* p->mark bits, for records (JSON, CSV) */
#define M_VISIBLE 1u
#define M_ROOT 2u

/*
 * A line of the text to come: a process whose record is final, drawn as
 * far as it can be then (its label), and once its subtree is over too,
 * with its signature and its children folded into groups. The processes
 * of a group but its first, and everything below them, are let go then.
 */
struct tnode {
	uint64_t sig;	  /* open: the hash of its own line; closed: of its subtree */
	uint64_t min_ns;  /* its lifetime; as the first of a group, the group's least */
	uint64_t max_ns;  /* as the first of a group, the group's longest */
	const char *text; /* the lengths of the parts, then name, programs, status */
	uint32_t text_len;
	uint32_t pid;
	union {
		uint32_t seq;  /* order among its siblings (rp_proc.seq) */
		uint32_t next; /* free, or being let go: the next such node */
	};
	uint32_t count; /* processes of its group (1: alone) */
	uint32_t below; /* processes shown below it */
	union {
		uint32_t open; /* open: the newest segment of its closed children */
		uint32_t kids; /* closed: its groups are kid[kids .. kids + nkids) */
	};
	uint32_t nkids; /* open: the number of children closed so far */
	uint32_t flags; /* N_* */
};

/* A cache line each: a node is fetched from memory again at its parent's
 * closing and at printing, and the tree holds one per line to print. */
_Static_assert(sizeof(struct tnode) == 64, "a node is a cache line");

#define N_LABEL 0x01u	    /* the label is drawn (on_end) */
#define N_DUR 0x02u	    /* min_ns/max_ns are known */
#define N_RUNNING 0x04u	    /* alive at the end: its duration is a least ('+') */
#define N_PLACEHOLDER 0x08u /* known only as a parent: no duration of its own */
#define N_MATCH 0x10u	    /* passes the filter itself */
#define N_ROOT 0x20u	    /* drawn as a root (--pid) */

#define NODE_NONE UINT32_MAX

/* The children closed so far of an open node, a cache line at a time: a
 * list through the nodes themselves was a cache miss per child to walk
 * (a make of 100,000 jobs). */
#define SEG_N 15
struct tseg {
	uint32_t node[SEG_N];
	uint32_t prev; /* the older segment; free: the next free one */
};

/* A sibling while its parent is closed: its order (seq << 32 | node) and
 * its subtree's signature. */
struct sib {
	uint64_t key;
	uint64_t sig;
};

struct rp_tree {
	const struct rp_trace *trace;
	struct rp_model *model;
	const struct rp_filter *filter;
	uint32_t *roots; /* pids of --pid */
	size_t nroots;
	bool text_mode; /* built as the events come (text), else records */
	int err;	/* sticky, of a callback */

	/* text: print options, as given to rp_tree__new() */
	int depth; /* -1 = no limit */
	bool compact;
	bool color;
	bool unicode;
	size_t max_args;

	/* text: the nodes, in blocks that never move (NODE_BLK each) */
	struct tnode **nblk;
	uint32_t nnodes, nodes_cap, free_node;
	struct tseg *seg; /* segments of open nodes' children (a pool) */
	uint32_t nseg, free_seg;
	size_t seg_cap;
	uint32_t *kid; /* the groups below each closed node */
	size_t nkid, kid_cap;
	uint32_t *top; /* the closed roots */
	size_t ntop, top_cap;
	struct sib *scratch; /* a node's children while it is closed */
	size_t scratch_cap;
	uint32_t *tab; /* a hash table of siblings while they are folded */
	size_t tab_cap;
	uint64_t procs; /* processes seen (their records final) */
	size_t node_bytes;

	/* text: labels, held as long as the tree */
	struct ec_arena text;
	struct rp_out label; /* where a label is drawn first */

	/* while printing text */
	struct rp_out out;
	char *prefix;
	size_t prefix_cap;
};

#define NODE_SHIFT 15 /* blocks of 2 MiB: a huge page each */
#define NODE_BLK (1u << NODE_SHIFT)

static inline struct tnode *NODE(const struct rp_tree *t, uint32_t i)
{
	return &t->nblk[i >> NODE_SHIFT][i & (NODE_BLK - 1)];
}

static inline struct etr_str cstr(const char *s)
{
	return (struct etr_str){s, (uint32_t)strlen(s)};
}

/* The name of a process: its last program's file name, else its comm. */
static inline struct etr_str proc_name(const struct rp_model *m, const struct rp_proc *p)
{
	const struct rp_exec *x = rp_model__last_exec(m, p);
	const char *comm;

	if (x && rp_model__str(m, x->filename).len)
		return rp_model__exec_name(m, x);
	comm = rp_model__comm(m, p);
	return cstr(comm[0] ? comm : "?");
}

/* The first program's name: the chain reads from there. */
static inline struct etr_str first_name(const struct rp_model *m, const struct rp_proc *p)
{
	for (uint32_t i = p->exec_first; i != RP_NONE;) {
		const struct rp_exec *x = rp_model__exec(m, i);

		if (!x->ret && rp_model__str(m, x->filename).len)
			return rp_model__exec_name(m, x);
		i = x->next;
	}
	return proc_name(m, p);
}

/* tree.c: the roots, in order and folded like siblings: their groups go
 * at kid[*ret_at ..], *ret_n of them. 0 or -ENOMEM. */
int rp_tree__fold_roots(struct rp_tree *t, uint32_t *ret_at, uint32_t *ret_n);

/* tree.c: @len bytes for a label, held as long as the tree; NULL. */
char *rp_tree__text_alloc(struct rp_tree *t, size_t len);

/* tree_print.c: draw the label of @p into @n (its record is final).
 * 0 or -ENOMEM. */
int rp_tree__draw_label(struct rp_tree *t, const struct rp_proc *p, struct tnode *n);

#endif /* EXECREC_REPLAY_TREE_INTERNAL_H */
