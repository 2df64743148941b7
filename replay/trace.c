/* SPDX-License-Identifier: MIT */
/*
 * rp_trace: a trace's events in time order, and what it says about itself.
 *
 * Events wait in slots that are recycled, so after the first window no
 * allocation happens per event. A slot's strings stay in the chunk buffer
 * they were decoded from until the next chunk is about to overwrite it:
 * only then are the events still waiting copied out (a few hundred per
 * chunk of thousands), not every event. The window is a sorted ring of slot
 * pointers: events arrive nearly in order, so inserting at the tail and
 * moving back over the few later ones costs O(1) almost always.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/opts.h"
#include "durs.h"
#include "replay.h"
#include "cgroup.h"

#define MAX_PROBLEMS 256

struct slot {
	struct etr_event ev;
	char *buf;
	size_t cap;
	struct slot *next_free;
	bool borrowed; /* ev's strings point into the current chunk */
};

struct counter {
	struct etr_counter c;
	char *name;
};

struct rp_trace {
	struct etr_walk *walk;
	uint64_t window_ns;
	uint32_t max_held;
	bool keep_env;
	bool keep_threads;
	bool keep_path_misses;
	rp_trace_record_fn record_cb;
	void *record_ctx;

	bool done;

	/* the window: ring of 'ring_cap' (a power of two) slot pointers */
	struct slot **ring;
	uint32_t ring_cap;
	uint32_t ring_head;
	uint32_t ring_len;
	uint64_t max_ts; /* latest time read */

	/* snapshot entries, handed out before the window */
	struct slot **imm;
	size_t imm_len, imm_cap, imm_head;

	struct slot *free_slots;
	struct slot *out; /* the slot handed out last */
	uint64_t last_out_ts;

	/* what the trace says */
	struct rp_meta *meta;
	size_t meta_len, meta_cap;
	struct etr_clock *clocks;
	size_t clock_len, clock_cap;
	struct counter *counters;
	size_t counter_len, counter_cap;
	struct etr_end end;
	bool have_end;
	struct etr_problem *problems;
	size_t problem_len, problem_count;

	bool gap; /* damage since the last event read: events may be missing */
	uint64_t first_ns, first_proc_ns, last_ns;
	bool have_first;
	struct rp_durs durs; /* where exits' durations count from */
	struct rp_cgmap cgroups;
	struct rp_trace_stats stats;
	int err; /* sticky -ENOMEM */
};

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap ? *cap : 8;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	q = realloc(*p, n * elem);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

static bool no_events(const struct etr_problem *p)
{
	return (p->kind == ETR_PROB_DECOMPRESS || p->kind == ETR_PROB_BAD_RECORD) &&
	       (p->chunk_type == ETR_CHUNK_TPFORMAT || p->chunk_type == ETR_CHUNK_BTF);
}

static void on_problem(void *ctx, const struct etr_problem *p)
{
	struct rp_trace *t = ctx;

	t->problem_count++;
	if (t->problem_len < MAX_PROBLEMS)
		t->problems[t->problem_len++] = *p;
	/* a damaged file header loses no event; anything else may have, but
	 * a payload that holds none and is decoded only for the caller
	 * (record_cb: formats, BTF) */
	if (p->kind != ETR_PROB_HEADER_CHECKSUM && !no_events(p))
		t->gap = true;
}

static struct rp_trace *trace_new(const struct rp_trace_opts *opts)
{
	struct rp_trace *t;

