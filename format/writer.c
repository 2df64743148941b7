/* SPDX-License-Identifier: MIT */
/*
 * The .etr writer. Records are encoded into the open chunk; a sealed chunk is
 * compressed into one zstd frame and written with one write() of header,
 * payload and trailer, so a writer killed at any moment leaves a file whose
 * every sealed chunk is whole. Nothing written is ever patched later.
 *
 * With opts->async, sealing only queues the raw chunk: a thread of the
 * writer's own compresses and writes it, so the producer (the recorder's
 * ring-buffer loop) never waits on zstd or the disk unless the queue is full.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#include "internal.h"

#define DEFAULT_CHUNK_BYTES (1u << 20)
#define DEFAULT_FLUSH_NS 1000000000ull
#define DEFAULT_QUEUE_DEPTH 8
/* Room kept under max_bytes for what a trace stopped by it ends with: an
 * EVENTS chunk of at most one LOST record per event type (about 45 bytes
 * each, stored raw if zstd does not help) and the END chunk. */
#define END_RESERVE 512
#define DROP_SLOTS (ETR_EV__MAX_KNOWN + 1)

struct buf {
	uint8_t *data;
	size_t len;
	size_t cap;
};

struct job {
	struct job *next;
	struct buf raw;
	uint16_t type;
	uint32_t count;
	uint64_t seq;
};

struct etr_writer {
	int fd;
	int level;
	uint32_t chunk_bytes;
	uint64_t flush_ns;
	uint64_t max_bytes;
	uint8_t trace_id[ETR_TRACE_ID_SIZE];

	/* the open chunk (producer side) */
	struct buf cur;
	uint16_t cur_type;
	uint32_t cur_count;
	uint64_t cur_first_ns;
	struct etr_delta delta;
	uint64_t next_seq;

	/* compression (writer-thread side when async) */
	ZSTD_CCtx *cctx;
	struct buf out;

	/* async */
	bool async;
	bool thread_started;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct job *head, *tail;
	struct job *free_jobs; /* recycled jobs, buffers kept */
	uint32_t queued;
	uint32_t queue_depth;
	uint64_t seq_done;
	bool stop;

	atomic_int err;
	bool closed;

	/* stats */
	uint64_t records;
	uint64_t events;
	_Atomic uint64_t chunks;
	_Atomic uint64_t bytes_written;
	_Atomic uint64_t raw_bytes;

	/* max_bytes: what did not fit, for the LOST records written before
	 * END (by event type; a dropped LOST record adds its own count to
	 * its lost_type; slot 0 = unknown type) */
	_Atomic uint64_t dropped[DROP_SLOTS];
	_Atomic uint64_t events_dropped; /* event records, LOST ones aside */
	_Atomic uint64_t events_written; /* event records in chunks on the fd */
	_Atomic uint64_t limit_need;	 /* the size the chunks refused asked for */
	bool final;			 /* writing into the room kept under max_bytes */
};

const uint8_t etr_magic[ETR_MAGIC_SIZE] = {0x89, 'E', 'T', 'R', '\r', '\n', 0x1a, '\n'};

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int buf_reserve(struct buf *b, size_t extra)
{
	size_t need = b->len + extra;
	uint8_t *p;
	size_t cap;

	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 4096;
	while (cap < need)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p)
		return -ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void set_err(struct etr_writer *w, int err)
{
	int zero = 0;

	atomic_compare_exchange_strong(&w->err, &zero, err);
}

/* One dropped event record of @type; a LOST one brings the loss it stood
 * for (@lost_type, @lost_count) along instead of counting itself. */
__attribute__((cold, noinline)) static void note_drop(struct etr_writer *w, unsigned type,
						      uint64_t lost_type, uint64_t lost_count)
{
	if (type == ETR_EV_LOST) {
		atomic_fetch_add(&w->dropped[lost_type < DROP_SLOTS ? lost_type : 0], lost_count);
		return;
	}
	atomic_fetch_add(&w->dropped[type < DROP_SLOTS ? type : 0], 1);
	atomic_fetch_add(&w->events_dropped, 1);
}

/* The event records of an EVENTS payload (records from byte @from on) did
 * not fit under max_bytes: count them by type.  Prefix deltas only change
 * values, not lengths, so a LOST record's count reads right without the
 * records before it. */
