/* SPDX-License-Identifier: MIT */
/*
 * The cgroup map of a trace (CGROUP chunks, SPEC.md 1.1): which path a
 * cgroup id names, and the systemd unit that path belongs to. Ids are the
 * cgroup directories' inode numbers; cgroup v2 directories are never
 * renamed and the kernel does not hand an id out twice within a boot, so
 * one id keeps one path for the whole trace and the map only grows.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/macros.h"
#include "cgroup.h"

void rp_cgmap__free(struct rp_cgmap *m)
{
	for (size_t i = 0; i < m->len; i++) {
		free(m->v[i].path);
		free(m->v[i].unit);
	}
	free(m->v);
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

static uint32_t slot_of(const struct rp_cgmap *m, uint64_t id)
{
	uint32_t i = (uint32_t)((id * 0x9E3779B97F4A7C15ull) >> 32) & (m->cap - 1);

	while (m->slots[i] && m->v[m->slots[i] - 1].id != id)
		i = (i + 1) & (m->cap - 1);
	return i;
}

const struct rp_cgroup *rp_cgmap__get(const struct rp_cgmap *m, uint64_t id)
{
	uint32_t i;

	if (!m->len || !id)
		return NULL;
	i = slot_of(m, id);
	return m->slots[i] ? &m->v[m->slots[i] - 1] : NULL;
}

static int rehash(struct rp_cgmap *m)
{
	uint32_t cap = m->cap ? m->cap * 2 : 256;
	uint32_t *s = calloc(cap, sizeof(*s));

	if (!s)
		return -ENOMEM;
	free(m->slots);
	m->slots = s;
	m->cap = cap;
	for (size_t k = 0; k < m->len; k++)
		m->slots[slot_of(m, m->v[k].id)] = (uint32_t)k + 1;
	return 0;
}

/* Whether the component [s, s+n) names a unit of a kind that holds
 * processes of its own (slices only group other units). */
static bool is_unit(const char *s, size_t n)
{
	static const char *const kinds[] = {".service", ".scope", ".socket", ".mount", ".swap"};

	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		size_t k = strlen(kinds[i]);

		if (n > k && !memcmp(s + n - k, kinds[i], k))
			return true;
	}
	return false;
}

size_t rp_cgroup_unit(const char *path, size_t len, char *buf, size_t buf_len)
{
	size_t i = 0;

	/* The first component below the slices that is a unit, as systemd
	 * names the unit of a cgroup: system.slice/foo.service/x -> foo.service,
	 * user.slice/user-1000.slice/user@1000.service/app.slice/a.service ->
	 * user@1000.service (the user manager and all it runs). */
	while (i < len) {
		size_t j;

		while (i < len && path[i] == '/')
			i++;
		j = i;
		while (j < len && path[j] != '/')
			j++;
		if (j > i && is_unit(path + i, j - i)) {
			if (j - i >= buf_len)
				return 0;
			memcpy(buf, path + i, j - i);
			buf[j - i] = '\0';
			return j - i;
		}
		if (j - i < 6 || memcmp(path + j - 6, ".slice", 6))
			return 0;
		i = j;
	}
	return 0;
}

int rp_cgmap__add(struct rp_cgmap *m, const struct etr_cgroup *c)
{
	struct rp_cgroup *g;
	char unit[256];
	size_t n;

	if (!c->id)
		return 0;
	g = (struct rp_cgroup *)rp_cgmap__get(m, c->id);
	if (g) {
		if (c->op == ETR_CGROUP_REMOVED)
			g->removed_ns = c->ts_ns;
		return 0;
	}
	if ((m->len + 1) * 2 > m->cap && rehash(m))
		return -ENOMEM;
	if (m->len == m->alloc) {
		size_t a = m->alloc ? m->alloc * 2 : 64;
		struct rp_cgroup *v = realloc(m->v, a * sizeof(*v));

		if (!v)
			return -ENOMEM;
		m->v = v;
		m->alloc = a;
	}
	g = &m->v[m->len];
	memset(g, 0, sizeof(*g));
	g->id = c->id;
	g->path = rp_memdup0(c->path.ptr, c->path.len);
	n = rp_cgroup_unit(c->path.ptr, c->path.len, unit, sizeof(unit));
	/* Where there is no unit, the path stands for it. */
	g->unit = n ? strdup(unit) : rp_memdup0(c->path.ptr, c->path.len);
	if (!g->path || !g->unit) {
		free(g->path);
		free(g->unit);
		return -ENOMEM;
	}
	g->unit_len = n ? n : c->path.len;
	g->is_unit = n != 0;
	if (c->op == ETR_CGROUP_CREATED)
		g->created_ns = c->ts_ns;
	if (c->op == ETR_CGROUP_REMOVED)
		g->removed_ns = c->ts_ns;
	m->slots[slot_of(m, c->id)] = (uint32_t)++m->len;
	return 0;
}
