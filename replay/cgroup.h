/* SPDX-License-Identifier: MIT */
/* The cgroup map of a trace; private to replay/ (the API is replay.h's). */
#ifndef EXECREC_REPLAY_CGROUP_H
#define EXECREC_REPLAY_CGROUP_H

#include "replay.h"

struct rp_cgmap {
	struct rp_cgroup *v;
	size_t len, alloc;
	uint32_t *slots; /* index + 1 into v; 0 = empty */
	uint32_t cap;
};

int rp_cgmap__add(struct rp_cgmap *m, const struct etr_cgroup *c);
const struct rp_cgroup *rp_cgmap__get(const struct rp_cgmap *m, uint64_t id);
void rp_cgmap__free(struct rp_cgmap *m);

#endif