static void note_dropped(struct etr_writer *w, const uint8_t *raw, size_t from, size_t len)
{
	const uint8_t *p = raw + from, *end = raw + len;

	while (p < end) {
		struct dec d = {.p = p + 1, .end = end, .limit = end};
		uint8_t type = p[0];
		uint64_t rlen = dec_uv(&d);

		if (d.bad || rlen > (uint64_t)(end - d.p))
			return; /* the writer's own encoding: cannot happen */
		if (type == ETR_EV_LOST) {
			struct dec b = {.p = d.p, .end = d.p + rlen, .limit = d.p + rlen};
			struct etr_delta zero = {0};
			struct etr_event ev;
			uint64_t lt;

			dec_prefix(&b, &zero, &ev);
			lt = dec_uv(&b);
			note_drop(w, type, lt, dec_uv(&b));
		} else if (type && type <= ETR_EV_PREFIXED_MAX) {
			note_drop(w, type, 0, 0);
		}
		p = d.p + rlen;
	}
}

/* Compress @raw_len bytes (@count records) of @j's payload into w->out as
 * a whole chunk: header, payload, trailer.  *ret_total is its size. */
static int build_chunk(struct etr_writer *w, const struct job *j, size_t raw_len, uint32_t count,
		       size_t *ret_total)
{
	size_t bound = ZSTD_compressBound(raw_len);
	uint16_t flags = 0;
	size_t stored, total;
	uint8_t *h, *t;
	uint32_t hcrc;
	int err;

	w->out.len = 0;
	err = buf_reserve(&w->out, ETR_CHUNK_HEADER_SIZE + bound + ETR_CHUNK_TRAILER_SIZE);
	if (err)
		return err;
	h = w->out.data;
	stored = 0;
	if (w->level >= 0) {
		stored =
		    ZSTD_compress2(w->cctx, h + ETR_CHUNK_HEADER_SIZE, bound, j->raw.data, raw_len);
		if (ZSTD_isError(stored))
			return -EIO;
	}
	/* Raw when asked, and when zstd did not help (tiny or random chunks). */
	if (w->level < 0 || stored >= raw_len) {
		memcpy(h + ETR_CHUNK_HEADER_SIZE, j->raw.data, raw_len);
		stored = raw_len;
		flags |= ETR_CHUNK_F_RAW;
	}

	memset(h, 0, ETR_CHUNK_HEADER_SIZE);
	memcpy(h + CH_MAGIC, ETR_CHUNK_MAGIC, 4);
	put_le16(h + CH_TYPE, j->type);
	put_le16(h + CH_FLAGS, flags);
	put_le32(h + CH_HSIZE, ETR_CHUNK_HEADER_SIZE);
	put_le32(h + CH_STORED, (uint32_t)stored);
	put_le32(h + CH_RAW, (uint32_t)raw_len);
	put_le32(h + CH_COUNT, count);
	put_le64(h + CH_SEQ, j->seq);
	memcpy(h + CH_TAG, w->trace_id, 8);
	put_le32(h + CH_PCRC, etr_crc32c(0, h + ETR_CHUNK_HEADER_SIZE, stored));
	hcrc = etr_crc32c(0, h, ETR_CHUNK_HEADER_SIZE - 4);
	put_le32(h + ETR_CHUNK_HEADER_SIZE - 4, hcrc);

	total = ETR_CHUNK_HEADER_SIZE + stored + ETR_CHUNK_TRAILER_SIZE;
	t = h + ETR_CHUNK_HEADER_SIZE + stored;
	memcpy(t + CT_MAGIC, ETR_TRAILER_MAGIC, 4);
	put_le32(t + CT_HCRC, hcrc);
	put_le64(t + CT_LEN, total);
	*ret_total = total;
	return 0;
}

/* Whether a chunk of @total bytes fits under max_bytes, keeping the room
 * for the end but in it. */
static bool fits(const struct etr_writer *w, uint16_t type, size_t total)
{
	uint64_t limit = w->max_bytes;

	if (!limit)
		return true;
	if (type != ETR_CHUNK_END && !w->final)
		limit = limit > END_RESERVE ? limit - END_RESERVE : 0;
	return atomic_load(&((struct etr_writer *)w)->bytes_written) + total <= limit;
}

static int write_chunk(struct etr_writer *w, const struct job *j, size_t raw_len, uint32_t count,
		       size_t total)
{
	int err = write_all(w->fd, w->out.data, total);

	if (err)
		return err;
	atomic_fetch_add(&w->bytes_written, total);
	atomic_fetch_add(&w->raw_bytes, raw_len);
	atomic_fetch_add(&w->chunks, 1);
	if (j->type == ETR_CHUNK_EVENTS)
		atomic_fetch_add(&w->events_written, count);
	return 0;
}

