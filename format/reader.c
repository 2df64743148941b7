/* SPDX-License-Identifier: MIT */
/*
 * The .etr reader: chunks in file order, every checksum verified, damage
 * reported with its byte offset and skipped, reading resumed at the next
 * chunk whose header checks out.
 *
 * Input is read through one sliding window, so a file, a pipe and a memory
 * buffer are read the same way. The window grows only as bytes arrive, so a
 * hostile size field costs at most the bytes that are really there.
 *
 * With opts.prefetch a thread of the reader's own runs read_one() (read,
 * verify, decompress) ahead of the caller into a ring of slots, each with
 * its own payload buffer, its problems and a snapshot of the counters. The
 * caller's thread takes the slots in order and calls problem_cb itself, so
 * what the caller sees is what it sees without prefetch, call for call.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <zstd.h>

#include "internal.h"

#define READ_BLOCK (1u << 20)

/* Prefetch: slots in the ring (one handed out, the rest filled ahead). */
#define PF_SLOTS 3
/* Problems one slot queues before it is handed over without a chunk. */
#define PF_PROB_BATCH 256
/* read_one(): problems queued, no chunk yet; go on with the next slot. */
#define READ_MORE 2

struct pf_prob {
	struct etr_problem p;
	struct etr_reader_stats stats; /* as etr_reader__stats() said in its callback */
	bool ended;
};

/* One read_one() result of the prefetch thread. */
struct pf_slot {
	int rc; /* read_one()'s: 1, 0, READ_MORE or -errno */
	struct etr_chunk chunk;
	uint8_t *buf; /* the chunk's payload when the slot owns it */
	size_t cap;
	struct etr_reader_stats stats; /* after read_one() */
	bool ended;
	size_t n_probs;
	struct pf_prob probs[PF_PROB_BATCH + 1];
};

struct etr_reader {
	int fd;
	bool own_fd;
	bool is_mem;
	etr_problem_fn problem_cb;
	void *problem_ctx;
	uint32_t type_mask;

	struct etr_file_info info;
	uint64_t tag;
	bool tag_known;

	/* window: bytes [win_off, win_off + win_len) of the input */
	uint8_t *buf; /* for memory input, the caller's buffer */
	size_t cap;
	size_t win_start; /* index in buf of win_off */
	size_t win_len;
	uint64_t win_off;
	bool eof;

	uint64_t pos; /* offset of the next unread byte */

	ZSTD_DCtx *dctx;
	uint8_t *raw;
	size_t raw_cap;

	uint64_t expect_seq;
	bool have_seq;
	bool damaged_since_good;
	bool ended;
	bool done;

	struct etr_reader_stats stats;

	/* prefetch (see the top); 'stats' and 'ended' above are then the
	 * thread's, 'vis_*' what the caller's thread has been handed */
	bool prefetch;	 /* asked for */
	bool pf_started; /* the thread runs (the caller's thread's view) */
	struct pf_slot *fill; /* the slot read_one() queues problems in; thread's */
	struct pf_slot *slots;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int stop_fd; /* eventfd: wakes the thread out of poll() */
	/* under lock */
	unsigned head;	/* next slot to hand out */
	unsigned count; /* filled slots from head on */
	bool held;	/* the slot before head is the caller's chunk */
	bool paused;	/* read_one() failed: wait for the caller's next call */
	bool t_done;	/* read_one() returned 0: the thread has ended */
	bool stop;
	/* the caller's thread's */
	struct etr_reader_stats vis_stats;
	bool vis_ended;
};

static _Thread_local struct etr_open_error open_error;

const struct etr_open_error *etr_reader__open_error(void)
{
	return &open_error;
}

static void problem(struct etr_reader *r, enum etr_problem_kind kind, uint64_t off,
		    uint64_t seq, uint64_t len)
{
	struct etr_problem p = {.kind = kind, .offset = off, .seq = seq, .length = len};

	r->stats.problems++;
	r->damaged_since_good = true;
	if (r->fill) {
		/* prefetch thread: the caller's thread calls back, in order */
		struct pf_prob *q = &r->fill->probs[r->fill->n_probs++];

		q->p = p;
		q->stats = r->stats;
		q->ended = r->ended;
		return;
	}
	if (r->problem_cb)
		r->problem_cb(r->problem_ctx, &p);
}

