/* SPDX-License-Identifier: MIT */
/*
 * The walker: the one loop over chunks and records that every reader of a
 * trace shares, so that what counts as a damaged record, and what is done
 * about it, is decided in one place (etr.h, "Walker").
 *
 * A small state machine over the reader: a chunk's header, its records one
 * call each, then its end, before the next chunk is read (and its buffer
 * overwritten): a caller that keeps pointers into a chunk learns at
 * ETR_WALK_CHUNK_END that it must copy them now.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum walk_state {
	W_IDLE,	     /* no chunk: the next call reads one */
	W_IN,	     /* records of w->chunk to come */
	W_BAD,	     /* the rest of w->chunk did not decode: report, then its end */
	W_BAD_EVENT, /* an event did not decode (etr_walk__next_event): say so first */
	W_ENDED,     /* the chunk's end handed out */
};

struct etr_walk {
	struct etr_reader *reader;
	etr_problem_fn problem_cb;
	void *problem_ctx;
	struct etr_chunk chunk;
	struct etr_event ev;
	enum walk_state state;
};

static struct etr_walk *walk_open(const char *path, const void *buf, size_t len,
				  const struct etr_walk_opts *opts)
{
	struct etr_reader_opts ro = {.sz = sizeof(ro)};
	struct etr_walk *w;
	int err;

	if (!EC_OPTS_VALID(opts, struct etr_walk_opts)) {
		errno = EINVAL;
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		errno = ENOMEM;
		return NULL;
	}
	/* (one without problem_ctx has no callback either) */
	if (EC_OPTS_HAS(opts, problem_ctx)) {
		w->problem_cb = opts->problem_cb;
		w->problem_ctx = opts->problem_ctx;
	}
	ro.type_mask = EC_OPTS_GET(opts, type_mask, 0);
	ro.problem_cb = w->problem_cb;
	ro.problem_ctx = w->problem_ctx;
	w->reader = path ? etr_reader__open(path, &ro) : etr_reader__open_mem(buf, len, &ro);
	if (!w->reader) {
		err = errno;
		free(w);
		errno = err;
		return NULL;
	}
	return w;
}

struct etr_walk *etr_walk__open(const char *path, const struct etr_walk_opts *opts)
{
	if (!path) {
		errno = EINVAL;
		return NULL;
	}
	return walk_open(path, NULL, 0, opts);
}

struct etr_walk *etr_walk__open_mem(const void *buf, size_t len, const struct etr_walk_opts *opts)
{
	return walk_open(NULL, buf, len, opts);
}

void etr_walk__free(struct etr_walk *w)
{
	if (!w)
		return;
	etr_reader__free(w->reader);
	free(w);
}

const struct etr_reader *etr_walk__reader(const struct etr_walk *w)
{
	return w ? w->reader : NULL;
}

/* A record of a chunk other than EVENTS, decoded by what it is. 0 or
 * -EBADMSG. */
static int decode(uint16_t chunk_type, struct etr_walk_item *it)
{
	const struct etr_record *rec = &it->rec;

	it->kind = ETR_WALK_UNKNOWN;
	switch (chunk_type) {
	case ETR_CHUNK_META:
		if (rec->type == ETR_REC_META_KV) {
			it->kind = ETR_WALK_META;
			return etr_record__meta(rec, &it->meta.key, &it->meta.value);
		}
		if (rec->type == ETR_REC_META_CLOCK) {
			it->kind = ETR_WALK_CLOCK;
			return etr_record__clock(rec, &it->clock);
		}
		return 0;
	case ETR_CHUNK_TPFORMAT:
		if (rec->type != ETR_REC_TPFORMAT)
			return 0;
		it->kind = ETR_WALK_TPFORMAT;
		return etr_record__tpformat(rec, &it->tpformat.name, &it->tpformat.text);
	case ETR_CHUNK_BTF:
		if (rec->type != ETR_REC_BTF)
			return 0;
		it->kind = ETR_WALK_BTF;
		return etr_record__btf(rec, &it->btf.kind, &it->btf.data);
	case ETR_CHUNK_PROCSNAP:
		if (rec->type != ETR_REC_PROC)
			return 0;
		it->kind = ETR_WALK_PROC;
		return etr_record__proc(rec, &it->proc);
	case ETR_CHUNK_STATS:
		if (rec->type != ETR_REC_COUNTER)
			return 0;
		it->kind = ETR_WALK_COUNTER;
		return etr_record__counter(rec, &it->counter);
	case ETR_CHUNK_END:
		if (rec->type != ETR_REC_END)
			return 0;
		it->kind = ETR_WALK_END;
		return etr_record__end(rec, &it->end);
	case ETR_CHUNK_CGROUP:
		if (rec->type != ETR_REC_CGROUP)
			return 0;
		it->kind = ETR_WALK_CGROUP;
		return etr_record__cgroup(rec, &it->cgroup);
	default:
		return 0;
	}
}

