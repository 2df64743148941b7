/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "argmap.h"

struct argmap_ent {
	uint64_t start; /* 0: empty */
	uint32_t pid;
	bool dead; /* a tombstone: probing goes on past it */
	struct etr_str argv;
};

static uint32_t home(const struct argmap *m, uint32_t pid, uint64_t start)
{
	uint64_t h = (pid * 0x9e3779b97f4a7c15ull) ^ (start * 0xff51afd7ed558ccdull);

	return (uint32_t)(h >> 32) & (m->cap - 1);
}

static struct argmap_ent *find(const struct argmap *m, uint32_t pid, uint64_t start)
{
	if (!m->cap || !start)
		return NULL;
	for (uint32_t i = home(m, pid, start);; i = (i + 1) & (m->cap - 1)) {
		struct argmap_ent *e = &m->e[i];

		if (!e->start)
			return NULL;
		if (!e->dead && e->pid == pid && e->start == start)
			return e;
	}
}

static int grow(struct argmap *m)
{
	struct argmap n = {.cap = m->cap ? m->cap * 2 : 256};

	/* tombstones only: the same size does */
	if (m->cap && m->used < m->cap / 2)
		n.cap = m->cap;
	n.e = calloc(n.cap, sizeof(*n.e));
	if (!n.e)
		return -ENOMEM;
	for (uint32_t i = 0; i < m->cap; i++) {
		struct argmap_ent *e = &m->e[i];
		uint32_t j;

		if (!e->start || e->dead)
			continue;
		for (j = home(&n, e->pid, e->start); n.e[j].start; j = (j + 1) & (n.cap - 1))
			;
		n.e[j] = *e;
		n.used++;
	}
	free(m->e);
	*m = n;
	return 0;
}

int argmap__set(struct argmap *m, uint32_t pid, uint64_t start, const struct etr_str *argv)
{
	struct argmap_ent *e = find(m, pid, start);
	char *copy;
	uint32_t i;

	if (!start)
		return 0;
	copy = malloc(argv->len ? argv->len : 1);
	if (!copy)
		return -ENOMEM;
	if (argv->len)
		memcpy(copy, argv->ptr, argv->len);
	if (e) {
		free((char *)e->argv.ptr);
		e->argv = (struct etr_str){copy, argv->len};
		return 0;
	}
	if ((m->used + 1) * 4 > m->cap * 3 && grow(m)) {
		free(copy);
		return -ENOMEM;
	}
	for (i = home(m, pid, start); m->e[i].start; i = (i + 1) & (m->cap - 1))
		;
	m->e[i] = (struct argmap_ent){start, pid, false, {copy, argv->len}};
	m->used++;
	return 0;
}

const struct etr_str *argmap__get(const struct argmap *m, uint32_t pid, uint64_t start)
{
	const struct argmap_ent *e = find(m, pid, start);

	return e ? &e->argv : NULL;
}

void argmap__del(struct argmap *m, uint32_t pid, uint64_t start)
{
	struct argmap_ent *e = find(m, pid, start);

	if (!e)
		return;
	free((char *)e->argv.ptr);
	e->argv = (struct etr_str){NULL, 0};
	e->dead = true;
}

void argmap__free(struct argmap *m)
{
	for (uint32_t i = 0; i < m->cap; i++)
		if (m->e[i].start && !m->e[i].dead)
			free((char *)m->e[i].argv.ptr);
	free(m->e);
	m->e = NULL;
	m->cap = m->used = 0;
}
