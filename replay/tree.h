/* SPDX-License-Identifier: MIT */
/*
 * tree.h - the process tree of a trace (execrec tree), pstree-like, with
 * arguments, duration and exit status. Identical sibling subtrees (same
 * programs, same arguments, same outcome, same children) can be printed
 * once as N*[...].
 *
 * A process sits under the process that forked it, even when it was later
 * handed to init or a subreaper (that is noted): who started what is the
 * question a trace answers. With a filter, the matching processes are
 * shown with their ancestors.
 *
 * An rp_tree owns the process model it prints and uses the processes'
 * 'mark'. For text, the tree is drawn as the events come: each process
 * once its record is final, each subtree folded once it is over, so that
 * what is held is the processes alive and the lines still to print. For
 * records (JSON, CSV) it holds every process:
 *
 *	t = rp_tree__new(trace, &opts);
 *	while (rp_trace__next_event(trace, &ev) > 0) {
 *		(bind the filter, at the first event)
 *		rp_tree__add(t, ev);
 *	}
 *	rp_tree__finish(t);
 *	rp_tree__print_text(t, stdout);
 *	rp_tree__free(t);
 *
 * replay/'s conventions: 0 or -errno, NULL + errno from the constructor,
 * nothing printed but the tree itself, into the FILE given.
 */
#ifndef EXECREC_REPLAY_TREE_H
#define EXECREC_REPLAY_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "replay.h"

#ifdef __cplusplus
extern "C" {
#endif

struct rp_tree_print_opts;

struct rp_tree_opts {
	size_t sz;
	/* show only processes matching it, with their ancestors (NULL = all);
	 * not owned, bound (rp_filter__bind) before the first event that is
	 * not a snapshot entry is added */
	const struct rp_filter *filter;
	/* only the subtrees of processes with these pids (NULL = from the
	 * roots); copied */
	const uint32_t *pids;
	size_t npids;
	/* text drawn so (rp_tree__print_text); NULL: records (JSON, CSV) */
	const struct rp_tree_print_opts *text;
};

struct rp_tree_print_opts {
	size_t sz;
	/* one line per process, identical or not */
	bool no_compact;
	/* at most depth levels below the roots (with limit_depth) */
	bool limit_depth;
	uint32_t depth;
	/* cut argument lists after this many bytes (0 = whole) */
	size_t max_args;
	/* box-drawing characters instead of ASCII */
	bool unicode;
	/* ANSI colors */
	bool color;
};

struct rp_tree;

/* A tree of @t (which must outlive it). NULL + errno (ENOMEM). */
struct rp_tree *rp_tree__new(const struct rp_trace *t, const struct rp_tree_opts *opts);
void rp_tree__free(struct rp_tree *t);

/* Feed one event as rp_trace__next_event() handed it out. 0 or -ENOMEM. */
int rp_tree__add(struct rp_tree *t, const struct etr_event *ev);
/* The trace is over: close the processes alive at its end and work out
 * which are shown and which subtrees are identical. 0 or -ENOMEM. */
int rp_tree__finish(struct rp_tree *t);

/* The tree as text, once finished (a tree made with opts->text). 0,
 * -ENOMEM, or -EINVAL for a tree made for records. */
int rp_tree__print_text(struct rp_tree *t, FILE *f);
/* Every process shown, one JSON object or CSV row each (with a header), in
 * the order of the tree: a parent before its children, children in start
 * order (a tree made without opts->text). 0, -ENOMEM or -EINVAL. */
int rp_tree__print_json(struct rp_tree *t, FILE *f);
int rp_tree__print_csv(struct rp_tree *t, FILE *f);

/* Figures for --stats: processes seen, bytes held for them (model and
 * lines), of which strings (arguments, names, the text of lines). */
struct rp_tree_stats {
	uint64_t processes;
	size_t bytes, string_bytes;
};
void rp_tree__stats(const struct rp_tree *t, struct rp_tree_stats *ret_stats);

#ifdef __cplusplus
}
#endif

#endif /* EXECREC_REPLAY_TREE_H */