	if (!EC_OPTS_VALID(opts, struct rp_trace_opts)) {
		errno = EINVAL;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->window_ns = EC_OPTS_GET(opts, reorder_ns, 0);
	if (!t->window_ns)
		t->window_ns = RP_REORDER_NS_DEFAULT;
	t->max_held = EC_OPTS_GET(opts, reorder_max, 0);
	if (!t->max_held)
		t->max_held = RP_REORDER_MAX_DEFAULT;
	t->keep_env = EC_OPTS_GET(opts, keep_env, false);
	t->keep_threads = EC_OPTS_GET(opts, keep_threads, false);
	t->keep_path_misses = EC_OPTS_GET(opts, path_misses, false);
	/* (one without record_ctx has no callback either: it would get a
	 * context it did not give) */
	if (EC_OPTS_HAS(opts, record_ctx)) {
		t->record_cb = opts->record_cb;
		t->record_ctx = opts->record_ctx;
	}
	if (t->max_held > (1u << 24))
		t->max_held = 1u << 24;
	/* grown as events wait: pages of a ring are all written as it turns,
	 * and a fault costs more than the copying */
	t->ring_cap = 64;
	t->ring = calloc(t->ring_cap, sizeof(*t->ring));
	t->problems = calloc(MAX_PROBLEMS, sizeof(*t->problems));
	if (!t->ring || !t->problems) {
		rp_trace__free(t);
		return NULL;
	}
	return t;
}

static struct rp_trace *trace_open(const char *path, const void *buf, size_t len,
				   const struct rp_trace_opts *opts)
{
	struct etr_walk_opts wopts = {.sz = sizeof(wopts), .problem_cb = on_problem};
	struct rp_trace *t = trace_new(opts);
	int err;

	if (!t) {
		errno = ENOMEM;
		return NULL;
	}
	wopts.problem_ctx = t;
	/* TPFORMAT and BTF are not needed here unless the caller takes them:
	 * their CRC is checked all the same */
	if (!t->record_cb)
		wopts.type_mask = ~((1u << ETR_CHUNK_TPFORMAT) | (1u << ETR_CHUNK_BTF));
	t->walk = path ? etr_walk__open(path, &wopts) : etr_walk__open_mem(buf, len, &wopts);
	if (!t->walk) {
		err = errno;
		rp_trace__free(t);
		errno = err;
		return NULL;
	}
	return t;
}

struct rp_trace *rp_trace__open(const char *path, const struct rp_trace_opts *opts)
{
	if (!path) {
		errno = EINVAL;
		return NULL;
	}
	return trace_open(path, NULL, 0, opts);
}

struct rp_trace *rp_trace__open_mem(const void *buf, size_t len, const struct rp_trace_opts *opts)
{
	return trace_open(NULL, buf, len, opts);
}

static void slot_free(struct slot *s)
{
	if (s) {
		free(s->buf);
		free(s);
	}
}

void rp_trace__free(struct rp_trace *t)
{
	struct slot *s;

	if (!t)
		return;
	etr_walk__free(t->walk);
	for (uint32_t i = 0; i < t->ring_len; i++)
		slot_free(t->ring[(t->ring_head + i) & (t->ring_cap - 1)]);
	for (size_t i = t->imm_head; i < t->imm_len; i++)
		slot_free(t->imm[i]);
	slot_free(t->out);
	while ((s = t->free_slots)) {
		t->free_slots = s->next_free;
		slot_free(s);
	}
	free(t->ring);
	free(t->imm);
	rp_durs__free(&t->durs);
	rp_cgmap__free(&t->cgroups);
	for (size_t i = 0; i < t->meta_len; i++) {
		free((char *)t->meta[i].key);
		free((char *)t->meta[i].value);
	}
	free(t->meta);
	free(t->clocks);
	for (size_t i = 0; i < t->counter_len; i++)
		free(t->counters[i].name);
	free(t->counters);
	free(t->problems);
	free(t);
}

static struct slot *slot_get(struct rp_trace *t)
{
	struct slot *s = t->free_slots;

