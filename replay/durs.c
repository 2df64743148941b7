/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>

#include "durs.h"
#include "replay.h"

struct rp_dur_slot {
	uint64_t start_ns; /* 0: empty */
	uint64_t from_ns;  /* where its duration counts from */
	uint32_t pid;
};

static uint32_t slot_of(const struct rp_durs *d, uint32_t pid, uint64_t start)
{
	uint64_t h = (pid * 0x9e3779b97f4a7c15ull) ^ (start * 0xff51afd7ed558ccdull);
	uint32_t i = (uint32_t)(h >> 32) & (d->cap - 1);

	while (d->slots[i].start_ns && (d->slots[i].pid != pid || d->slots[i].start_ns != start))
		i = (i + 1) & (d->cap - 1);
	return i;
}

static int grow(struct rp_durs *d)
{
	struct rp_durs n = {.cap = d->cap ? d->cap * 2 : 64};

	n.slots = calloc(n.cap, sizeof(*n.slots));
	if (!n.slots)
		return -ENOMEM;
	for (uint32_t i = 0; i < d->cap; i++)
		if (d->slots[i].start_ns) {
			n.slots[slot_of(&n, d->slots[i].pid, d->slots[i].start_ns)] = d->slots[i];
			n.n++;
		}
	free(d->slots);
	*d = n;
	return 0;
}

int rp_durs__note(struct rp_durs *d, const struct etr_event *ev, uint64_t first_ns)
{
	uint32_t i;

	/* only processes that began before the recording's first event */
	if (!ev->start_ns || ev->start_ns >= first_ns)
		return 0;
	if (ev->type == ETR_EV_FORK && (ev->flags & ETR_EVF_THREAD))
		return 0;
	if (ev->type != ETR_EV_FORK && (ev->type != ETR_EV_EXEC || ev->ret))
		return 0;
	if (d->cap && (i = slot_of(d, ev->pid, ev->start_ns), d->slots[i].start_ns))
		return 0; /* its first fork or exec decided */
	if ((d->n + 1) * 4 > d->cap * 3 && grow(d))
		return -ENOMEM;
	i = slot_of(d, ev->pid, ev->start_ns);
	d->slots[i].pid = ev->pid;
	d->slots[i].start_ns = ev->start_ns;
	/* its fork seen (an instant after it began): from its start */
	d->slots[i].from_ns = ev->type == ETR_EV_FORK ? ev->start_ns : ev->ts_ns;
	d->n++;
	return 0;
}

bool rp_durs__exit(const struct rp_durs *d, const struct etr_event *ev, uint64_t *ret_ns)
{
	uint64_t from = ev->start_ns;

	if (!ev->start_ns || ev->ts_ns < ev->start_ns)
		return false;
	if (d->cap) {
		uint32_t i = slot_of(d, ev->pid, ev->start_ns);

		if (d->slots[i].start_ns && d->slots[i].from_ns <= ev->ts_ns)
			from = d->slots[i].from_ns;
	}
	*ret_ns = ev->ts_ns - from;
	return true;
}

void rp_durs__free(struct rp_durs *d)
{
	free(d->slots);
	d->slots = NULL;
	d->cap = d->n = 0;
}
