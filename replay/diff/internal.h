/* SPDX-License-Identifier: MIT */
/* What the files of replay/diff share; not part of the API. */
#ifndef EXECREC_DIFF_INTERNAL_H
#define EXECREC_DIFF_INTERNAL_H

#include <regex.h>
#include <string.h>

#include "diff.h"
#include "common/opts.h"
#include "common/sbuf.h"

/* A copy of an exec record of the model (by index, or @p's last
 * successful one); false if there is none. */
static inline bool dx_exec(const struct rp_model *m, uint32_t idx, struct rp_exec *ret_x)
{
	const struct rp_exec *x = idx == RP_NONE ? NULL : rp_model__exec(m, idx);

	if (!x)
		return false;
	*ret_x = *x;
	return true;
}

static inline bool dx_last_exec(const struct rp_model *m, const struct rp_proc *p,
				struct rp_exec *ret_x)
{
	const struct rp_exec *x = rp_model__last_exec(m, p);

	if (!x)
		return false;
	*ret_x = *x;
	return true;
}

/* The last known comm of @p and its length. */
static inline const char *dx_comm(const struct rp_model *m, const struct rp_proc *p,
				  size_t *ret_len)
{
	const char *c = rp_model__comm(m, p);

	*ret_len = strnlen(c, 16);
	return c;
}

/* Classes a matched process can have on its own (bits of dnode.cls). */
#define NODE_CLASSES 4
static inline int node_class_bit(enum rdiff_class c)
{
	switch (c) {
	case RDIFF_NOW_FAILS:
		return 0;
	case RDIFF_NOW_PASSES:
		return 1;
	case RDIFF_SLOWER:
		return 2;
	case RDIFF_FASTER:
		return 3;
	default:
		return -1;
	}
}

/* A process as the diff sees it. */
struct dnode {
	char *key; /* binary key (length-prefixed strings), NULL = left out */
	uint32_t keylen;
	char *shown; /* the key, printable */
	uint64_t hash;
	uint64_t start_ns;
	uint32_t parent; /* nearest ancestor not left out, RP_NONE for a root */
	uint32_t first_child, next_sibling;
	uint32_t subtree; /* processes in its subtree, itself included */
	uint8_t outcome;  /* enum rdiff_outcome */
	bool dur_known;
	uint64_t dur_ns;
	/* new side, once matched */
	bool matched;
	uint8_t cls;		      /* bits by node_class_bit() */
	uint32_t owner[NODE_CLASSES]; /* entry reporting it per class, or RP_NONE */
	uint32_t base_side, base_idx; /* first baseline's counterpart */
	uint64_t base_min_ns, base_max_ns;
};

struct tpf {
	char *name;
	char *text;
};

struct side {
	char *name;
	struct rp_trace *trace;
	struct rp_model *model;
	struct dnode *nodes; /* model count + 1: the last is a virtual root */
	uint32_t n;
	uint32_t procs;
	uint64_t wall_ns;
	uint64_t first_ns;
	uint32_t *pids; /* sorted, for normalization */
	size_t npids;
	bool is_base;
	/* surroundings */
	char *release;
	struct tpf *tps;
	size_t ntps;
	void *btf;
	size_t btf_len;
	uint32_t btf_kind;
};

/* How often a program ran on each side (its file name). */
struct prog_runs {
	char *name;
	uint32_t n[RDIFF_MAX_BASES + 1];
};

struct map {
	char *from, *to;
	size_t from_len, to_len;
};

struct rdiff {
	struct rdiff_opts opts;
	struct side *sides[RDIFF_MAX_BASES + 1]; /* [0] = new */
	uint32_t nbases;
	bool stdin_taken; /* "-" read already: it holds one trace */
	struct map *maps;
	size_t nmaps;
	regex_t *ignores;
	char **ignore_src;
	size_t nignores;
	char **warnings;
	size_t nwarnings;
	struct rdiff_entry *entries;
	size_t nentries, entries_cap;
	size_t class_count[RDIFF_CLASS__NR];
	bool computed;
	struct prog_runs *progs; /* the programs whose run count changed */
	size_t nprogs;
	/* surroundings */
	struct rdiff_surroundings sur;
	struct rdiff_tp_change *tpc;
	struct rdiff_btf_change *btfc;
	char **sur_strs; /* the strings the changes point to */
	size_t nsur_strs, sur_strs_cap;
};

/* norm.c */
size_t rdiff_norm_arg(const struct rdiff *d, const struct side *s, const char *in, size_t len,
		      struct ec_sbuf *out);

/* surround.c */
/* rp_trace_opts.record_cb of a side's trace (@ctx: the struct side): keeps
 * its tracepoint formats and BTF, read in the same pass as its events */
int rdiff_sur_record(void *ctx, const struct etr_walk_item *item);
int rdiff_sur_compare(struct rdiff *d);
void rdiff_sur_free(struct rdiff *d);
void rdiff_side_sur_free(struct side *s);
/* Keep @str (malloc'd) with the rdiff and return it; NULL stays NULL. */
const char *rdiff_sur_keep(struct rdiff *d, char *str);

/* diff.c */
int rdiff_warn(struct rdiff *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
struct side *rdiff_side(const struct rdiff *d, uint32_t side);

#endif