	if (s) {
		t->free_slots = s->next_free;
		return s;
	}
	return calloc(1, sizeof(*s));
}

static void slot_put(struct rp_trace *t, struct slot *s)
{
	/* a rare huge argv does not keep its buffer for good */
	if (s->cap > (64u << 10)) {
		free(s->buf);
		s->buf = NULL;
		s->cap = 0;
	}
	s->next_free = t->free_slots;
	t->free_slots = s;
}

static inline char *copy_str(char *p, struct etr_str *s)
{
	if (!s->len) {
		/* a slot with only empty strings has no buffer: no NULL here */
		s->ptr = "";
		return p;
	}
	memcpy(p, s->ptr, s->len);
	s->ptr = p;
	return p + s->len;
}

/* Copy a slot's strings out of the chunk buffer into its own. 0 or -ENOMEM. */
static int slot_own(struct slot *s)
{
	size_t need = (size_t)s->ev.comm.len + s->ev.filename.len + s->ev.cwd.len + s->ev.argv.len +
		      s->ev.env.len;
	char *p;

	if (need > s->cap) {
		size_t cap = need < 256 ? 256 : need;
		char *b = realloc(s->buf, cap);

		if (!b)
			return -ENOMEM;
		s->buf = b;
		s->cap = cap;
	}
	p = s->buf;
	p = copy_str(p, &s->ev.comm);
	p = copy_str(p, &s->ev.filename);
	p = copy_str(p, &s->ev.cwd);
	p = copy_str(p, &s->ev.argv);
	copy_str(p, &s->ev.env);
	s->borrowed = false;
	return 0;
}

/* @ev into a slot: its strings copied, or with @borrow left where they are
 * (in the current EVENTS chunk; see own_borrowed()). */
static struct slot *slot_fill(struct rp_trace *t, const struct etr_event *ev, bool borrow)
{
	struct slot *s = slot_get(t);