/*
 * read(2) of the input. On the prefetch thread, a blocking descriptor is
 * polled together with stop_fd first, so that etr_reader__free() can stop
 * a thread waiting on a pipe (ECANCELED).
 */
static ssize_t input_read(struct etr_reader *r, void *buf, size_t len)
{
	if (r->stop_fd >= 0) {
		int fl = fcntl(r->fd, F_GETFL);

		if (fl >= 0 && !(fl & O_NONBLOCK)) {
			struct pollfd pfd[2] = {{.fd = r->fd, .events = POLLIN},
						{.fd = r->stop_fd, .events = POLLIN}};

			while (poll(pfd, 2, -1) < 0) {
				if (errno != EINTR)
					return -1;
			}
			if (pfd[1].revents) {
				errno = ECANCELED;
				return -1;
			}
		}
	}
	return read(r->fd, buf, len);
}

/*
 * Make bytes [r->pos, r->pos + n) available; returns how many of them are
 * (fewer only at the end of the input), or -errno. Never allocates more
 * than twice what has been read.
 */
static ssize_t window(struct etr_reader *r, size_t n, const uint8_t **ret_p)
{
	uint64_t rel;

	/* drop what lies before pos */
	rel = r->pos - r->win_off;
	if (rel > r->win_len)
		rel = r->win_len; /* pos beyond the window: skipped input */
	r->win_start += rel;
	r->win_len -= rel;
	r->win_off += rel;

	if (!r->is_mem) {
		/* skipping forward over bytes never read (a foreign chunk) */
		while (r->win_off < r->pos && !r->eof) {
			uint8_t tmp[4096];
			uint64_t want = r->pos - r->win_off;
			ssize_t got = input_read(r, tmp, want < sizeof(tmp) ? want : sizeof(tmp));

			if (got < 0 && errno == EINTR)
				continue;
			if (got < 0)
				return -errno;
			if (got == 0)
				r->eof = true;
			r->win_off += (uint64_t)got;
			r->stats.bytes_read += (uint64_t)got;
		}
		while (r->win_len < n && !r->eof) {
			ssize_t got;

			if (r->win_start + r->win_len == r->cap) {
				if (r->win_start) {
					memmove(r->buf, r->buf + r->win_start, r->win_len);
					r->win_start = 0;
				} else {
					size_t cap = r->cap ? r->cap * 2 : READ_BLOCK;
					uint8_t *b = realloc(r->buf, cap);

					if (!b)
						return -ENOMEM;
					r->buf = b;
					r->cap = cap;
				}
			}
			got = input_read(r, r->buf + r->win_start + r->win_len,
					 r->cap - r->win_start - r->win_len);
			if (got < 0 && errno == EINTR)
				continue;
			if (got < 0)
				return -errno;
			if (got == 0)
				r->eof = true;
			r->win_len += (size_t)got;
			r->stats.bytes_read += (uint64_t)got;
		}
	}
	if (r->win_off != r->pos) {
		*ret_p = NULL;
		return 0;
	}
	*ret_p = r->buf + r->win_start;
	return (ssize_t)(r->win_len < n ? r->win_len : n);
}

static struct etr_reader *reader_new(const struct etr_reader_opts *opts)
{
	struct etr_reader *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->fd = -1;
	r->stop_fd = -1;
	if (opts && opts->sz >= offsetof(struct etr_reader_opts, problem_ctx) + sizeof(void *)) {
		r->problem_cb = opts->problem_cb;
		r->problem_ctx = opts->problem_ctx;
	}
	if (opts && opts->sz >= offsetof(struct etr_reader_opts, type_mask) + sizeof(uint32_t))
		r->type_mask = opts->type_mask;
	if (opts && opts->sz >= offsetof(struct etr_reader_opts, prefetch) + sizeof(bool))
		r->prefetch = opts->prefetch;
	return r;
}

static int open_fail(enum etr_problem_kind kind, uint64_t off, int err)
{
	open_error.kind = kind;
	open_error.offset = off;
	return err;
}