/*
 * An EVENTS chunk that does not fit under max_bytes: write as many of its
 * first records as fit (the longest prefix is a chunk of its own: deltas
 * start with it), count the rest as dropped.  Always -EFBIG after.
 */
static int emit_prefix(struct etr_writer *w, struct job *j)
{
	size_t *off, pos = 0, total = 0;
	uint32_t n = 0, lo = 0, hi = j->count;
	int err = 0;

	off = malloc(((size_t)j->count + 1) * sizeof(*off));
	if (!off) {
		note_dropped(w, j->raw.data, 0, j->raw.len);
		return -EFBIG;
	}
	/* where each record starts */
	while (pos < j->raw.len && n < j->count) {
		struct dec d = {.p = j->raw.data + pos + 1,
				.end = j->raw.data + j->raw.len,
				.limit = j->raw.data + j->raw.len};
		uint64_t rlen = dec_uv(&d);

		if (d.bad || rlen > (uint64_t)(d.end - d.p))
			break;
		off[n++] = pos;
		pos = (size_t)(d.p - j->raw.data) + rlen;
	}
	off[n] = pos;
	/* largest lo with a prefix of lo records that fits; hi never fits
	 * (the whole chunk did not) */
	hi = n;
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		err = build_chunk(w, j, off[mid], mid, &total);
		if (err)
			break;
		if (fits(w, j->type, total))
			lo = mid;
		else
			hi = mid;
	}
	if (!err && lo > 0) {
		err = build_chunk(w, j, off[lo], lo, &total);
		if (!err)
			err = write_chunk(w, j, off[lo], lo, total);
	}
	note_dropped(w, j->raw.data, err ? 0 : off[lo], j->raw.len);
	free(off);
	return err ? err : -EFBIG;
}

/* Compress and write one sealed chunk. Runs on the writer thread when async. */
static int emit_chunk(struct etr_writer *w, struct job *j)
{
	size_t total;
	int err = atomic_load(&w->err);

	if (err) {
		/* queued behind the chunk that reached max_bytes: its events
		 * are counted; the size of another chunk is added to what the
		 * file would need (the start of a trace, all of it) */
		if (err == -EFBIG && j->type == ETR_CHUNK_EVENTS)
			note_dropped(w, j->raw.data, 0, j->raw.len);
		else if (err == -EFBIG && !build_chunk(w, j, j->raw.len, j->count, &total))
			atomic_fetch_add(&w->limit_need, total);
		return err;
	}
	err = build_chunk(w, j, j->raw.len, j->count, &total);
	if (err)
		return err;
	if (!fits(w, j->type, total)) {
		uint64_t zero = 0;

		atomic_compare_exchange_strong(&w->limit_need, &zero,
					       atomic_load(&w->bytes_written) + total +
						   (j->type == ETR_CHUNK_END ? 0 : END_RESERVE));
		if (j->type == ETR_CHUNK_EVENTS)
			return emit_prefix(w, j);
		return -EFBIG;
	}
	return write_chunk(w, j, j->raw.len, j->count, total);
}

