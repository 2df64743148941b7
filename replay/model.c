/* SPDX-License-Identifier: MIT */
/*
 * rp_model: processes rebuilt from events.
 *
 * A process is (pid, start_ns). All processes that had a pid hang off one
 * hash slot of that pid, newest start first, so both questions the events
 * ask are one probe and a short walk: "which process is (pid, start)?" and
 * "which process was pid at time t?" (a parent, from a ppid).
 *
 * Memory: a process is one struct rp_proc (112 bytes) and 8 to 16 bytes of
 * hash; an exec is one struct rp_exec (48 bytes) plus its argv, which
 * release_ended gives back once the process is over. Records are handed out
 * from blocks faulted in a step at a time, so the last block costs only
 * what is used of it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/opts.h"
#include "replay.h"

/* the per-process cost the header comment states (less on 32-bit ABIs) */
_Static_assert(sizeof(struct rp_proc) <= 112, "struct rp_proc grew");

struct pid_slot {
	uint32_t pid;
	uint32_t idx; /* newest process of pid; RP_NONE = empty slot */
};

/* A slot of the index of interned strings: file names, working directories
 * and comms repeat. */
struct istr {
	uint64_t hash;
	uint32_t id1; /* id + 1; 0 = empty slot */
};

struct rp_model {
	rp_proc_fn on_end, on_forget;
	void *ctx;
	uint32_t seq; /* the next rp_proc.seq */
	bool release;
	bool forget;
	uint32_t free_proc; /* forgotten slots, chained through 'chain' */
	uint32_t live;	    /* processes held */

	struct rp_proc *procs;
	struct rp_proc **pblk; /* blocks of BLK_N, never moved */
	uint32_t nprocs, procs_cap;

	struct pid_slot *hash;
	uint32_t hash_cap; /* power of two */
	uint32_t hash_used;

	struct rp_exec *execs;
	struct rp_exec **xblk;
	uint32_t nexecs, execs_cap;
	uint32_t free_exec; /* released execs, chained through next */

	struct ec_arena arena; /* strings */
	size_t str_bytes;      /* strings held */
	struct etr_str *strs;  /* interned strings by id */
	uint32_t nstrs, strs_cap;
	struct istr *itab; /* their index: open addressing */
	uint32_t itab_cap;
	bool sealed; /* rp_model__seal(): the pid table and index are gone */
	/* the last comm and directory interned: the next is most often the same */
	uint32_t last_comm, last_cwd;

	uint32_t *pending; /* snapshot processes not linked to a parent yet */
	uint32_t npending, pending_cap;

	struct rp_lost *lost;
	size_t nlost, lost_cap;

	uint64_t end_ns;
	uint64_t first_ns; /* the first event (not snapshot entry); 0 = none yet */
	bool finished;
};

/*
 * Processes and execs live in blocks that never move (a growing array
 * would be copied at each doubling): BLK_N records each, 2 MiB aligned so
 * that a huge page can back them.
 */
#define BLK_SHIFT 14
#define BLK_N (1u << BLK_SHIFT)

static inline struct rp_proc *PR(const struct rp_model *m, uint32_t i)
{
	return &m->pblk[i >> BLK_SHIFT][i & (BLK_N - 1)];
}

static inline struct rp_exec *XR(const struct rp_model *m, uint32_t i)
{
	return &m->xblk[i >> BLK_SHIFT][i & (BLK_N - 1)];
}

static uint32_t intern(struct rp_model *m, const struct etr_str *s);

static int block_add(struct rp_model *m, void ***blocks, uint32_t *cap, size_t elem)
{
	uint32_t nb = *cap >> BLK_SHIFT;
	void **b = realloc(*blocks, (nb + 1) * sizeof(*b));
	void *blk;

	if (!b)
		return -ENOMEM;
	*blocks = b;
	blk = ec_mem__map(elem * BLK_N);
	if (!blk)
		return -ENOMEM;
	b[nb] = blk;
	*cap += BLK_N;
	(void)m;
	return 0;
}

struct rp_model *rp_model__new(const struct rp_model_opts *opts)
{
	struct rp_model *m;

	if (!EC_OPTS_VALID(opts, struct rp_model_opts)) {
		errno = EINVAL;
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m) {
		errno = ENOMEM;
		return NULL;
	}
	/* (one without ctx has no callback either: it would get a context it
	 * did not give) */
	if (EC_OPTS_HAS(opts, ctx)) {
		m->on_end = opts->on_end;
		m->ctx = opts->ctx;
	}
	m->release = EC_OPTS_GET(opts, release_ended, false);
	m->forget = EC_OPTS_GET(opts, forget_ended, false);
	m->on_forget = EC_OPTS_GET(opts, on_forget, NULL);
	if (m->forget)
		m->release = true;
	m->free_proc = RP_NONE;
	m->hash_cap = 1024;
	m->hash = malloc(m->hash_cap * sizeof(*m->hash));
	if (!m->hash) {
		free(m);
		errno = ENOMEM;
		return NULL;
	}
	for (uint32_t i = 0; i < m->hash_cap; i++)
		m->hash[i].idx = RP_NONE;
	m->free_exec = RP_NONE;
	/* id 0, the comm of a process none was seen of (records start zeroed) */
	if (intern(m, &(struct etr_str){"", 0}) != 0) {
		rp_model__free(m);
		errno = ENOMEM;
		return NULL;
	}
	return m;
}