/* Read and check the file header. */
static int read_header(struct etr_reader *r)
{
	const uint8_t *h;
	bool crc_ok = false;
	uint32_t hsize;
	ssize_t n;

	memset(&open_error, 0, sizeof(open_error));
	n = window(r, ETR_FILE_HEADER_SIZE, &h);
	if (n < 0)
		return open_fail(ETR_PROB_IO, 0, (int)n);
	if (n < ETR_MAGIC_SIZE || memcmp(h, etr_magic, ETR_MAGIC_SIZE)) {
		/* a prefix of the magic is a trace cut short, not another file */
		if (n > 0 && n < ETR_MAGIC_SIZE && !memcmp(h, etr_magic, (size_t)n))
			return open_fail(ETR_PROB_TRUNCATED, (uint64_t)n, -EBADMSG);
		return open_fail(ETR_PROB_BAD_MAGIC, 0, -EINVAL);
	}
	if (n < ETR_FILE_HEADER_SIZE)
		return open_fail(ETR_PROB_TRUNCATED, (uint64_t)n, -EBADMSG);

	r->info.major = get_le16(h + FH_MAJOR);
	r->info.minor = get_le16(h + FH_MINOR);
	hsize = get_le32(h + FH_SIZE);
	if (hsize >= ETR_FILE_HEADER_SIZE && hsize <= ETR_MAX_FILE_HEADER) {
		n = window(r, hsize, &h);
		if (n < 0)
			return open_fail(ETR_PROB_IO, 0, (int)n);
		if ((size_t)n < hsize)
			return open_fail(ETR_PROB_TRUNCATED, (uint64_t)n, -EBADMSG);
		crc_ok = etr_crc32c(0, h, hsize - 4) == get_le32(h + hsize - 4);
	}

	if (!crc_ok) {
		/*
		 * A damaged header: trust the magic only. The version and the
		 * trace id may be the flipped bits, so take version 1 and the
		 * trace tag of the first chunk that checks out.
		 */
		problem(r, ETR_PROB_HEADER_CHECKSUM, 0, 0, ETR_FILE_HEADER_SIZE);
		r->info.major = ETR_VERSION_MAJOR;
		r->info.minor = 0;
		r->info.header_size = ETR_FILE_HEADER_SIZE;
		memset(r->info.trace_id, 0, ETR_TRACE_ID_SIZE);
		r->pos = ETR_FILE_HEADER_SIZE;
		return 0;
	}

	open_error.file_major = r->info.major;
	open_error.file_minor = r->info.minor;
	if (r->info.major != ETR_VERSION_MAJOR)
		return open_fail(ETR_PROB_VERSION, FH_MAJOR, -ENOTSUP);

	memcpy(r->info.trace_id, h + FH_TRACE_ID, ETR_TRACE_ID_SIZE);
	r->info.flags = get_le64(h + FH_FLAGS);
	r->info.created_ns = get_le64(h + FH_CREATED);
	r->info.header_size = hsize;
	r->tag = trace_tag(r->info.trace_id);
	r->tag_known = true;
	r->pos = hsize;
	return 0;
}

static struct etr_reader *finish_open(struct etr_reader *r)
{
	int err;

	r->dctx = ZSTD_createDCtx();
	if (!r->dctx) {
		err = -ENOMEM;
		goto err_out;
	}
	err = read_header(r);
	if (err)
		goto err_out;
	return r;

err_out:
	etr_reader__free(r);
	errno = -err;
	return NULL;
}

struct etr_reader *etr_reader__open_fd(int fd, const struct etr_reader_opts *opts)
{
	struct etr_reader *r;

	if (fd < 0) {
		errno = EBADF;
		return NULL;
	}
	r = reader_new(opts);
	if (!r) {
		errno = ENOMEM;
		return NULL;
	}
	r->fd = fd;
	return finish_open(r);
}

struct etr_reader *etr_reader__open(const char *path, const struct etr_reader_opts *opts)
{
	struct etr_reader *r;
	int fd;

	if (!path) {
		errno = EINVAL;
		return NULL;
	}
	if (!strcmp(path, "-"))
		return etr_reader__open_fd(STDIN_FILENO, opts);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		open_fail(ETR_PROB_IO, 0, -errno);
		return NULL;
	}
	r = etr_reader__open_fd(fd, opts);
	if (!r) {
		int err = errno;

		close(fd);
		errno = err;
		return NULL;
	}
	r->own_fd = true;
	return r;
}