	if (!s)
		return NULL;
	s->ev = *ev;
	if (!t->keep_env) {
		/* not handed out: and not said to be there */
		s->ev.env.ptr = "";
		s->ev.env.len = 0;
		s->ev.flags &= ~ETR_EVF_ENV;
	}
	s->borrowed = borrow;
	if (!borrow && slot_own(s)) {
		slot_put(t, s);
		return NULL;
	}
	return s;
}

/* The chunk buffer is about to be reused: the events still waiting in the
 * window take their strings with them. 0 or -ENOMEM. */
static int own_borrowed(struct rp_trace *t)
{
	for (uint32_t i = 0; i < t->ring_len; i++) {
		struct slot *s = t->ring[(t->ring_head + i) & (t->ring_cap - 1)];

		if (s->borrowed && slot_own(s))
			return -ENOMEM;
	}
	return 0;
}

/* Twice the room in the window, its events from index 0. 0 or -ENOMEM. */
static int ring_grow(struct rp_trace *t)
{
	struct slot **r = malloc((size_t)t->ring_cap * 2 * sizeof(*r));

	if (!r)
		return -ENOMEM;
	for (uint32_t i = 0; i < t->ring_len; i++)
		r[i] = t->ring[(t->ring_head + i) & (t->ring_cap - 1)];
	free(t->ring);
	t->ring = r;
	t->ring_cap *= 2;
	t->ring_head = 0;
	return 0;
}

/* Put the event of slot @s into the window, in time order (stable for
 * equal times). 0 or -ENOMEM (@s is not taken). */
static int window_insert(struct rp_trace *t, struct slot *s)
{
	const struct etr_event *ev = &s->ev;
	uint32_t mask, i;

	/* at most max_held wait (rp_trace__next_event) */
	if (t->ring_len == t->ring_cap && ring_grow(t))
		return -ENOMEM;
	mask = t->ring_cap - 1;

	if (t->have_first && ev->ts_ns < t->last_out_ts)
		t->stats.late++;
	i = t->ring_len;
	while (i > 0 && t->ring[(t->ring_head + i - 1) & mask]->ev.ts_ns > ev->ts_ns) {
		t->ring[(t->ring_head + i) & mask] = t->ring[(t->ring_head + i - 1) & mask];
		i--;
	}
	t->ring[(t->ring_head + i) & mask] = s;
	t->ring_len++;
	if (t->ring_len > t->stats.held_max)
		t->stats.held_max = t->ring_len;
	if (ev->ts_ns > t->max_ts)
		t->max_ts = ev->ts_ns;
	return 0;
}

static int window_push(struct rp_trace *t, const struct etr_event *ev)
{
	struct slot *s = slot_fill(t, ev, true);

	if (!s)
		return -ENOMEM;
	if (window_insert(t, s)) {
		slot_put(t, s);
		return -ENOMEM;
	}
	return 0;
}

static int imm_push(struct rp_trace *t, const struct etr_event *ev)
{
	struct slot *s;

	if (t->imm_head == t->imm_len)
		t->imm_head = t->imm_len = 0;
	if (grow((void **)&t->imm, &t->imm_cap, t->imm_len + 1, sizeof(*t->imm)))
		return -ENOMEM;
	s = slot_fill(t, ev, false);
	if (!s)
		return -ENOMEM;
	t->imm[t->imm_len++] = s;
	return 0;
}

static int read_clock(struct rp_trace *t, const struct etr_clock *c)
{
	struct etr_clock clk = *c;
	size_t i;

	if (grow((void **)&t->clocks, &t->clock_cap, t->clock_len + 1, sizeof(clk)))
		return -ENOMEM;
	/* anchors are written in time order; keep them sorted anyway */
	i = t->clock_len++;
	while (i > 0 && t->clocks[i - 1].boottime_ns > clk.boottime_ns) {
		t->clocks[i] = t->clocks[i - 1];
		i--;
	}
	t->clocks[i] = clk;
	return 0;
}

static int read_meta(struct rp_trace *t, const struct etr_str *key, const struct etr_str *value)
{
	struct etr_str k = *key, v = *value;
	struct rp_meta *m;

	if (grow((void **)&t->meta, &t->meta_cap, t->meta_len + 1, sizeof(*t->meta)))
		return -ENOMEM;
	m = &t->meta[t->meta_len];
	m->key = rp_memdup0(k.ptr, k.len);
	m->value = rp_memdup0(v.ptr, v.len);
	m->value_len = v.len;
	if (!m->key || !m->value) {
		free((char *)m->key);
		free((char *)m->value);
		return -ENOMEM;
	}
	t->meta_len++;
	return 0;
}

static int read_counter(struct rp_trace *t, const struct etr_counter *ctr)
{
	struct etr_counter c = *ctr;
	size_t i;

	for (i = 0; i < t->counter_len; i++) {
		struct counter *k = &t->counters[i];

		if (k->c.name.len == c.name.len && !memcmp(k->name, c.name.ptr, c.name.len)) {
			k->c.ts_ns = c.ts_ns;
			k->c.value = c.value;
			return 0;
		}
	}
	if (grow((void **)&t->counters, &t->counter_cap, t->counter_len + 1, sizeof(*t->counters)))
		return -ENOMEM;
	t->counters[i].name = rp_memdup0(c.name.ptr, c.name.len);
	if (!t->counters[i].name)
		return -ENOMEM;
	t->counters[i].c = c;
	t->counters[i].c.name.ptr = t->counters[i].name;
	t->counter_len++;
	return 0;
}

static int read_proc(struct rp_trace *t, const struct etr_proc *pr)
{
	struct etr_proc p = *pr;
	struct etr_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = RP_EV_PROC;
	ev.flags = p.flags;
	ev.ts_ns = p.ts_ns;
	ev.pid = p.pid;
	ev.tid = p.pid;
	ev.ppid = p.ppid;
	ev.uid = p.uid;
	ev.gid = p.gid;
	ev.start_ns = p.start_ns;
	ev.cgroup_id = p.cgroup_id;
	ev.comm = p.comm;
	ev.filename = p.exe;
	ev.cwd = p.cwd;
	ev.argc = p.argc;
	ev.argv = p.argv;
	ev.argv_orig_len = p.argv.len;
	ev.env.ptr = "";
	t->stats.procs++;
	return imm_push(t, &ev);
}

const struct rp_cgroup *rp_trace__cgroup(const struct rp_trace *t, uint64_t id)
{
	return rp_cgmap__get(&t->cgroups, id);
}

size_t rp_trace__cgroup_count(const struct rp_trace *t)
{
	return t->cgroups.len;
}

const char *rp_trace__unit(const struct rp_trace *t, uint64_t id)
{
	const struct rp_cgroup *g = t ? rp_cgmap__get(&t->cgroups, id) : NULL;

	return g ? g->unit : NULL;
}

/* A record of a chunk other than EVENTS, decoded. 0 or -errno. */
static int read_record(struct rp_trace *t, const struct etr_walk_item *it)
{
	switch (it->kind) {
	case ETR_WALK_META:
		return read_meta(t, &it->meta.key, &it->meta.value);
	case ETR_WALK_CLOCK:
		return read_clock(t, &it->clock);
	case ETR_WALK_PROC:
		return read_proc(t, &it->proc);
	case ETR_WALK_COUNTER:
		return read_counter(t, &it->counter);
	case ETR_WALK_CGROUP:
		return rp_cgmap__add(&t->cgroups, &it->cgroup);
	case ETR_WALK_END:
		t->end = it->end;
		t->have_end = true;
		return 0;
	case ETR_WALK_TPFORMAT:
	case ETR_WALK_BTF:
	case ETR_WALK_UNKNOWN:
		return t->record_cb ? t->record_cb(t->record_ctx, it) : 0;
	default:
		return 0;
	}
}

/* An event just decoded into slot @s: into the window (or dropped). 1 when
 * it is there, 0 when dropped, -ENOMEM (@s is put back). */
static int take_event(struct rp_trace *t, struct slot *s)
{
	const struct etr_event *ev = &s->ev;
	int err;

	t->stats.events++;
	if (ev->type <= ETR_EV__MAX_KNOWN)
		t->stats.by_type[ev->type]++;
	else
		t->stats.by_type[0]++;
	if (ev->type == ETR_EV_LOST)
		t->stats.lost_marked += ev->lost_count;
	if (t->gap) {
		/* events went missing before this one: say so where it
		 * happened, as the recorder would */
		struct etr_event mark;

		memset(&mark, 0, sizeof(mark));
		mark.type = ETR_EV_LOST;
		mark.flags = RP_EVF_DAMAGE;
		mark.ts_ns = ev->ts_ns;
		mark.comm = mark.filename = mark.cwd = mark.argv = mark.env = ev->env;
		mark.comm.len = mark.filename.len = mark.cwd.len = mark.argv.len = mark.env.len = 0;
		t->gap = false;
		t->stats.gaps++;
		err = window_push(t, &mark);
		if (err) {
			slot_put(t, s);
			return err;
		}
	}
	if (ev->type == ETR_EV_FORK && (ev->flags & ETR_EVF_THREAD) && !t->keep_threads) {
		slot_put(t, s);
		return 0;
	}
	if (!t->keep_env) {
		s->ev.env.ptr = "";
		s->ev.env.len = 0;
		s->ev.flags &= ~ETR_EVF_ENV;
	}
	s->borrowed = true;
	if (window_insert(t, s)) {
		slot_put(t, s);
		return -ENOMEM;
	}
	return 1;
}

/*
 * Read on: one event into the window, or one whole chunk of another kind.
 * Returns 1 on progress, 0 at the end of the input, -errno.
 */
static int read_more(struct rp_trace *t)
{
	struct etr_walk_item it;
	int err;

	while (!t->done) {
		/* an event is decoded straight into the slot it waits in */
		struct slot *s = slot_get(t);

		if (!s)
			return -ENOMEM;
		if (etr_walk__next_event(t->walk, &s->ev) ||
		    ((err = etr_walk__next(t->walk, &it, &s->ev)) > 0 &&
		     it.kind == ETR_WALK_EVENT)) {
			/* 1: one more event waits; 0: dropped, read on */
			err = take_event(t, s);
			if (err)
				return err;
			continue;
		}
		slot_put(t, s);
		if (err <= 0) {
			t->done = !err;
			return err;
		}
		switch (it.kind) {
		case ETR_WALK_CHUNK:
		case ETR_WALK_BAD:
			break;
		case ETR_WALK_CHUNK_END:
			/* the chunk buffer is about to be reused */
			err = own_borrowed(t);
			if (err)
				return err;
			if (it.chunk->type != ETR_CHUNK_EVENTS)
				return 1;
			break;
		default:
			err = read_record(t, &it);
			if (err)
				return err;
			break;
		}
	}
	return 0;
}

static bool same_base(const struct etr_str *a, const struct etr_str *b)
{
	struct etr_str x = rp_basename(*a), y = rp_basename(*b);

	return x.len == y.len && !memcmp(x.ptr, y.ptr, x.len);
}

/* How far a PATH search is looked for past its failed exec, in events
 * held: execvp tries the next directory at once, and a hostile trace of
 * nothing but failed execs must not make this quadratic. */
#define PATH_MISS_LOOKAHEAD 1024

/*
 * A failed exec that is only execvp (or a shell) looking through $PATH:
 * ENOENT, ENOTDIR or EACCES, and the same process's next exec that is not
 * another such try runs a program of the same name, within the window
 * held. The next event of the process that is anything else keeps it.
 */
static bool path_miss(const struct rp_trace *t, const struct etr_event *ev)
{
	uint32_t mask = t->ring_cap - 1, n = t->ring_len;

	if (ev->type != ETR_EV_EXEC_FAIL ||
	    (ev->ret != -ENOENT && ev->ret != -ENOTDIR && ev->ret != -EACCES))
		return false;
	if (n > PATH_MISS_LOOKAHEAD)
		n = PATH_MISS_LOOKAHEAD;
	for (uint32_t i = 0; i < n; i++) {
		const struct etr_event *e = &t->ring[(t->ring_head + i) & mask]->ev;

		if (e->pid != ev->pid || e->start_ns != ev->start_ns)
			continue;
		if (e->type == ETR_EV_EXEC_FAIL && same_base(&e->filename, &ev->filename))
			continue; /* the next directory of the search */
		return e->type == ETR_EV_EXEC && !e->ret && same_base(&e->filename, &ev->filename);
	}
	return false;
}

static const struct etr_event *hand_out(struct rp_trace *t, struct slot *s)
{
	t->out = s;
	if (s->ev.type == RP_EV_PROC) {
		if (!t->first_proc_ns)
			t->first_proc_ns = s->ev.ts_ns;
		return &s->ev;
	}
	if (!t->have_first) {
		t->have_first = true;
		t->first_ns = s->ev.ts_ns;
	}
	/* out of memory, an exit's duration counts from the start: no worse */
	(void)rp_durs__note(&t->durs, &s->ev, t->first_ns);
	if (s->ev.ts_ns > t->last_ns)
		t->last_ns = s->ev.ts_ns;
	if (s->ev.ts_ns > t->last_out_ts)
		t->last_out_ts = s->ev.ts_ns;
	return &s->ev;
}

int rp_trace__next_event(struct rp_trace *t, const struct etr_event **ret_ev)
{
	int err;

	if (!t || !ret_ev)
		return -EINVAL;
	if (t->out) {
		slot_put(t, t->out);
		t->out = NULL;
	}
	for (;;) {
		if (t->imm_head < t->imm_len) {
			*ret_ev = hand_out(t, t->imm[t->imm_head++]);
			return 1;
		}
		if (t->ring_len) {
			struct slot *s = t->ring[t->ring_head];

			if (t->done || t->ring_len >= t->max_held ||
			    s->ev.ts_ns + t->window_ns <= t->max_ts) {
				t->ring_head = (t->ring_head + 1) & (t->ring_cap - 1);
				t->ring_len--;
				if (!t->keep_path_misses && path_miss(t, &s->ev)) {
					t->stats.path_misses++;
					slot_put(t, s);
					continue;
				}
				*ret_ev = hand_out(t, s);
				return 1;
			}
		} else if (t->done) {
			return 0;
		}
		err = read_more(t);
		if (err < 0)
			return err;
	}
}

size_t rp_trace__meta_count(const struct rp_trace *t)
{
	return t ? t->meta_len : 0;
}

const struct rp_meta *rp_trace__meta(const struct rp_trace *t, size_t i)
{
	return t && i < t->meta_len ? &t->meta[i] : NULL;
}

const char *rp_trace__meta_get(const struct rp_trace *t, const char *const *keys)
{
	if (!t)
		return NULL;
	for (; *keys; keys++) {
		/* the last value of a key wins: metadata may be refreshed */
		for (size_t i = t->meta_len; i-- > 0;)
			if (!strcmp(t->meta[i].key, *keys))
				return t->meta[i].value;
	}
	return NULL;
}

const struct etr_file_info *rp_trace__info(const struct rp_trace *t)
{
	return t ? etr_reader__info(etr_walk__reader(t->walk)) : NULL;
}

const struct etr_end *rp_trace__end(const struct rp_trace *t)
{
	return t && t->have_end ? &t->end : NULL;
}

bool rp_trace__ended_cleanly(const struct rp_trace *t)
{
	return t && etr_reader__ended_cleanly(etr_walk__reader(t->walk));
}

uint64_t rp_trace__first_ns(const struct rp_trace *t)
{
	if (!t)
		return 0;
	return t->have_first ? t->first_ns : t->first_proc_ns;
}

bool rp_trace__exit_duration(const struct rp_trace *t, const struct etr_event *ev, uint64_t *ret_ns)
{
	static const struct rp_durs none;

	return rp_durs__exit(t ? &t->durs : &none, ev, ret_ns);
}

uint64_t rp_trace__start_ns(const struct rp_trace *t)
{
	uint64_t first = rp_trace__first_ns(t);

	/* the recorder writes an anchor as it starts, before any event: a
	 * quiet start is part of the recording too */
	if (t && t->clock_len && t->clocks[0].boottime_ns &&
	    (!first || t->clocks[0].boottime_ns < first))
		return t->clocks[0].boottime_ns;
	return first;
}

uint64_t rp_trace__last_ns(const struct rp_trace *t)
{
	if (!t)
		return 0;
	return t->have_first ? t->last_ns : t->first_proc_ns;
}

bool rp_trace__has_clock(const struct rp_trace *t)
{
	return t && t->clock_len;
}

static uint64_t clock_of(const struct etr_clock *c, bool by_boottime)
{
	return by_boottime ? c->boottime_ns : c->realtime_ns;
}

/* The anchor nearest @ns (SPEC.md: the clocks drift apart, so the nearest
 * reading converts best). */
static const struct etr_clock *anchor(const struct rp_trace *t, uint64_t ns, bool by_boottime)
{
	size_t lo = 0, hi = t->clock_len;
	uint64_t a, b;

	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (clock_of(&t->clocks[mid], by_boottime) <= ns)
			lo = mid;
		else
			hi = mid;
	}
	if (lo + 1 < t->clock_len) {
		a = clock_of(&t->clocks[lo], by_boottime);
		b = clock_of(&t->clocks[lo + 1], by_boottime);
		if ((ns > a ? ns - a : a - ns) > (b > ns ? b - ns : ns - b))
			return &t->clocks[lo + 1];
	}
	return &t->clocks[lo];
}