void rp_model__free(struct rp_model *m)
{
	if (!m)
		return;
	if (m->release) {
		/* released ones are NULL */
		for (uint32_t i = 0; i < m->nexecs; i++)
			free((char *)(*XR(m, i)).argv.ptr);
	}
	ec_arena__release(&m->arena);
	free(m->itab);
	free(m->strs);
	for (uint32_t i = 0; i < m->procs_cap >> BLK_SHIFT; i++)
		ec_mem__unmap(m->pblk[i], sizeof(struct rp_proc) * BLK_N);
	free(m->pblk);
	free(m->hash);
	for (uint32_t i = 0; i < m->execs_cap >> BLK_SHIFT; i++)
		ec_mem__unmap(m->xblk[i], sizeof(struct rp_exec) * BLK_N);
	free(m->xblk);
	free(m->pending);
	free(m->lost);
	free(m);
}

/* ---- pid hash ---------------------------------------------------- */

/*
 * Pids are handed out in sequence, so eight consecutive ones share a cache
 * line of the table; the groups themselves are scattered, so that no long
 * runs form for linear probing to wade through.
 */
static inline uint32_t pid_hash(uint32_t pid, uint32_t cap)
{
	return (((pid >> 3) * 0x9E3779B1u) << 3 | (pid & 7)) & (cap - 1);
}

static struct pid_slot *pid_slot(const struct rp_model *m, uint32_t pid)
{
	uint32_t i = pid_hash(pid, m->hash_cap);

	for (;;) {
		struct pid_slot *s = &m->hash[i];

		if (s->idx == RP_NONE || s->pid == pid)
			return s;
		i = (i + 1) & (m->hash_cap - 1);
	}
}

static int hash_grow(struct rp_model *m)
{
	struct pid_slot *old = m->hash;
	uint32_t old_cap = m->hash_cap;
	struct pid_slot *h = malloc(2 * (size_t)old_cap * sizeof(*h));

	if (!h)
		return -ENOMEM;
	/* one call for its pages, not a fault each */
	ec_mem__populate(h, 0, 2 * (size_t)old_cap * sizeof(*h));
	m->hash = h;
	m->hash_cap = old_cap * 2;
	for (uint32_t i = 0; i < m->hash_cap; i++)
		h[i].idx = RP_NONE;
	for (uint32_t i = 0; i < old_cap; i++)
		if (old[i].idx != RP_NONE)
			*pid_slot(m, old[i].pid) = old[i];
	free(old);
	return 0;
}

/* Empty slot @s (its chain is gone), closing the gap so that linear
 * probing still finds the pids stored after it. */
static void pid_del(struct rp_model *m, struct pid_slot *s)
{
	uint32_t mask = m->hash_cap - 1;
	uint32_t i = (uint32_t)(s - m->hash), j;

	s->idx = RP_NONE;
	m->hash_used--;
	for (j = (i + 1) & mask; m->hash[j].idx != RP_NONE; j = (j + 1) & mask) {
		uint32_t home = pid_hash(m->hash[j].pid, m->hash_cap);

		if (((j - home) & mask) >= ((j - i) & mask)) {
			m->hash[i] = m->hash[j];
			m->hash[j].idx = RP_NONE;
			i = j;
		}
	}
}

static inline uint32_t newest(const struct rp_model *m, uint32_t pid)
{
	return pid_slot(m, pid)->idx;
}

/* ---- strings ----------------------------------------------------- */

/* Bytes of an exec's argv: freed with the process under release_ended. */
static char *str_alloc(struct rp_model *m, size_t len)
{
	m->str_bytes += len;
	if (m->release)
		return malloc(len ? len : 1);
	return ec_arena__alloc(&m->arena, len);
}

/* Eight bytes at a time: every exec interns three strings. */
static uint64_t str_hash(const char *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n, w = 0;
	size_t len = n;
	uint32_t a, b;

	while (n >= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
		p += 8;
		n -= 8;
	}
	/* the tail in fixed-size loads, not a memcpy of n bytes (a call) */
	if (n && len >= 8) {
		memcpy(&w, p + n - 8, 8); /* overlapping what was hashed */
	} else if (n >= 4) {
		memcpy(&a, p, 4);
		memcpy(&b, p + n - 4, 4);
		w = (uint64_t)a << 32 | b;
	} else if (n) {
		w = (uint64_t)(unsigned char)p[0] << 16 | (uint64_t)(unsigned char)p[n / 2] << 8 |
		    (unsigned char)p[n - 1];
	}
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 29);
}

/* Whether @a and @b (of @n bytes each) are equal: the strings compared are
 * short, and a call to memcmp costs more than comparing them. */