struct etr_reader *etr_reader__open_mem(const void *buf, size_t len,
					const struct etr_reader_opts *opts)
{
	struct etr_reader *r;

	if (!buf && len) {
		errno = EINVAL;
		return NULL;
	}
	r = reader_new(opts);
	if (!r) {
		errno = ENOMEM;
		return NULL;
	}
	r->is_mem = true;
	r->buf = (uint8_t *)buf;
	r->win_len = len;
	r->eof = true;
	r->stats.bytes_read = len;
	return finish_open(r);
}

static void pf_stop(struct etr_reader *r);

void etr_reader__free(struct etr_reader *r)
{
	if (!r)
		return;
	pf_stop(r);
	if (r->own_fd && r->fd >= 0)
		close(r->fd);
	if (!r->is_mem)
		free(r->buf);
	free(r->raw);
	ZSTD_freeDCtx(r->dctx);
	free(r);
}

const struct etr_file_info *etr_reader__info(const struct etr_reader *r)
{
	return r ? &r->info : NULL;
}

bool etr_reader__ended_cleanly(const struct etr_reader *r)
{
	if (!r)
		return false;
	return r->pf_started ? r->vis_ended : r->ended;
}

void etr_reader__stats(const struct etr_reader *r, struct etr_reader_stats *s)
{
	if (r)
		*s = r->pf_started ? r->vis_stats : r->stats;
	else
		memset(s, 0, sizeof(*s));
}

/* Checks a chunk header at p (n bytes available). 0 = valid. */
static int check_header(const uint8_t *p, size_t n, uint32_t *ret_hsize)
{
	uint32_t hsize;

	if (n < ETR_CHUNK_HEADER_SIZE || memcmp(p + CH_MAGIC, ETR_CHUNK_MAGIC, 4))
		return -1;
	hsize = get_le32(p + CH_HSIZE);
	if (hsize < ETR_CHUNK_HEADER_SIZE || hsize > ETR_MAX_CHUNK_HEADER || hsize > n)
		return -1;
	if (etr_crc32c(0, p, hsize - 4) != get_le32(p + hsize - 4))
		return -1;
	*ret_hsize = hsize;
	return 0;
}

/*
 * Damage at r->pos: find the next offset where a chunk header checks out,
 * report one problem for the skipped bytes, and continue there. If the
 * input ends first, the problem is @kind_at_end.
 */
static int resync2(struct etr_reader *r, enum etr_problem_kind kind,
		   enum etr_problem_kind kind_at_end)
{
	uint64_t start = r->pos;
	const uint8_t *p;
	ssize_t n;

	r->pos++;
	for (;;) {
		const uint8_t *m;
		uint32_t hsize;

		n = window(r, READ_BLOCK, &p);
		if (n < 0)
			return (int)n;
		if (n < 4) {
			r->pos += (uint64_t)n;
			kind = kind_at_end;
			break;
		}
		m = memmem(p, (size_t)n, ETR_CHUNK_MAGIC, 4);
		if (!m) {
			r->pos += (uint64_t)n - 3; /* the magic may straddle */
			continue;
		}
		r->pos += (uint64_t)(m - p);
		n = window(r, ETR_MAX_CHUNK_HEADER, &p);
		if (n < 0)
			return (int)n;
		if (!check_header(p, (size_t)n, &hsize))
			break;
		r->pos++;
	}
	problem(r, kind, start, 0, r->pos - start);
	return 0;
}

static int resync(struct etr_reader *r, enum etr_problem_kind kind)
{
	return resync2(r, kind, kind);
}

/* At least @size bytes (and not NULL) in *buf. */
static int reserve(uint8_t **buf, size_t *cap, size_t size)
{
	if (*cap < size || !*buf) {
		size_t ncap = size ? size : 1;
		uint8_t *b = realloc(*buf, ncap);

		if (!b)
			return -ENOMEM;
		*buf = b;
		*cap = ncap;
	}
	return 0;
}

static int decompress(struct etr_reader *r, uint8_t **dst, size_t *dst_cap, const uint8_t *src,
		      uint32_t stored, uint32_t raw)
{
	unsigned long long csize;
	size_t got;

	if (reserve(dst, dst_cap, raw))
		return -ENOMEM;
	/* The frame must say exactly the sizes the header says. */
	csize = ZSTD_getFrameContentSize(src, stored);
	if (csize != raw)
		return -EBADMSG;
	got = ZSTD_findFrameCompressedSize(src, stored);
	if (ZSTD_isError(got) || got != stored)
		return -EBADMSG;
	got = ZSTD_decompressDCtx(r->dctx, *dst, raw, src, stored);
	if (ZSTD_isError(got) || got != raw)
		return -EBADMSG;
	return 0;
}