/* The next record of a chunk other than EVENTS: 1 with the item filled, 0
 * at its end, -EBADMSG (the item then says which record, if its framing
 * held). */
static int next_record(struct etr_walk *w, struct etr_walk_item *it)
{
	int err;

	memset(&it->rec, 0, sizeof(it->rec));
	err = etr_chunk__next_record(&w->chunk, &it->rec);
	if (err <= 0)
		return err;
	return decode(w->chunk.type, it) ? -EBADMSG : 1;
}

int etr_walk__next_event(struct etr_walk *w, struct etr_event *ev)
{
	int err;

	if (!w || w->state != W_IN || w->chunk.type != ETR_CHUNK_EVENTS ||
	    w->chunk.pos >= w->chunk.size)
		return 0;
	err = etr_chunk__next_event(&w->chunk, ev);
	if (err > 0)
		return 1;
	/* what etr_walk__next() hands out next: the damage, or the end */
	if (err < 0)
		w->state = W_BAD_EVENT;
	return 0;
}

int etr_walk__next(struct etr_walk *w, struct etr_walk_item *it, struct etr_event *ev_buf)
{
	int err;

	if (!w || !it)
		return -EINVAL;
	it->chunk = &w->chunk;
	it->ev = NULL;
	for (;;) {
		switch (w->state) {
		case W_IN:
			if (w->chunk.type == ETR_CHUNK_EVENTS) {
				/* most of a trace: kept short */
				struct etr_chunk *c = &w->chunk;
				size_t pos = c->pos;

				it->ev = ev_buf ? ev_buf : &w->ev;
				err = etr_chunk__next_event(c, it->ev);
				if (err > 0) {
					it->kind = ETR_WALK_EVENT;
					it->rec.type = (uint8_t)it->ev->type;
					it->rec.body = c->data + pos;
					it->rec.len = (uint32_t)(c->pos - pos);
					it->rec.offset = pos;
					return 1;
				}
				it->ev = NULL;
				memset(&it->rec, 0, sizeof(it->rec));
			} else {
				err = next_record(w, it);
				if (err > 0)
					return 1;
			}
			if (err < 0) {
				/* reported as the walk moves past it: after what
				 * the caller makes of the record */
				w->state = W_BAD;
				it->kind = ETR_WALK_BAD;
				return 1;
			}
			w->state = W_ENDED;
			memset(&it->rec, 0, sizeof(it->rec));
			it->kind = ETR_WALK_CHUNK_END;
			return 1;
		case W_BAD_EVENT:
			/* as W_IN's events branch says it */
			memset(&it->rec, 0, sizeof(it->rec));
			w->state = W_BAD;
			it->kind = ETR_WALK_BAD;
			return 1;
		case W_BAD:
			if (w->problem_cb) {
				struct etr_problem p = {.kind = ETR_PROB_BAD_RECORD,
							.offset = w->chunk.offset,
							.seq = w->chunk.seq,
							.chunk_type = w->chunk.type};

				w->problem_cb(w->problem_ctx, &p);
			}
			w->state = W_ENDED;
			memset(&it->rec, 0, sizeof(it->rec));
			it->kind = ETR_WALK_CHUNK_END;
			return 1;
		case W_ENDED:
		case W_IDLE:
			memset(&it->rec, 0, sizeof(it->rec));
			err = etr_reader__next_chunk(w->reader, &w->chunk);
			if (err <= 0) {
				w->state = W_IDLE;
				return err;
			}
			if (!w->chunk.data)
				continue; /* a type not asked for */
			w->state = W_IN;
			it->kind = ETR_WALK_CHUNK;
			return 1;
		}
	}
}
