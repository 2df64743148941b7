/* SPDX-License-Identifier: MIT */
/*
 * The chart's layout, shared by chart.c (the tree, the drawing) and
 * chart_units.c (the lanes of --by-unit); private to the chart.
 */
#ifndef EXECREC_REPLAY_EXPORT_CHART_H
#define EXECREC_REPLAY_EXPORT_CHART_H

#include <stdio.h>

#include "internal.h"

#define ROW_H 14
#define BAR_H 10
#define LABEL_W 300    /* the label column */
#define INDENT 12      /* per level of the tree, */
#define INDENT_MAX 168 /* up to this much */
#define MARGIN 10
#define LABEL_CHAR_W 6.4 /* an estimate for 11px sans-serif */
#define BAR_CHAR_W 5.6	 /* and for 10px */

struct rx_chart {
	struct rp_trace *t;
	struct rp_model *m;
	uint64_t min_dur;
	bool min_dur_set;
	uint32_t *subtree;
	size_t nsubtree;
	const struct rp_filter *filter;
	uint32_t width;
	char *title;
	uint64_t since, until;
	bool by_unit;
	bool written;
	struct rx_chart_stats stats;
};

/* A process folded into a group row. */
struct fold {
	uint32_t owner; /* the drawn process it is folded under; n (+ 1 + its
			 * lane, by unit) = top level */
	uint32_t proc;
	uint64_t s, e;
	struct etr_str name;
};

enum row_kind {
	ROW_PROC,  /* a process: proc */
	ROW_GROUP, /* the processes folded under group */
	ROW_LANE,  /* the heading of a unit's lane: lane */
};

struct row {
	enum row_kind kind;
	uint32_t proc;	/* model index */
	uint32_t group; /* the owner of a folded group */
	uint32_t lane;
	uint32_t depth;
};

/* The processes of one unit (--by-unit): what its heading row shows. */
struct lane {
	const char *name; /* the unit, its cgroup's path where none holds it */
	bool is_unit;
	uint32_t start, count; /* its run in layout.order */
	/* of its processes drawn or folded */
	uint64_t first, last;
	uint32_t procs, execs, failed_execs, bad_exits, signals, running;
};

struct layout {
	struct rx_chart *c;
	uint32_t n;
	uint64_t t0, t1;	 /* the time axis */
	uint64_t *s, *e;	 /* span drawn of each process */
	uint8_t *vis;		 /* in the subtree and the time shown */
	uint8_t *shown;		 /* a row of its own */
	uint32_t *order, norder; /* pre-order (by unit: lane by lane) */
	uint32_t *par;		 /* the parent in the chart; RP_NONE = a root */
	uint32_t *depth;	 /* drawn ancestors */
	uint32_t *owner;	 /* nearest drawn ancestor; n = none */
	struct fold *folds;
	uint32_t nfolds;
	uint32_t *gstart, *gcount; /* by owner: a run in folds */
	struct row *rows;
	uint32_t nrows;
	double xscale; /* px per ns */
	uint32_t x0;   /* the plot's left edge */
	/* by unit */
	uint32_t *lane_of; /* by model index */
	struct lane *lanes;
	uint32_t nlanes;
};

/* By unit: put every process in its unit's lane, the lanes in the order of
 * their first process, l->order lane by lane and l->par within a lane
 * (a parent in another unit makes a process a root of its lane). Needs
 * l->order (the whole tree's pre-order) and l->s. 0 or -ENOMEM. */
int rx_chart_lanes_build(struct layout *l);
/* What the lanes' headings show, once l->vis is final. */
void rx_chart_lanes_count(struct layout *l);
/* The heading row of a lane. */
void rx_chart_draw_lane(FILE *f, const struct layout *l, const struct row *r, double y);
/* The CSS the lanes add. */
void rx_chart_lanes_style(FILE *f);

/* chart.c's, for chart_units.c */
double rx_chart_xpos(const struct layout *l, uint64_t t);
void rx_chart_put_label(FILE *f, uint32_t depth, double y, const char *cls, const char *text,
			size_t len, const char *suffix);

#endif