/*
 * The body of etr_reader__next_chunk(). With @s (the prefetch thread),
 * problems are queued in @s, a payload that would point into the window
 * is copied to s->buf, and READ_MORE comes back when the queue is full.
 */
static int read_one(struct etr_reader *r, struct etr_chunk *c, struct pf_slot *s)
{
	uint8_t **dst = s ? &s->buf : &r->raw;
	size_t *dst_cap = s ? &s->cap : &r->raw_cap;

	while (!r->done) {
		const uint8_t *p, *payload, *t;
		uint32_t hsize, stored, raw, flags;
		uint64_t total, seq, off = r->pos;
		ssize_t n;
		int err;

		if (s && s->n_probs >= PF_PROB_BATCH)
			return READ_MORE; /* at most one problem per turn below */
		n = window(r, ETR_CHUNK_HEADER_SIZE, &p);
		if (n < 0)
			return (int)n;
		if (n == 0) {
			r->done = true;
			break;
		}
		if (n < ETR_CHUNK_HEADER_SIZE) {
			problem(r, ETR_PROB_TRUNCATED, off, r->expect_seq, (uint64_t)n);
			r->done = true;
			break;
		}
		if (memcmp(p, ETR_CHUNK_MAGIC, 4)) {
			err = resync(r, ETR_PROB_GARBAGE);
			if (err)
				return err;
			continue;
		}
		hsize = get_le32(p + CH_HSIZE);
		if (hsize >= ETR_CHUNK_HEADER_SIZE && hsize <= ETR_MAX_CHUNK_HEADER) {
			n = window(r, hsize, &p);
			if (n < 0)
				return (int)n;
			if ((size_t)n < hsize) {
				/* Fewer bytes than header_size: a header cut by the
				 * end of input, or a damaged header_size whose CRC
				 * cannot be checked. A good chunk further on says
				 * which (SPEC.md: next sync point). */
				err = resync2(r, ETR_PROB_CHUNK_HEADER, ETR_PROB_TRUNCATED);
				if (err)
					return err;
				continue;
			}
		}
		if (check_header(p, (size_t)n, &hsize)) {
			err = resync(r, ETR_PROB_CHUNK_HEADER);
			if (err)
				return err;
			continue;
		}

		/* From here on the header's fields are the writer's. */
		stored = get_le32(p + CH_STORED);
		raw = get_le32(p + CH_RAW);
		flags = get_le16(p + CH_FLAGS);
		seq = get_le64(p + CH_SEQ);
		total = (uint64_t)hsize + stored + ETR_CHUNK_TRAILER_SIZE;
		if (stored > ETR_MAX_CHUNK_STORED || raw > ETR_MAX_CHUNK_RAW ||
		    ((flags & ETR_CHUNK_F_RAW) && stored != raw)) {
			err = resync(r, ETR_PROB_CHUNK_LIMIT);
			if (err)
				return err;
			continue;
		}

		n = window(r, (size_t)total, &p);
		if (n < 0)
			return (int)n;
		if ((uint64_t)n < total) {
			problem(r, ETR_PROB_TRUNCATED, off, seq, (uint64_t)n);
			r->done = true;
			break;
		}
		payload = p + hsize;
		t = payload + stored;
		r->pos = off + total; /* whatever happens below, go on after it */

		if (!r->tag_known) {
			/* the file header was damaged: adopt the first chunk's tag */
			r->tag = get_le64(p + CH_TAG);
			r->tag_known = true;
		}
		if (get_le64(p + CH_TAG) != r->tag) {
			problem(r, ETR_PROB_FOREIGN_CHUNK, off, seq, total);
			r->stats.bad_chunks++;
			continue;
		}
		if (memcmp(t + CT_MAGIC, ETR_TRAILER_MAGIC, 4) ||
		    get_le32(t + CT_HCRC) != get_le32(p + hsize - 4) ||
		    get_le64(t + CT_LEN) != total) {
			problem(r, ETR_PROB_CHUNK_TRAILER, off, seq, total);
			r->stats.bad_chunks++;
			continue;
		}
		if (etr_crc32c(0, payload, stored) != get_le32(p + CH_PCRC)) {
			problem(r, ETR_PROB_CHUNK_CHECKSUM, off, seq, total);
			r->stats.bad_chunks++;
			continue;
		}
		if (flags & ~ETR_CHUNK_F_KNOWN) {
			problem(r, ETR_PROB_UNSUPPORTED_CHUNK, off, seq, total);
			r->stats.bad_chunks++;
			continue;
		}

		memset(c, 0, sizeof(*c));
		c->type = get_le16(p + CH_TYPE);
		c->flags = (uint16_t)flags;
		c->seq = seq;
		c->offset = off;
		c->stored_size = stored;
		c->raw_size = raw;
		c->record_count = get_le32(p + CH_COUNT);
		if (r->type_mask && c->type < 32 && !(r->type_mask & (1u << c->type))) {
			c->data = NULL;
			c->size = 0;
		} else if (flags & ETR_CHUNK_F_RAW) {
			if (s && !r->is_mem) {
				/* the window is the thread's to reuse */
				if (reserve(dst, dst_cap, raw))
					return -ENOMEM;
				memcpy(*dst, payload, raw);
				c->data = *dst;
			} else {
				c->data = payload; /* memory input: the caller's buffer */
			}
			c->size = raw;
		} else {
			err = decompress(r, dst, dst_cap, payload, stored, raw);
			if (err == -ENOMEM)
				return err;
			if (err) {
				problem(r, ETR_PROB_DECOMPRESS, off, seq, total);
				r->stats.bad_chunks++;
				continue;
			}
			c->data = *dst;
			c->size = raw;
		}

		if (r->have_seq && seq != r->expect_seq && !r->damaged_since_good)
			problem(r, ETR_PROB_SEQUENCE_GAP, off, seq, 0);
		r->have_seq = true;
		r->expect_seq = seq + 1;
		r->damaged_since_good = false;
		if (c->type == ETR_CHUNK_END)
			r->ended = true;
		r->stats.chunks++;
		r->stats.raw_bytes += raw;
		r->stats.stored_bytes += stored;
		return 1;
	}
	return 0;
}

