/* SPDX-License-Identifier: MIT */
/*
 * The process tree for Graphviz: a node per process (its command, pid, how
 * long it lived and how it ended, colored like the chart; the full argv in
 * the tooltip of an SVG rendering), an edge from each parent. Left to right,
 * as process trees are much wider than deep. A node is written when its
 * process is over; parents that were not written (not recorded, or filtered
 * out) come at the end as dashed nodes, so every edge has both ends.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Arguments shown in a node; the tooltip has them all. */
#define LABEL_ARGS 60

void rx_dot_begin(struct rx_export *x)
{
	fputs("digraph execrec {\n"
	      "\tgraph [rankdir=LR, fontname=\"sans-serif\", fontsize=10];\n"
	      "\tnode [shape=box, style=\"rounded,filled\", fontname=\"monospace\", fontsize=9];\n"
	      "\tedge [color=\"#888888\", arrowsize=0.6];\n",
	      x->out);
}

static void put_args_label(FILE *f, const struct rp_exec *ex, size_t max)
{
	size_t len;
	char *s = rx_argv_str(&ex->argv, max, &len);

	if (s) {
		rx_fput_text(f, s, len, RX_Q_DOT);
		free(s);
	}
}

int rx_dot_proc(struct rx_export *x, struct rp_proc *p)
{
	FILE *f = x->out;
	const struct rp_exec *last;
	struct etr_str name;
	enum rx_outcome oc;
	uint32_t key, pkey = 0;
	char status[64], dur[32] = "";
	uint64_t ns;

	if ((p->flags & RP_PF_PLACEHOLDER) ||
	    (x->filter && !rp_filter__match_proc(x->filter, x->m, p)))
		return 0;
	key = rx_keys__get(&x->keys, rp_model__index(x->m, p), p->pid);
	if (!key)
		return -ENOMEM;
	if (p->parent != RP_NONE) {
		struct rp_proc *pp = rp_model__proc(x->m, p->parent);

		pkey = rx_keys__get(&x->keys, p->parent, pp->pid);
		if (!pkey)
			return -ENOMEM;
		pp->mark |= RX_M_GROUP_USED;
	}
	p->mark |= RX_M_EMITTED;
	name = rx_proc_name(x->m, p);
	last = rp_model__last_exec(x->m, p);
	oc = rx_outcome(p);
	rx_fmt_status(status, sizeof(status), p);
	if (rp_model__duration(x->m, p, &ns))
		rp_fmt_duration(dur, sizeof(dur), ns);

	fprintf(f, "\tp%" PRIu32 " [label=\"", key);
	rx_fput_text(f, name.ptr, name.len, RX_Q_DOT);
	if (last) {
		struct etr_str rest = last->argv, a;
		uint32_t pos = 0;

		/* the arguments after argv[0], which the name stands for */
		if (etr_args__next(&last->argv, &pos, &a)) {
			rest.ptr += pos;
			rest.len -= pos;
		}
		if (rest.len) {
			struct rp_exec tail = *last;

			tail.argv = rest;
			fputc(' ', f);
			put_args_label(f, &tail, LABEL_ARGS);
		}
	}
	fprintf(f, "\\n%" PRIu32 "%s%s%s  %s", p->pid, dur[0] ? "  " : "", dur,
		p->flags & RP_PF_RUNNING ? "+" : "", status);
	if (p->nfail)
		fprintf(f, "  %" PRIu32 " failed exec%s", p->nfail, p->nfail == 1 ? "" : "s");
	if (p->flags & RP_PF_REPARENTED)
		fprintf(f, "  adopted by %" PRIu32, p->reparent_pid);
	if (p->flags & RP_PF_LOST)
		fputs("  events lost", f);
	fprintf(f, "\", fillcolor=\"%s\"", rx_outcome_color(oc));
	if (last) {
		fputs(", tooltip=\"", f);
		put_args_label(f, last, 0);
		fputs("\"", f);
	}
	fputs("];\n", f);
	if (pkey)
		fprintf(f, "\tp%" PRIu32 " -> p%" PRIu32 ";\n", pkey, key);
	x->stats.processes++;
	return ferror(f) ? -EIO : 0;
}

int rx_dot_finish(struct rx_export *x)
{
	uint32_t n = rp_model__count(x->m);
	FILE *f = x->out;

	for (uint32_t i = 0; i < n; i++) {
		struct rp_proc *p = rp_model__proc(x->m, i);
		const char *comm;
		uint32_t key;

		if (!(p->mark & RX_M_GROUP_USED) || (p->mark & RX_M_EMITTED))
			continue;
		key = rx_keys__get(&x->keys, i, p->pid);
		if (!key)
			return -ENOMEM;
		fprintf(f, "\tp%" PRIu32 " [label=\"", key);
		comm = rp_model__comm(x->m, p);
		rx_fput_text(f, comm[0] ? comm : "?", comm[0] ? strlen(comm) : 1, RX_Q_DOT);
		fprintf(f,
			"\\n%" PRIu32
			"  %s\", style=\"rounded,dashed,filled\", fillcolor=\"%s\"];\n",
			p->pid, p->flags & RP_PF_PLACEHOLDER ? "not recorded" : "not shown",
			rx_outcome_color(RX_PLACEHOLDER));
	}
	fputs("}\n", f);
	return ferror(f) ? -EIO : 0;
}