static void *writer_thread(void *arg)
{
	struct etr_writer *w = arg;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		struct job *j;
		int err;

		while (!w->head && !w->stop)
			pthread_cond_wait(&w->cond, &w->lock);
		if (!w->head)
			break;
		j = w->head;
		w->head = j->next;
		if (!w->head)
			w->tail = NULL;
		pthread_mutex_unlock(&w->lock);

		err = emit_chunk(w, j);
		if (err)
			set_err(w, err);

		pthread_mutex_lock(&w->lock);
		w->queued--;
		w->seq_done = j->seq + 1;
		j->raw.len = 0;
		j->next = w->free_jobs;
		w->free_jobs = j;
		pthread_cond_broadcast(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

static struct job *job_get(struct etr_writer *w)
{
	struct job *j = NULL;

	if (w->async) {
		pthread_mutex_lock(&w->lock);
		j = w->free_jobs;
		if (j)
			w->free_jobs = j->next;
		pthread_mutex_unlock(&w->lock);
	}
	if (!j)
		j = calloc(1, sizeof(*j));
	return j;
}

static void job_free(struct job *j)
{
	if (!j)
		return;
	free(j->raw.data);
	free(j);
}

/* Seal the open chunk: hand its buffer to the writer (thread). */
static int seal(struct etr_writer *w)
{
	struct job *j;
	struct buf spare;
	int err;

	if (!w->cur_count)
		return atomic_load(&w->err);
	err = atomic_load(&w->err);
	if (err)
		return err;
	j = job_get(w);
	if (!j)
		return -ENOMEM;

	/* Swap buffers: the job takes the chunk, the writer keeps a recycled one. */
	spare = j->raw;
	j->raw = w->cur;
	w->cur = spare;
	w->cur.len = 0;
	j->type = w->cur_type;
	j->count = w->cur_count;
	j->seq = w->next_seq++;
	j->next = NULL;
	w->cur_count = 0;
	memset(&w->delta, 0, sizeof(w->delta));

	if (!w->async) {
		err = emit_chunk(w, j);
		if (err)
			set_err(w, err);
		/* keep the buffer for the next chunk */
		if (!w->cur.data) {
			w->cur = j->raw;
			w->cur.len = 0;
			j->raw.data = NULL;
		}
		job_free(j);
		return err;
	}

	pthread_mutex_lock(&w->lock);
	while (w->queued >= w->queue_depth && !atomic_load(&w->err))
		pthread_cond_wait(&w->cond, &w->lock);
	if (w->tail)
		w->tail->next = j;
	else
		w->head = j;
	w->tail = j;
	w->queued++;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	return atomic_load(&w->err);
}

static int write_file_header(struct etr_writer *w, uint64_t created)
{
	uint8_t h[ETR_FILE_HEADER_SIZE] = {0};

	memcpy(h + FH_MAGIC, etr_magic, ETR_MAGIC_SIZE);
	put_le16(h + FH_MAJOR, ETR_VERSION_MAJOR);
	put_le16(h + FH_MINOR, ETR_VERSION_MINOR);
	put_le32(h + FH_SIZE, ETR_FILE_HEADER_SIZE);
	memcpy(h + FH_TRACE_ID, w->trace_id, ETR_TRACE_ID_SIZE);
	put_le64(h + FH_FLAGS, 0);
	put_le64(h + FH_CREATED, created);
	put_le32(h + ETR_FILE_HEADER_SIZE - 4, etr_crc32c(0, h, ETR_FILE_HEADER_SIZE - 4));
	return write_all(w->fd, h, sizeof(h));
}

static bool is_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

struct etr_writer *etr_writer__open_fd(int fd, const struct etr_writer_opts *opts)
{
	const uint8_t *trace_id = EC_OPTS_HAS(opts, trace_id) ? opts->trace_id : NULL;
	int level = EC_OPTS_GET(opts, level, 0);
	uint64_t created_ns = EC_OPTS_GET(opts, created_ns, 0);
	struct etr_writer *w;
	int err;

	if (!EC_OPTS_VALID(opts, struct etr_writer_opts) || fd < 0 || level > ZSTD_maxCLevel()) {
		errno = EINVAL;
		return NULL;
	}

	w = calloc(1, sizeof(*w));
	if (!w) {
		errno = ENOMEM;
		return NULL;
	}
	w->fd = fd;
	w->level = level ? level : ETR_DEFAULT_LEVEL;
	w->chunk_bytes = EC_OPTS_GET(opts, chunk_bytes, 0);
	if (!w->chunk_bytes)
		w->chunk_bytes = DEFAULT_CHUNK_BYTES;
	if (w->chunk_bytes > ETR_MAX_CHUNK_RAW)
		w->chunk_bytes = ETR_MAX_CHUNK_RAW;
	w->flush_ns = EC_OPTS_GET(opts, flush_interval_ns, 0);
	if (!w->flush_ns)
		w->flush_ns = DEFAULT_FLUSH_NS;
	w->max_bytes = EC_OPTS_GET(opts, max_bytes, 0);
	w->queue_depth = EC_OPTS_GET(opts, queue_depth, 0);
	if (!w->queue_depth)
		w->queue_depth = DEFAULT_QUEUE_DEPTH;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);

	if (trace_id && !is_zero(trace_id, ETR_TRACE_ID_SIZE)) {
		memcpy(w->trace_id, trace_id, ETR_TRACE_ID_SIZE);
	} else if (getrandom(w->trace_id, ETR_TRACE_ID_SIZE, 0) != ETR_TRACE_ID_SIZE) {
		err = -errno;
		goto err_out;
	}

	w->cctx = ZSTD_createCCtx();
	if (!w->cctx) {
		err = -ENOMEM;
		goto err_out;
	}
	if (w->level >= 0) {
		ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel, w->level);
		/* The content checksum makes EOF inside a frame, or a bad frame
		 * that still decodes, detectable on its own (SPEC.md). */
		ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_checksumFlag, 1);
		ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_contentSizeFlag, 1);
	}

	err = write_file_header(w, created_ns ? created_ns : now_ns(CLOCK_REALTIME));
	if (err)
		goto err_out;
	atomic_store(&w->bytes_written, ETR_FILE_HEADER_SIZE);

	if (EC_OPTS_GET(opts, async, false)) {
		w->async = true;
		err = -pthread_create(&w->thread, NULL, writer_thread, w);
		if (err)
			goto err_out;
		w->thread_started = true;
	}
	return w;

