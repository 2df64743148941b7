/* SPDX-License-Identifier: MIT */
/*
 * The arguments each live process ran last, by (pid, start): for lines
 * that name a process whose exec line was not shown (timeline --failed's
 * exits). Entries go at the process's exit.
 */
#ifndef EXECREC_TOOLS_ARGMAP_H
#define EXECREC_TOOLS_ARGMAP_H

#include <stdint.h>

#include "etr.h"

struct argmap {
	struct argmap_ent *e; /* open addressing, linear probing */
	uint32_t cap, used;   /* used: live entries and tombstones */
};

/* Remember @argv as what (pid, start) runs now. 0 or -ENOMEM. */
int argmap__set(struct argmap *m, uint32_t pid, uint64_t start, const struct etr_str *argv);
/* What (pid, start) ran last, or NULL; valid until the next call. */
const struct etr_str *argmap__get(const struct argmap *m, uint32_t pid, uint64_t start);
void argmap__del(struct argmap *m, uint32_t pid, uint64_t start);
void argmap__free(struct argmap *m);

#endif