uint64_t rp_trace__realtime(const struct rp_trace *t, uint64_t boottime_ns)
{
	const struct etr_clock *a;

	if (!t || !t->clock_len)
		return 0;
	a = anchor(t, boottime_ns, true);
	return a->realtime_ns + (uint64_t)((int64_t)(boottime_ns - a->boottime_ns));
}

uint64_t rp_trace__boottime(const struct rp_trace *t, uint64_t realtime_ns)
{
	const struct etr_clock *a;

	if (!t || !t->clock_len)
		return 0;
	a = anchor(t, realtime_ns, false);
	return a->boottime_ns + (uint64_t)((int64_t)(realtime_ns - a->realtime_ns));
}

void rp_trace__stats(const struct rp_trace *t, struct rp_trace_stats *ret_stats)
{
	if (t)
		*ret_stats = t->stats;
	else
		memset(ret_stats, 0, sizeof(*ret_stats));
}

uint64_t rp_trace__lost_counted(const struct rp_trace *t)
{
	uint64_t sum = 0;

	for (size_t i = 0; t && i < t->counter_len; i++) {
		const char *n = t->counters[i].name;

		if (!strcmp(n, "lost") || !strncmp(n, "lost.", 5))
			sum += t->counters[i].c.value;
	}
	return sum;
}

size_t rp_trace__problem_count(const struct rp_trace *t)
{
	return t ? t->problem_count : 0;
}

const struct etr_problem *rp_trace__problem(const struct rp_trace *t, size_t i)
{
	return t && i < t->problem_len ? &t->problems[i] : NULL;
}

const struct etr_reader *rp_trace__reader(const struct rp_trace *t)
{
	return t ? etr_walk__reader(t->walk) : NULL;
}