err_out:
	etr_writer__free(w);
	errno = -err;
	return NULL;
}

/* Make sure the open chunk is of @type and has room for @bound more bytes;
 * seal it first if not. Deltas restart with every chunk. */
static int prepare(struct etr_writer *w, uint16_t type, size_t bound)
{
	int err = atomic_load(&w->err);

	if (err)
		return err;
	if (w->closed)
		return -EINVAL;
	if (bound > ETR_MAX_CHUNK_RAW)
		return -E2BIG;
	if (w->cur_count && (w->cur_type != type || w->cur.len + bound > w->chunk_bytes)) {
		err = seal(w);
		if (err)
			return err;
	}
	if (!w->cur_count) {
		w->cur_type = type;
		w->cur_first_ns = now_ns(CLOCK_MONOTONIC);
	}
	return buf_reserve(&w->cur, bound);
}

static inline uint8_t *put_uv(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

static inline uint8_t *put_sv(uint8_t *p, int64_t v)
{
	return put_uv(p, zigzag_enc(v));
}

static inline uint8_t *put_str(uint8_t *p, const void *s, size_t len)
{
	p = put_uv(p, len);
	if (len)
		memcpy(p, s, len);
	return p + len;
}

/* Bodies are encoded after room for the longest length varint, then moved
 * down next to the length once it is known. */
#define REC_HDR_MAX 11

static uint8_t *rec_begin(struct etr_writer *w, uint8_t type)
{
	uint8_t *p = w->cur.data + w->cur.len;

	p[0] = type;
	return p + REC_HDR_MAX;
}

static int rec_end(struct etr_writer *w, uint8_t *end)
{
	uint8_t *start = w->cur.data + w->cur.len;
	uint8_t *body = start + REC_HDR_MAX;
	size_t len = (size_t)(end - body);
	uint8_t *p = put_uv(start + 1, len);

	memmove(p, body, len);
	w->cur.len = (size_t)(p + len - w->cur.data);
	w->cur_count++;
	w->records++;
	if (w->cur.len >= w->chunk_bytes ||
	    (w->flush_ns && (w->records & 255) == 0 &&
	     now_ns(CLOCK_MONOTONIC) - w->cur_first_ns >= w->flush_ns))
		return seal(w);
	return 0;
}

static size_t str_bound(size_t len)
{
	return 10 + len;
}

int etr_writer__write_event(struct etr_writer *w, const struct etr_event *ev)
{
	size_t bound;
	uint8_t *p;
	int err;

	if (!w || !ev || !ev->type || ev->type > ETR_EV_PREFIXED_MAX)
		return -EINVAL;
	bound = REC_HDR_MAX + 24 * 10 + str_bound(ev->comm.len) + str_bound(ev->filename.len) +
		str_bound(ev->cwd.len) + str_bound(ev->argv.len) + str_bound(ev->env.len);
	err = prepare(w, ETR_CHUNK_EVENTS, bound);
	if (err) {
		/* past max_bytes: counted, for the LOST records at the end */
		if (err == -EFBIG && !w->closed)
			note_drop(w, ev->type, ev->lost_type, ev->lost_count);
		return err;
	}

	p = rec_begin(w, (uint8_t)ev->type);
	/* common prefix */
	p = put_uv(p, ev->flags);
	p = put_sv(p, (int64_t)(ev->ts_ns - w->delta.prev_ts));
	p = put_sv(p, (int64_t)ev->pid - (int64_t)w->delta.prev_pid);
	p = put_sv(p, (int64_t)ev->tid - (int64_t)ev->pid);
	p = put_sv(p, (int64_t)ev->ppid - (int64_t)w->delta.prev_ppid);
	p = put_uv(p, ev->uid);
	p = put_uv(p, ev->gid);
	p = put_sv(p, (int64_t)(ev->start_ns - delta_start_ref(&w->delta, ev->pid, ev->ts_ns)));
	p = put_uv(p, ev->cgroup_id);
	p = put_str(p, ev->comm.ptr, ev->comm.len);
	delta_update(&w->delta, ev);

	switch (ev->type) {
	case ETR_EV_EXEC:
	case ETR_EV_EXEC_FAIL:
		p = put_sv(p, ev->ret);
		p = put_str(p, ev->filename.ptr, ev->filename.len);
		p = put_str(p, ev->cwd.ptr, ev->cwd.len);
		p = put_uv(p, ev->argc);
		p = put_uv(p, ev->argv_orig_len);
		p = put_str(p, ev->argv.ptr, ev->argv.len);
		p = put_sv(p, (int64_t)ev->old_tid - (int64_t)ev->tid);
		/* env last: absent fields cost nothing and decode as empty */
		if (ev->flags & ETR_EVF_ENV) {
			p = put_uv(p, ev->envc);
			p = put_uv(p, ev->env_orig_len);
			p = put_str(p, ev->env.ptr, ev->env.len);
		}
		break;
	case ETR_EV_FORK:
		p = put_sv(p, (int64_t)ev->parent_tid - (int64_t)ev->ppid);
		break;
	case ETR_EV_EXIT:
		p = put_sv(p, ev->exit_code);
		p = put_uv(p, (uint32_t)ev->signal);
		break;
	case ETR_EV_LOST:
		p = put_uv(p, ev->lost_type);
		p = put_uv(p, ev->lost_count);
		break;
	default:
		break;
	}
	w->events++;
	return rec_end(w, p);
}

int etr_writer__write_raw(struct etr_writer *w, uint16_t chunk_type, uint8_t rec_type,
			  const void *body, size_t len)
{
	uint8_t *p;
	int err;

	if (!w || (len && !body))
		return -EINVAL;
	err = prepare(w, chunk_type, REC_HDR_MAX + len);
	if (err)
		return err;
	p = rec_begin(w, rec_type);
	if (len)
		memcpy(p, body, len);
	if (chunk_type == ETR_CHUNK_EVENTS && rec_type && rec_type <= ETR_EV_PREFIXED_MAX) {
		/* A reader decodes the prefix against the chunk's deltas and
		 * moves them on: so must the writer, or the next event
		 * written would be encoded against a state no reader has.
		 * Before rec_end(), which may seal the chunk and start anew. */
		const uint8_t *end = (const uint8_t *)body + len;
		struct dec d = {.p = body, .end = end, .limit = end};
		struct etr_event ev;

		dec_prefix(&d, &w->delta, &ev);
	}
	return rec_end(w, p + len);
}

int etr_writer__write_meta(struct etr_writer *w, const char *key, const void *value, size_t len)
{
	size_t klen = key ? strlen(key) : 0;
	uint8_t *p;
	int err;

	if (!w || !klen || (len && !value))
		return -EINVAL;
	err = prepare(w, ETR_CHUNK_META, REC_HDR_MAX + str_bound(klen) + str_bound(len));
	if (err)
		return err;
	p = rec_begin(w, ETR_REC_META_KV);
	p = put_str(p, key, klen);
	p = put_str(p, value, len);
	return rec_end(w, p);
}

int etr_writer__write_clock(struct etr_writer *w, const struct etr_clock *clk)
{
	uint8_t *p;
	int err;

	if (!w || !clk)
		return -EINVAL;
	err = prepare(w, ETR_CHUNK_META, REC_HDR_MAX + 30);
	if (err)
		return err;
	p = rec_begin(w, ETR_REC_META_CLOCK);
	p = put_uv(p, clk->boottime_ns);
	p = put_uv(p, clk->realtime_ns);
	p = put_uv(p, clk->monotonic_ns);
	return rec_end(w, p);
}

int etr_writer__write_tpformat(struct etr_writer *w, const char *name, const void *text, size_t len)
{
	size_t nlen = name ? strlen(name) : 0;
	uint8_t *p;
	int err;

	if (!w || !nlen || (len && !text))
		return -EINVAL;
	err = prepare(w, ETR_CHUNK_TPFORMAT, REC_HDR_MAX + str_bound(nlen) + str_bound(len));
	if (err)
		return err;
	p = rec_begin(w, ETR_REC_TPFORMAT);
	p = put_str(p, name, nlen);
	p = put_str(p, text, len);
	return rec_end(w, p);
}

int etr_writer__write_btf(struct etr_writer *w, enum etr_btf_kind kind, const void *data,
			  size_t len)
{
	uint8_t *p;
	int err;

	if (!w || (len && !data))
		return -EINVAL;
	err = prepare(w, ETR_CHUNK_BTF, REC_HDR_MAX + 10 + str_bound(len));
	if (err)
		return err;
	p = rec_begin(w, ETR_REC_BTF);
	p = put_uv(p, kind);
	p = put_str(p, data, len);
	return rec_end(w, p);
}

int etr_writer__write_proc(struct etr_writer *w, const struct etr_proc *pr)
{
	size_t bound;
	uint8_t *p;
	int err;

	if (!w || !pr)
		return -EINVAL;
	bound = REC_HDR_MAX + 12 * 10 + str_bound(pr->comm.len) + str_bound(pr->exe.len) +
		str_bound(pr->cwd.len) + str_bound(pr->argv.len);
	err = prepare(w, ETR_CHUNK_PROCSNAP, bound);
	if (err)
		return err;
	p = rec_begin(w, ETR_REC_PROC);
	p = put_uv(p, pr->flags);
	p = put_uv(p, pr->ts_ns);
	p = put_uv(p, pr->pid);
	p = put_uv(p, pr->ppid);
	p = put_uv(p, pr->uid);
	p = put_uv(p, pr->gid);
	p = put_uv(p, pr->start_ns);
	p = put_uv(p, pr->cgroup_id);
	p = put_str(p, pr->comm.ptr, pr->comm.len);
	p = put_str(p, pr->exe.ptr, pr->exe.len);
	p = put_str(p, pr->cwd.ptr, pr->cwd.len);
	p = put_uv(p, pr->argc);
	p = put_str(p, pr->argv.ptr, pr->argv.len);
	return rec_end(w, p);
}

int etr_writer__write_counter(struct etr_writer *w, const struct etr_counter *c)
{
	uint8_t *p;
	int err;

	if (!w || !c || !c->name.len)
		return -EINVAL;
	err = prepare(w, ETR_CHUNK_STATS, REC_HDR_MAX + 20 + str_bound(c->name.len));
	if (err)
		return err;
	p = rec_begin(w, ETR_REC_COUNTER);
	p = put_uv(p, c->ts_ns);
	p = put_str(p, c->name.ptr, c->name.len);
	p = put_uv(p, c->value);
	return rec_end(w, p);
}

int etr_writer__write_cgroup(struct etr_writer *w, const struct etr_cgroup *c)
{
	uint8_t *p;
	int err;

	if (!w || !c || !c->path.len)
		return -EINVAL;
	err = prepare(w, ETR_CHUNK_CGROUP, REC_HDR_MAX + 30 + str_bound(c->path.len));
	if (err)
		return err;
	p = rec_begin(w, ETR_REC_CGROUP);
	p = put_uv(p, c->ts_ns);
	p = put_uv(p, c->op);
	p = put_uv(p, c->id);
	p = put_str(p, c->path.ptr, c->path.len);
	return rec_end(w, p);
}

int etr_writer__tick(struct etr_writer *w, uint64_t now)
{
	if (!w)
		return -EINVAL;
	if (!w->cur_count)
		return atomic_load(&w->err);
	if (!now)
		now = now_ns(CLOCK_MONOTONIC);
	if (now - w->cur_first_ns >= w->flush_ns)
		return seal(w);
	return atomic_load(&w->err);
}

int etr_writer__flush(struct etr_writer *w)
{
	int err;

	if (!w)
		return -EINVAL;
	err = seal(w);
	if (err || !w->async)
		return err;
	pthread_mutex_lock(&w->lock);
	while (w->seq_done < w->next_seq && !atomic_load(&w->err))
		pthread_cond_wait(&w->cond, &w->lock);
	pthread_mutex_unlock(&w->lock);
	return atomic_load(&w->err);
}

static void stop_thread(struct etr_writer *w)
{
	if (!w->thread_started)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	w->thread_started = false;
}

int etr_writer__close(struct etr_writer *w, uint32_t status)
{
	return etr_writer__close_at(w, status, 0);
}

int etr_writer__close_at(struct etr_writer *w, uint32_t status, uint64_t end_ns)
{
	bool at_limit;
	uint64_t events;
	uint8_t *p;
	int err;

	if (!w)
		return -EINVAL;
	if (w->closed)
		return atomic_load(&w->err);
	/* Everything sealed is written first: whether max_bytes was reached
	 * is known only then. */
	if (w->max_bytes)
		etr_writer__flush(w);
	events = w->events;
	at_limit = atomic_load(&w->err) == -EFBIG;
	if (at_limit) {
		/*
		 * max_bytes was reached, a normal way to stop: the records that
		 * did not fit (the rest of the chunk that reached it, the
		 * chunks queued after it, the open one) are dropped and their
		 * events counted as lost, in one LOST record per type before
		 * the END chunk; both go into the room kept for them, the END
		 * with the seq after the last chunk written (no gap for a
		 * reader) and the events the file holds.
		 */
		stop_thread(w);
		w->async = false;
		if (w->cur_count && w->cur_type == ETR_CHUNK_EVENTS)
			note_dropped(w, w->cur.data, 0, w->cur.len);
		w->cur_count = 0;
		w->cur.len = 0;
		memset(&w->delta, 0, sizeof(w->delta));
		w->next_seq = atomic_load(&w->chunks);
		atomic_store(&w->err, 0);
		w->final = true;
		if (!status)
			status = ETR_END_SIZE_LIMIT;
		for (unsigned t = 0; t < DROP_SLOTS; t++) {
			struct etr_event ev = {.type = ETR_EV_LOST, .comm = {.ptr = "", .len = 0}};

			ev.ts_ns = end_ns ? end_ns : now_ns(CLOCK_BOOTTIME);
			ev.lost_type = t;
			ev.lost_count = atomic_load(&w->dropped[t]);
			if (ev.lost_count && etr_writer__write_event(w, &ev))
				break;
		}
		/* sealed here, so that events_written counts it */
		seal(w);
		events = atomic_load(&w->events_written);
		if (atomic_load(&w->err)) {
			/* not even the LOST records fit: END alone still does */
			atomic_store(&w->err, 0);
			w->cur_count = 0;
			w->cur.len = 0;
			w->next_seq = atomic_load(&w->chunks);
		}
	}
	err = prepare(w, ETR_CHUNK_END, REC_HDR_MAX + 40);
	if (!err) {
		p = rec_begin(w, ETR_REC_END);
		p = put_uv(p, end_ns ? end_ns : now_ns(CLOCK_BOOTTIME));
		p = put_uv(p, events);
		p = put_uv(p, w->next_seq);
		p = put_uv(p, status);
		/* rec_end may seal by time; flush below seals in any case */
		err = rec_end(w, p);
	}
	w->closed = true;
	if (!err)
		err = etr_writer__flush(w);
	stop_thread(w);
	if (at_limit) {
		/* the limit stays the writer's error: the caller learns it */
		set_err(w, -EFBIG);
		return -EFBIG;
	}
	return err ? err : atomic_load(&w->err);
}

void etr_writer__free(struct etr_writer *w)
{
	struct job *j;

	if (!w)
		return;
	/* Sealed chunks still queued are written; the open one is dropped,
	 * exactly as if the process had been killed before sealing it. */
	stop_thread(w);
	while ((j = w->head)) {
		w->head = j->next;
		job_free(j);
	}
	while ((j = w->free_jobs)) {
		w->free_jobs = j->next;
		job_free(j);
	}
	ZSTD_freeCCtx(w->cctx);
	free(w->cur.data);
	free(w->out.data);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
	free(w);
}

void etr_writer__stats(const struct etr_writer *w, struct etr_writer_stats *s)
{
	struct etr_writer *mw = (struct etr_writer *)w;

	memset(s, 0, sizeof(*s));
	if (!w)
		return;
	s->records = w->records;
	s->events = w->events;
	s->chunks = atomic_load(&mw->chunks);
	s->bytes_written = atomic_load(&mw->bytes_written);
	s->raw_bytes = atomic_load(&mw->raw_bytes);
	s->events_written = atomic_load(&mw->events_written);
	s->events_dropped = atomic_load(&mw->events_dropped);
	s->size_needed = atomic_load(&mw->limit_need);
}

int etr_writer__error(const struct etr_writer *w)
{
	return w ? atomic_load(&((struct etr_writer *)w)->err) : -EINVAL;
}