static inline bool same_bytes(const char *a, const char *b, size_t n)
{
	uint64_t x, y;
	uint32_t u, v;

	if (n >= 8) {
		for (size_t i = 0; i + 8 < n; i += 8) {
			memcpy(&x, a + i, 8);
			memcpy(&y, b + i, 8);
			if (x != y)
				return false;
		}
		/* the last eight, overlapping */
		memcpy(&x, a + n - 8, 8);
		memcpy(&y, b + n - 8, 8);
		return x == y;
	}
	if (n >= 4) {
		memcpy(&u, a, 4);
		memcpy(&v, b, 4);
		if (u != v)
			return false;
		memcpy(&u, a + n - 4, 4);
		memcpy(&v, b + n - 4, 4);
		return u == v;
	}
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/* The id of the one copy of @s the model keeps; RP_NONE on ENOMEM. */
static uint32_t intern(struct rp_model *m, const struct etr_str *s)
{
	uint64_t h = str_hash(s->ptr, s->len);
	uint32_t i, id;
	char *copy;

	if ((m->nstrs + 1) * 2 > m->itab_cap) {
		uint32_t cap = m->itab_cap ? m->itab_cap * 2 : 256;
		struct istr *t = calloc(cap, sizeof(*t));

		if (!t)
			return RP_NONE;
		for (uint32_t k = 0; k < m->itab_cap; k++) {
			if (!m->itab[k].id1)
				continue;
			i = (uint32_t)m->itab[k].hash & (cap - 1);
			while (t[i].id1)
				i = (i + 1) & (cap - 1);
			t[i] = m->itab[k];
		}
		free(m->itab);
		m->itab = t;
		m->itab_cap = cap;
	}
	for (i = (uint32_t)h & (m->itab_cap - 1); m->itab[i].id1; i = (i + 1) & (m->itab_cap - 1)) {
		const struct etr_str *c = &m->strs[m->itab[i].id1 - 1];

		if (m->itab[i].hash == h && c->len == s->len && same_bytes(c->ptr, s->ptr, s->len))
			return m->itab[i].id1 - 1;
	}
	if (m->nstrs == m->strs_cap) {
		uint32_t cap = m->strs_cap ? m->strs_cap * 2 : 64;
		struct etr_str *n = realloc(m->strs, cap * sizeof(*n));

		if (!n)
			return RP_NONE;
		m->strs = n;
		m->strs_cap = cap;
	}
	copy = ec_arena__alloc(&m->arena, (size_t)s->len + 1);
	if (!copy)
		return RP_NONE;
	if (s->len)
		memcpy(copy, s->ptr, s->len);
	copy[s->len] = '\0';
	id = m->nstrs++;
	m->strs[id] = (struct etr_str){copy, s->len};
	m->itab[i].hash = h;
	m->itab[i].id1 = id + 1;
	m->str_bytes += (size_t)s->len + 1;
	return id;
}

/* intern(), trying first the id in *@last (then set to the result). */
static inline uint32_t intern_again(struct rp_model *m, const struct etr_str *s, uint32_t *last)
{
	const struct etr_str *c = &m->strs[*last];
	uint32_t id;

	if (c->len == s->len && same_bytes(c->ptr, s->ptr, s->len))
		return *last;
	id = intern(m, s);
	if (id != RP_NONE)
		*last = id;
	return id;
}

struct etr_str rp_model__str(const struct rp_model *m, uint32_t id)
{
	if (!m || id >= m->nstrs)
		return (struct etr_str){"", 0};
	return m->strs[id];
}

/* ---- processes --------------------------------------------------- */

uint32_t rp_model__count(const struct rp_model *m)
{
	return m ? m->nprocs : 0;
}

struct rp_proc *rp_model__proc(const struct rp_model *m, uint32_t idx)
{
	return m && idx < m->nprocs ? PR(m, idx) : NULL;
}

uint32_t rp_model__index(const struct rp_model *m, const struct rp_proc *p)
{
	for (uint32_t b = 0; b < m->procs_cap >> BLK_SHIFT; b++)
		if (p >= m->pblk[b] && p < m->pblk[b] + BLK_N)
			return (b << BLK_SHIFT) + (uint32_t)(p - m->pblk[b]);
	return RP_NONE;
}

const struct rp_exec *rp_model__exec(const struct rp_model *m, uint32_t idx)
{
	return m && idx < m->nexecs ? XR(m, idx) : NULL;
}

const struct rp_exec *rp_model__last_exec(const struct rp_model *m, const struct rp_proc *p)
{
	const struct rp_exec *last = NULL;

	for (uint32_t i = p->exec_first; i != RP_NONE; i = (*XR(m, i)).next)
		if ((*XR(m, i)).ret == 0)
			last = XR(m, i);
	return last;
}

uint64_t rp_model__end_ns(const struct rp_model *m)
{
	return m ? m->end_ns : 0;
}

bool rp_model__exec_env(const struct rp_model *m, const struct rp_exec *x, struct etr_str *ret_env)
{
	uint32_t len;

	(void)m;
	if (!(x->flags & ETR_EVF_ENV) || !x->argv.ptr)
		return false;
	/* after the argv: its length, then the environment (add_exec) */
	memcpy(&len, x->argv.ptr + x->argv.len, sizeof(len));
	*ret_env = (struct etr_str){x->argv.ptr + x->argv.len + sizeof(len), len};
	return true;
}

static bool all_digits(const char *s, uint32_t n)
{
	if (!n)
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

struct etr_str rp_model__exec_name(const struct rp_model *m, const struct rp_exec *x)
{
	struct etr_str file = rp_model__str(m, x->filename), b = rp_basename(file), c;

	/* fexecve and execveat(fd, "", AT_EMPTY_PATH) run "/dev/fd/N" (glibc
	 * may make it "/proc/self/fd/N"): "3" names nothing. The kernel's comm
	 * is right on kernels that take it from the file; older ones set it
	 * to "3" as well, and then argv[0] is the best left. */
	if (!all_digits(b.ptr, b.len) || file.len < b.len + 4 ||
	    memcmp(file.ptr + file.len - b.len - 4, "/fd/", 4))
		return b;
	c = rp_model__str(m, x->comm);
	if (c.len && !all_digits(c.ptr, c.len))
		return c;
	if (x->argv.len && x->argv.ptr[0]) {
		struct etr_str a0 = {x->argv.ptr, (uint32_t)strnlen(x->argv.ptr, x->argv.len)};

		return rp_basename(a0);
	}
	return b;
}

/* Where a process's duration counts from (replay/README.md): its start when
 * the recording saw it begin, else its first exec in the recording (for the
 * command of "record -- CMD", forked before the recorder was ready, that is
 * the command itself and not the recorder's start-up), else its start. */
uint64_t rp_model__dur_start(const struct rp_model *m, const struct rp_proc *p)
{
	if (!p->start_ns || (p->flags & RP_PF_FORKED) || p->start_ns >= m->first_ns)
		return p->start_ns;
	for (uint32_t i = p->exec_first; i != RP_NONE;) {
		const struct rp_exec *x = rp_model__exec(m, i);

		if (!x->ret && !(x->flags & RP_XF_SNAPSHOT))
			return x->ts_ns > p->start_ns ? x->ts_ns : p->start_ns;
		i = x->next;
	}
	return p->start_ns;
}

bool rp_model__duration(const struct rp_model *m, const struct rp_proc *p, uint64_t *ret_ns)
{
	uint64_t end, start;

	if (!p->start_ns)
		return false;
	if (p->flags & RP_PF_EXITED)
		end = p->end_ns;
	else if (p->flags & RP_PF_RUNNING)
		end = m->end_ns;
	else
		return false;
	start = rp_model__dur_start(m, p);
	*ret_ns = end > start ? end - start : 0;
	return true;
}

struct rp_proc *rp_model__find(const struct rp_model *m, uint32_t pid, uint64_t start_ns)
{
	uint32_t i;

	if (!m)
		return NULL;
	if (m->sealed) {
		struct rp_proc *best = NULL;

		/* no pid table: the newest of the pid's processes, the hard way */
		for (i = 0; i < m->nprocs; i++) {
			struct rp_proc *p = PR(m, i);

			if (p->pid != pid || (p->flags & RP_PF_FREE))
				continue;
			if (start_ns ? p->start_ns == start_ns
				     : !best || p->start_ns > best->start_ns)
				best = p;
		}
		return best;
	}
	for (i = newest(m, pid); i != RP_NONE; i = (*PR(m, i)).chain)
		if (!start_ns || (*PR(m, i)).start_ns == start_ns)
			return PR(m, i);
	return NULL;
}

/* A new process, put in its pid's chain by start time (newest first;
 * placeholders, of unknown start, last). */
static uint32_t proc_new(struct rp_model *m, uint32_t pid, uint64_t start_ns)
{
	struct pid_slot *s;
	struct rp_proc *p;
	uint32_t idx, *link;

	if (m->free_proc == RP_NONE && m->nprocs == m->procs_cap &&
	    block_add(m, (void ***)&m->pblk, &m->procs_cap, sizeof(struct rp_proc)))
		return RP_NONE;
	if ((m->hash_used + 1) * 4 > m->hash_cap * 3ull && hash_grow(m))
		return RP_NONE;

	if (m->free_proc != RP_NONE) {
		idx = m->free_proc;
		m->free_proc = (*PR(m, idx)).chain;
	} else {
		idx = m->nprocs++;
		ec_mem__step(m->pblk[idx >> BLK_SHIFT], idx & (BLK_N - 1), BLK_N, sizeof(*p));
	}
	m->live++;
	p = PR(m, idx);
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->start_ns = start_ns;
	p->parent = p->first_child = p->next_sibling = p->last_child = RP_NONE;
	p->exec_first = p->exec_last = RP_NONE;
	p->seq = m->seq++;

	s = pid_slot(m, pid);
	if (s->idx == RP_NONE) {
		s->pid = pid;
		m->hash_used++;
	}
	link = &s->idx;
	while (*link != RP_NONE && (*PR(m, *link)).start_ns > start_ns)
		link = &PR(m, *link)->chain;
	p->chain = *link;
	*link = idx;
	return idx;
}

static void link_child(struct rp_model *m, uint32_t parent, uint32_t child)
{
	struct rp_proc *pp = PR(m, parent), *c = PR(m, child);

	c->parent = parent;
	c->seq = m->seq++;
	pp->nchildren++;
	if (m->forget) {
		/* no lists: 'last_child' counts the children still held */
		pp->last_child = pp->last_child == RP_NONE ? 1 : pp->last_child + 1;
		return;
	}
	c->next_sibling = RP_NONE;
	if (pp->last_child == RP_NONE)
		pp->first_child = child;
	else
		(*PR(m, pp->last_child)).next_sibling = child;
	pp->last_child = child;
}

#define LOST_ANY 1u  /* events of it may be missing */
#define LOST_EXIT 2u /* its exit may be among them */

/* What the lost markers during the life of @p, up to @end (inclusive),
 * may have taken from it: LOST_* bits. */
static uint32_t lost_during(const struct rp_model *m, const struct rp_proc *p, uint64_t end)
{
	size_t lo = 0, hi = m->nlost;
	uint32_t mask = 0;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (m->lost[mid].ts_ns < p->start_ns)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < m->nlost && m->lost[lo].ts_ns <= end; lo++) {
		const struct rp_lost *l = &m->lost[lo];
		/* an exit lost before it was last seen alive was not its own */
		bool exit_possible = !(p->flags & RP_PF_EXITED) && l->ts_ns >= p->last_ns;

		if (l->type == ETR_EV_EXIT && !exit_possible)
			continue;
		mask |= LOST_ANY;
		if ((l->type == ETR_EV_EXIT || l->type == 0) && exit_possible)
			mask |= LOST_EXIT;
	}
	return mask;
}

static void release_execs(struct rp_model *m, struct rp_proc *p)
{
	uint32_t i = p->exec_first;

	while (i != RP_NONE) {
		struct rp_exec *x = XR(m, i);
		uint32_t next = x->next;

		struct etr_str env;

		m->str_bytes -= x->argv.len;
		if (rp_model__exec_env(m, x, &env))
			m->str_bytes -= env.len + sizeof(uint32_t);
		free((char *)x->argv.ptr);
		x->argv.ptr = NULL;
		x->next = m->free_exec;
		m->free_exec = i;
		i = next;
	}
	p->exec_first = p->exec_last = RP_NONE;
}

/*
 * forget_ended: drop @idx if it is over and holds no children, then its
 * parent if that leaves it so, and so on up.
 */
static void forget(struct rp_model *m, uint32_t idx)
{
	while (idx != RP_NONE) {
		struct rp_proc *p = PR(m, idx);
		uint32_t parent = p->parent, *link;
		struct pid_slot *slot;

		if (!(p->flags & RP_PF_ENDED) || (p->last_child != RP_NONE && p->last_child))
			return;
		if (m->on_forget)
			m->on_forget(m->ctx, m, p);
		p = PR(m, idx);
		slot = pid_slot(m, p->pid);
		link = &slot->idx;
		while (*link != RP_NONE && *link != idx)
			link = &PR(m, *link)->chain;
		if (*link == idx) {
			*link = p->chain;
			if (slot->idx == RP_NONE)
				pid_del(m, slot);
		}
		memset(p, 0, sizeof(*p));
		p->flags = RP_PF_FREE;
		p->exec_first = p->exec_last = RP_NONE;
		p->chain = m->free_proc;
		m->free_proc = idx;
		m->live--;
		if (parent == RP_NONE)
			return;
		p = PR(m, parent);
		if (p->last_child != RP_NONE && p->last_child)
			p->last_child--;
		idx = parent;
	}
}

/* The record of @idx is final as of @end: mark losses, tell the user. */
static void proc_end(struct rp_model *m, uint32_t idx, uint64_t end)
{
	struct rp_proc *p = PR(m, idx);
	uint32_t lost;

	if (p->flags & RP_PF_ENDED)
		return;
	p->flags |= RP_PF_ENDED;
	lost = m->nlost ? lost_during(m, p, end) : 0;
	if (lost)
		p->flags |= RP_PF_LOST;
	/* not known to run on if its exit may be among the lost */
	if (lost & LOST_EXIT)
		p->flags &= ~RP_PF_RUNNING;
	if (m->on_end)
		m->on_end(m->ctx, m, p);
	p = PR(m, idx);
	if (m->release)
		release_execs(m, p);
	if (m->forget)
		forget(m, idx);
}

/*
 * The parent of a process started at @start whose ppid is @ppid: the
 * newest process of that pid started no later, unless that one had already
 * exited (then the real parent was never seen).
 */
static uint32_t find_parent(struct rp_model *m, uint32_t ppid, uint64_t start, uint32_t self)
{
	uint32_t i;

	for (i = newest(m, ppid); i != RP_NONE; i = (*PR(m, i)).chain) {
		struct rp_proc *pp = PR(m, i);

		if (i == self)
			continue;
		if (pp->start_ns <= start) {
			if ((pp->flags & RP_PF_EXITED) && pp->end_ns < start)
				break;
			return i;
		}
	}
	/* a parent we know nothing of but its pid */
	i = proc_new(m, ppid, 0);
	if (i != RP_NONE) {
		(*PR(m, i)).flags |= RP_PF_PLACEHOLDER | RP_PF_NO_START;
		(*PR(m, i)).ppid = 0;
	}
	return i;
}

static void set_parent(struct rp_model *m, uint32_t idx)
{
	struct rp_proc *p = PR(m, idx);
	uint32_t par;

	/* linked once: a second link would cut the first parent's list */
	if (!p->ppid || p->ppid == p->pid || p->parent != RP_NONE)
		return;
	par = find_parent(m, p->ppid, p->start_ns, idx);
	if (par == RP_NONE)
		return;
	/* A process with children already (a placeholder that showed itself)
	 * must not get one of its descendants for a parent: hostile or
	 * garbled events could make a cycle, and every walk up would loop. */
	if (p->nchildren)
		for (uint32_t a = par; a != RP_NONE; a = (*PR(m, a)).parent)
			if (a == idx)
				return;
	link_child(m, par, idx);
}

static void link_pending(struct rp_model *m)
{
	for (uint32_t i = 0; i < m->npending; i++)
		if ((*PR(m, m->pending[i])).parent == RP_NONE)
			set_parent(m, m->pending[i]);
	m->npending = 0;
}

/* Put process @i of @pid where its start time puts it in the chain. */
static void rechain(struct rp_model *m, uint32_t pid, uint32_t i)
{
	struct rp_proc *p = PR(m, i);
	uint32_t *link = &pid_slot(m, pid)->idx;

	while (*link != i)
		link = &PR(m, *link)->chain;
	*link = p->chain;
	link = &pid_slot(m, pid)->idx;
	while (*link != RP_NONE && (*PR(m, *link)).start_ns > p->start_ns)
		link = &PR(m, *link)->chain;
	p->chain = *link;
	*link = i;
}

/*
 * /proc gives a start time in clock ticks (10 ms), events give it in ns:
 * a snapshot entry and the events of the same process agree only this well.
 */
#define SNAPSHOT_SLACK_NS (20ull * 1000 * 1000)

static bool same_start(const struct rp_proc *p, const struct etr_event *ev)
{
	uint64_t a = p->start_ns, b = ev->start_ns;

	if (a == b)
		return true;
	if (!(p->flags & RP_PF_SNAPSHOT) && ev->type != RP_EV_PROC)
		return false;
	return (a > b ? a - b : b - a) <= SNAPSHOT_SLACK_NS;
}

/*
 * The process an event is about: found, or created. A newer start on a pid
 * whose process has no exit means that process is gone unseen (pid reuse).
 * Sets *created when the process is new to the events (a placeholder
 * parent that now shows itself counts as new).
 */
static uint32_t resolve(struct rp_model *m, const struct etr_event *ev, bool *created)
{
	uint32_t i, head = newest(m, ev->pid);

	*created = false;
	for (i = head; i != RP_NONE; i = (*PR(m, i)).chain) {
		struct rp_proc *p = PR(m, i);

		/* a placeholder (start unknown) matches no start; a process
		 * whose events all say start 0 matches its own */
		if (!(p->flags & RP_PF_PLACEHOLDER) && same_start(p, ev)) {
			if (p->start_ns != ev->start_ns && ev->type != RP_EV_PROC) {
				/* the event's start time is the precise one */
				p->start_ns = ev->start_ns;
				rechain(m, ev->pid, i);
			}
			return i;
		}
	}
	for (i = head; i != RP_NONE; i = (*PR(m, i)).chain) {
		struct rp_proc *p = PR(m, i);

		if ((p->flags & RP_PF_PLACEHOLDER) && !(p->flags & RP_PF_ENDED)) {
			/* the placeholder of a parent: now it shows itself */
			p->start_ns = ev->start_ns;
			p->flags &= ~RP_PF_PLACEHOLDER;
			rechain(m, ev->pid, i);
			*created = true;
			return i;
		}
	}
	i = proc_new(m, ev->pid, ev->start_ns);
	if (i == RP_NONE)
		return RP_NONE;
	*created = true;
	/* older processes of this pid still open are over */
	for (uint32_t j = (*PR(m, i)).chain, next; j != RP_NONE; j = next) {
		struct rp_proc *o = PR(m, j);

		next = o->chain; /* proc_end may forget it */
		if (o->start_ns && !(o->flags & RP_PF_ENDED)) {
			o->flags |= RP_PF_NO_EXIT;
			proc_end(m, j, ev->start_ns);
		}
	}
	return i;
}

static void note_event(struct rp_proc *p, const struct etr_event *ev)
{
	if (ev->ts_ns > p->last_ns)
		p->last_ns = ev->ts_ns;
	p->uid = ev->uid;
	p->gid = ev->gid;
	if (ev->cgroup_id)
		p->cgroup_id = ev->cgroup_id;
	if (ev->ppid && p->ppid && ev->ppid != p->ppid && ev->ppid != p->reparent_pid) {
		/* its parent died and it was handed to init or a subreaper */
		p->flags |= RP_PF_REPARENTED;
		p->reparent_pid = ev->ppid;
	}
}

/* The kernel's comm is 15 bytes at most; a longer one is cut there. */
#define COMM_MAX 15

static int set_comm(struct rp_model *m, struct rp_proc *p, const struct etr_str *comm)
{
	struct etr_str cs = {comm->ptr, comm->len < COMM_MAX ? comm->len : COMM_MAX};
	uint32_t id = intern_again(m, &cs, &m->last_comm);

	if (id == RP_NONE)
		return -ENOMEM;
	p->comm = id;
	return 0;
}

/* With @take_comm, the exec's comm becomes the process's. */
static int add_exec(struct rp_model *m, uint32_t idx, const struct etr_event *ev, uint32_t xflags,
		    bool take_comm)
{
	uint32_t file = intern(m, &ev->filename), cwd = intern_again(m, &ev->cwd, &m->last_cwd);
	struct etr_str cs = {ev->comm.ptr, ev->comm.len < COMM_MAX ? ev->comm.len : COMM_MAX};
	uint32_t comm = intern_again(m, &cs, &m->last_comm);
	struct rp_proc *p;
	struct rp_exec *x;
	uint32_t xi, *link;
	size_t env_extra;
	char *argv;

	if (file == RP_NONE || cwd == RP_NONE || comm == RP_NONE)
		return -ENOMEM;
	if (m->free_exec != RP_NONE) {
		xi = m->free_exec;
		m->free_exec = (*XR(m, xi)).next;
	} else {
		if (m->nexecs == m->execs_cap &&
		    block_add(m, (void ***)&m->xblk, &m->execs_cap, sizeof(struct rp_exec)))
			return -ENOMEM;
		xi = m->nexecs++;
		ec_mem__step(m->xblk[xi >> BLK_SHIFT], xi & (BLK_N - 1), BLK_N, sizeof(*x));
	}
	/* an environment (record --env, kept by rp_trace) goes after the
	 * argv in the same block, after its length: rp_exec stays 48 bytes */
	env_extra = ev->flags & ETR_EVF_ENV ? (size_t)ev->env.len + sizeof(uint32_t) : 0;
	argv = str_alloc(m, ev->argv.len + env_extra);
	if (!argv) {
		(*XR(m, xi)).argv.ptr = NULL;
		(*XR(m, xi)).next = m->free_exec;
		m->free_exec = xi;
		return -ENOMEM;
	}
	x = XR(m, xi);
	x->ts_ns = ev->ts_ns;
	x->ret = ev->ret;
	x->flags = ev->flags | xflags;
	x->next = RP_NONE;
	x->comm = comm;
	x->filename = file;
	x->cwd = cwd;
	x->argv.ptr = argv;
	x->argv.len = ev->argv.len;
	if (ev->argv.len)
		memcpy(argv, ev->argv.ptr, ev->argv.len);
	if (env_extra) {
		memcpy(argv + ev->argv.len, &ev->env.len, sizeof(uint32_t));
		if (ev->env.len)
			memcpy(argv + ev->argv.len + sizeof(uint32_t), ev->env.ptr, ev->env.len);
	}

	p = PR(m, idx);
	link = p->exec_first == RP_NONE ? &p->exec_first : &XR(m, p->exec_last)->next;
	*link = xi;
	p->exec_last = xi;
	if (ev->flags & (ETR_EVF_ARGV_TRUNC | ETR_EVF_CWD_TRUNC | ETR_EVF_FILENAME_TRUNC))
		p->flags |= RP_PF_TRUNC;
	if (take_comm)
		p->comm = comm;
	return 0;
}

static int add_proc(struct rp_model *m, const struct etr_event *ev)
{
	bool created;
	uint32_t idx = resolve(m, ev, &created);
	struct rp_proc *p;

	if (idx == RP_NONE)
		return -ENOMEM;
	p = PR(m, idx);
	p->flags |= RP_PF_SNAPSHOT;
	p->flags &= ~RP_PF_NO_START;
	if (!created) {
		/* events of it came first: keep theirs, add what is missing */
		if (!p->ppid)
			p->ppid = ev->ppid;
		if (p->exec_first == RP_NONE && (ev->filename.len || ev->argv.len))
			return add_exec(m, idx, ev, RP_XF_SNAPSHOT, false);
		return 0;
	}
	p->ppid = ev->ppid;
	note_event(p, ev);
	if (set_comm(m, p, &ev->comm))
		return -ENOMEM;
	if (m->npending == m->pending_cap) {
		uint32_t cap = m->pending_cap ? m->pending_cap * 2 : 256;
		uint32_t *n = realloc(m->pending, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		m->pending = n;
		m->pending_cap = cap;
	}
	m->pending[m->npending++] = idx;
	if (ev->filename.len || ev->argv.len) {
		struct etr_event x = *ev;

		/* when it started running what it runs now is not known */
		x.ts_ns = ev->start_ns;
		x.ret = 0;
		return add_exec(m, idx, &x, RP_XF_SNAPSHOT, false);
	}
	return 0;
}

int rp_model__add(struct rp_model *m, const struct etr_event *ev)
{
	struct rp_proc *p;
	bool created;
	uint32_t idx;

	if (!m || !ev || m->sealed)
		return -EINVAL;
	if (ev->type == RP_EV_PROC)
		return add_proc(m, ev);
	if (!m->first_ns)
		m->first_ns = ev->ts_ns;
	if (m->npending)
		link_pending(m);

	switch (ev->type) {
	case ETR_EV_FORK:
		if (ev->flags & ETR_EVF_THREAD)
			return 0;
		idx = resolve(m, ev, &created);
		if (idx == RP_NONE)
			return -ENOMEM;
		p = PR(m, idx);
		p->flags |= RP_PF_FORKED;
		p->flags &= ~RP_PF_NO_START;
		if (!created)
			return 0; /* known from the snapshot, or a repeat */
		p->ppid = ev->ppid;
		note_event(p, ev);
		if (set_comm(m, p, &ev->comm))
			return -ENOMEM;
		set_parent(m, idx);
		p = PR(m, idx);
		if (p->parent != RP_NONE && (*PR(m, p->parent)).last_ns < ev->ts_ns)
			(*PR(m, p->parent)).last_ns = ev->ts_ns; /* it forked: alive */
		return 0;

	case ETR_EV_EXEC:
	case ETR_EV_EXEC_FAIL:
	case ETR_EV_EXIT:
		idx = resolve(m, ev, &created);
		if (idx == RP_NONE)
			return -ENOMEM;
		p = PR(m, idx);
		if (created) {
			p->flags |= RP_PF_NO_START;
			p->ppid = ev->ppid;
			set_parent(m, idx);
			p = PR(m, idx);
		}
		if (p->flags & RP_PF_ENDED)
			return 0; /* a repeat, or an event after the end: keep the record */
		note_event(p, ev);
		if (ev->type == ETR_EV_EXIT) {
			p->end_ns = ev->ts_ns;
			p->exit_code = ev->exit_code;
			p->signal = (int16_t)ev->signal;
			p->flags |= RP_PF_EXITED;
			if (ev->flags & ETR_EVF_CORE_DUMPED)
				p->flags |= RP_PF_CORE;
			if ((created || !rp_model__comm(m, p)[0]) && set_comm(m, p, &ev->comm))
				return -ENOMEM;
			proc_end(m, idx, ev->ts_ns);
			return 0;
		}
		if (ev->type == ETR_EV_EXEC) {
			if (p->nexec < UINT16_MAX)
				p->nexec++;
			if (ev->old_tid && ev->old_tid != ev->pid)
				p->flags |= RP_PF_THREAD_EXEC;
		} else {
			if (p->nfail < UINT32_MAX)
				p->nfail++;
		}
		/* the comm after a successful exec, or the first seen */
		return add_exec(m, idx, ev, 0, ev->type == ETR_EV_EXEC || created);

	case ETR_EV_LOST:
		if (m->nlost == m->lost_cap) {
			size_t cap = m->lost_cap ? m->lost_cap * 2 : 16;
			struct rp_lost *n = realloc(m->lost, cap * sizeof(*n));

			if (!n)
				return -ENOMEM;
			m->lost = n;
			m->lost_cap = cap;
		}
		/* markers come in time order; keep them sorted anyway */
		{
			size_t i = m->nlost++;

			while (i > 0 && m->lost[i - 1].ts_ns > ev->ts_ns) {
				m->lost[i] = m->lost[i - 1];
				i--;
			}
			m->lost[i].ts_ns = ev->ts_ns;
			m->lost[i].count = ev->lost_count;
			m->lost[i].type = ev->lost_type;
		}
		return 0;

	default:
		return 0;
	}
}

int rp_model__finish(struct rp_model *m, uint64_t end_ns)
{
	if (!m || m->sealed)
		return -EINVAL;
	if (m->finished)
		return 0;
	link_pending(m);
	m->finished = true;
	m->end_ns = end_ns;
	for (uint32_t i = 0; i < m->nprocs; i++) {
		struct rp_proc *p = PR(m, i);

		if (p->flags & (RP_PF_ENDED | RP_PF_FREE))
			continue;
		if (!(p->flags & RP_PF_PLACEHOLDER))
			p->flags |= RP_PF_RUNNING;
		proc_end(m, i, end_ns);
	}
	return 0;
}

size_t rp_model__lost_count(const struct rp_model *m)
{
	return m ? m->nlost : 0;
}

void rp_model__seal(struct rp_model *m)
{
	if (!m || !m->finished || m->sealed)
		return;
	m->sealed = true;
	free(m->hash);
	m->hash = NULL;
	m->hash_cap = m->hash_used = 0;
	free(m->itab);
	m->itab = NULL;
	m->itab_cap = 0;
	free(m->pending);
	m->pending = NULL;
	m->pending_cap = 0;
}

size_t rp_model__mem(const struct rp_model *m)
{
	size_t n = 0;

	if (!m)
		return 0;
	n += sizeof(*m);
	n += (size_t)m->nprocs * sizeof(struct rp_proc);
	n += (size_t)m->hash_cap * sizeof(*m->hash);
	n += (size_t)m->nexecs * sizeof(struct rp_exec);
	n += m->str_bytes;
	n += (size_t)m->itab_cap * sizeof(*m->itab);
	n += (size_t)m->strs_cap * sizeof(*m->strs);
	n += (size_t)m->pending_cap * sizeof(*m->pending);
	n += m->lost_cap * sizeof(*m->lost);
	return n;
}

size_t rp_model__str_bytes(const struct rp_model *m)
{
	return m ? m->str_bytes : 0;
}