static void *pf_thread(void *arg)
{
	struct etr_reader *r = arg;

	pthread_mutex_lock(&r->lock);
	for (;;) {
		struct pf_slot *s;
		int rc;

		while (!r->stop && (r->paused || r->count + r->held >= PF_SLOTS))
			pthread_cond_wait(&r->cond, &r->lock);
		if (r->stop)
			break;
		s = &r->slots[(r->head + r->count) % PF_SLOTS];
		pthread_mutex_unlock(&r->lock);

		s->n_probs = 0;
		r->fill = s;
		rc = read_one(r, &s->chunk, s);
		r->fill = NULL;
		s->rc = rc;
		s->stats = r->stats;
		s->ended = r->ended;

		pthread_mutex_lock(&r->lock);
		r->count++;
		if (rc < 0)
			r->paused = true; /* retried when the caller asks again */
		if (rc == 0)
			r->t_done = true;
		pthread_cond_broadcast(&r->cond);
		if (rc == 0)
			break;
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* Start the prefetch thread; on failure the reader reads inline. */
static void pf_start(struct etr_reader *r)
{
	sigset_t all, old;
	int err;

	r->prefetch = false;
	r->slots = calloc(PF_SLOTS, sizeof(*r->slots));
	if (!r->slots)
		return;
	if (!r->is_mem) {
		r->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (r->stop_fd < 0)
			goto err_slots;
	}
	if (pthread_mutex_init(&r->lock, NULL))
		goto err_fd;
	if (pthread_cond_init(&r->cond, NULL))
		goto err_lock;
	r->vis_stats = r->stats;
	r->vis_ended = r->ended;
	/* signals are for the caller's threads */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&r->thread, NULL, pf_thread, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		goto err_cond;
	r->pf_started = true;
	return;

err_cond:
	pthread_cond_destroy(&r->cond);
err_lock:
	pthread_mutex_destroy(&r->lock);
err_fd:
	if (r->stop_fd >= 0)
		close(r->stop_fd);
	r->stop_fd = -1;
err_slots:
	free(r->slots);
	r->slots = NULL;
}

static void pf_stop(struct etr_reader *r)
{
	uint64_t one = 1;

	if (!r->pf_started)
		return;
	pthread_mutex_lock(&r->lock);
	r->stop = true;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
	if (r->stop_fd >= 0 && write(r->stop_fd, &one, sizeof(one)) < 0) {
		/* cannot fail for an eventfd below its maximum */
	}
	pthread_join(r->thread, NULL);
	pthread_cond_destroy(&r->cond);
	pthread_mutex_destroy(&r->lock);
	if (r->stop_fd >= 0)
		close(r->stop_fd);
	r->stop_fd = -1;
	for (unsigned i = 0; i < PF_SLOTS; i++)
		free(r->slots[i].buf);
	free(r->slots);
	r->slots = NULL;
	r->pf_started = false;
}

/* next_chunk with prefetch: hand out the thread's slots in order. */
static int pf_next(struct etr_reader *r, struct etr_chunk *c)
{
	pthread_mutex_lock(&r->lock);
	if (r->held) {
		r->held = false; /* the caller is done with the last chunk */
		pthread_cond_broadcast(&r->cond);
	}
	for (;;) {
		struct pf_slot *s;
		int rc;

		while (!r->count && !r->t_done) {
			if (r->paused) {
				/* the failure was handed out; this call retries */
				r->paused = false;
				pthread_cond_broadcast(&r->cond);
			}
			pthread_cond_wait(&r->cond, &r->lock);
		}
		if (!r->count) {
			pthread_mutex_unlock(&r->lock);
			return 0;
		}
		s = &r->slots[r->head];
		pthread_mutex_unlock(&r->lock);

		for (size_t i = 0; i < s->n_probs; i++) {
			r->vis_stats = s->probs[i].stats;
			r->vis_ended = s->probs[i].ended;
			if (r->problem_cb)
				r->problem_cb(r->problem_ctx, &s->probs[i].p);
		}
		r->vis_stats = s->stats;
		r->vis_ended = s->ended;
		rc = s->rc;
		if (rc == 1)
			*c = s->chunk;

		pthread_mutex_lock(&r->lock);
		r->head = (r->head + 1) % PF_SLOTS;
		r->count--;
		if (rc == 1)
			r->held = true; /* until the next call */
		else
			pthread_cond_broadcast(&r->cond);
		if (rc != READ_MORE) {
			pthread_mutex_unlock(&r->lock);
			return rc;
		}
	}
}

int etr_reader__next_chunk(struct etr_reader *r, struct etr_chunk *c)
{
	if (!r || !c)
		return -EINVAL;
	if (r->prefetch && !r->pf_started)
		pf_start(r);
	if (r->pf_started)
		return pf_next(r, c);
	return read_one(r, c, NULL);
}

const char *etr_problem__str(enum etr_problem_kind kind)
{
	switch (kind) {
	case ETR_PROB_TRUNCATED:
		return "truncated";
	case ETR_PROB_BAD_MAGIC:
		return "not an execrec trace (bad magic)";
	case ETR_PROB_VERSION:
		return "unsupported major version";
	case ETR_PROB_HEADER_CHECKSUM:
		return "file header checksum mismatch";
	case ETR_PROB_CHUNK_HEADER:
		return "damaged chunk header";
	case ETR_PROB_CHUNK_CHECKSUM:
		return "chunk checksum mismatch";
	case ETR_PROB_CHUNK_TRAILER:
		return "chunk trailer mismatch";
	case ETR_PROB_FOREIGN_CHUNK:
		return "chunk of another trace";
	case ETR_PROB_DECOMPRESS:
		return "chunk does not decompress";
	case ETR_PROB_CHUNK_LIMIT:
		return "chunk size beyond limits";
	case ETR_PROB_UNSUPPORTED_CHUNK:
		return "chunk with unknown flags";
	case ETR_PROB_BAD_RECORD:
		return "malformed record";
	case ETR_PROB_SEQUENCE_GAP:
		return "chunks missing (sequence gap)";
	case ETR_PROB_GARBAGE:
		return "unrecognized bytes skipped";
	case ETR_PROB_IO:
		return "read error";
	}
	return "unknown problem";
}
