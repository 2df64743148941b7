/* SPDX-License-Identifier: MIT */
/*
 * The .etr reader: chunks in file order, every checksum verified, damage
 * reported with its byte offset and skipped, reading resumed at the next
 * chunk whose header checks out.
 *
 * Input is read through one sliding window, so a file, a pipe and a memory
 * buffer are read the same way. The window grows only as bytes arrive, so a
 * hostile size field costs at most the bytes that are really there.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
/* for ZSTD_d_forceIgnoreChecksum (zstd 1.4.7 on; experimental API) */
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>

#include "internal.h"

#define READ_BLOCK (1u << 20)

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
	size_t first_cap; /* READ_BLOCK, or less for a small file */
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
};

static _Thread_local struct etr_open_error open_error;

/*
 * The read window and the decompressed chunk are a megabyte each, written
 * all over from the first chunk on. From malloc they would be 4 KiB pages,
 * a fault each on first use: microseconds apiece on a virtual machine, a
 * twentieth of the time to read a million events. Past BUF_SMALL they are
 * mapped in whole huge pages instead (a hint, honoured with transparent
 * huge pages in "madvise" mode, Debian's default): one fault per 2 MiB.
 */
#define BUF_SMALL (64u << 10)
#define BUF_HUGE (2u << 20)

/* A buffer of at least *@cap bytes (*@cap set to what it has); NULL. */
static uint8_t *buf_alloc(size_t *cap)
{
	void *p;

	if (*cap <= BUF_SMALL)
		return malloc(*cap);
	if (*cap > SIZE_MAX - BUF_HUGE)
		return NULL;
	*cap = (*cap + BUF_HUGE - 1) & ~(size_t)(BUF_HUGE - 1);
	p = mmap(NULL, *cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, *cap, MADV_HUGEPAGE);
#endif
	return p;
}

static void buf_free(uint8_t *p, size_t cap)
{
	if (cap <= BUF_SMALL)
		free(p);
	else
		munmap(p, cap);
}

const struct etr_open_error *etr_reader__open_error(void)
{
	return &open_error;
}

static void problem2(struct etr_reader *r, enum etr_problem_kind kind, uint64_t off, uint64_t seq,
		     uint64_t len, uint16_t chunk_type)
{
	struct etr_problem p = {
	    .kind = kind, .offset = off, .seq = seq, .length = len, .chunk_type = chunk_type};

	r->stats.problems++;
	r->damaged_since_good = true;
	if (r->problem_cb)
		r->problem_cb(r->problem_ctx, &p);
}

static void problem(struct etr_reader *r, enum etr_problem_kind kind, uint64_t off, uint64_t seq,
		    uint64_t len)
{
	problem2(r, kind, off, seq, len, 0);
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
			ssize_t got = read(r->fd, tmp, want < sizeof(tmp) ? want : sizeof(tmp));

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
					size_t cap = r->cap ? r->cap * 2 : r->first_cap;
					uint8_t *b = buf_alloc(&cap);

					if (!b)
						return -ENOMEM;
					if (r->win_len)
						memcpy(b, r->buf, r->win_len);
					buf_free(r->buf, r->cap);
					r->buf = b;
					r->cap = cap;
				}
			}
			got = read(r->fd, r->buf + r->win_start + r->win_len,
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
	struct etr_reader *r;

	if (!EC_OPTS_VALID(opts, struct etr_reader_opts)) {
		errno = EINVAL;
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		errno = ENOMEM;
		return NULL;
	}
	r->fd = -1;
	r->first_cap = READ_BLOCK;
	/* (one without problem_ctx has no callback either: it would get a
	 * context it did not give) */
	if (EC_OPTS_HAS(opts, problem_ctx)) {
		r->problem_cb = opts->problem_cb;
		r->problem_ctx = opts->problem_ctx;
	}
	r->type_mask = EC_OPTS_GET(opts, type_mask, 0);
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
	/* payload_crc has checked every stored byte already; the content
	 * checksum would cost a tenth of reading again (SPEC.md). The
	 * parameter is of zstd's experimental API, whose numbers may change
	 * between minor versions: only with the library built against;
	 * otherwise the checksum is checked, which is correct too. */
	if (ZSTD_versionNumber() / 100 == ZSTD_VERSION_NUMBER / 100)
		ZSTD_DCtx_setParameter(r->dctx, ZSTD_d_forceIgnoreChecksum, ZSTD_d_ignoreChecksum);
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
	struct stat st;

	if (fd < 0) {
		errno = EBADF;
		return NULL;
	}
	r = reader_new(opts);
	if (!r)
		return NULL; /* errno set */
	r->fd = fd;
	/* a small file needs no megabyte (nor a huge page) to be read; one
	 * still being written grows the window as it would anyway */
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size < READ_BLOCK)
		r->first_cap = st.st_size < 4096 ? 4096 : (size_t)st.st_size;
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
	if (!r)
		return NULL; /* errno set */
	r->is_mem = true;
	r->buf = (uint8_t *)buf;
	r->win_len = len;
	r->eof = true;
	r->stats.bytes_read = len;
	return finish_open(r);
}

void etr_reader__free(struct etr_reader *r)
{
	if (!r)
		return;
	if (r->own_fd && r->fd >= 0)
		close(r->fd);
	if (!r->is_mem)
		buf_free(r->buf, r->cap);
	buf_free(r->raw, r->raw_cap);
	ZSTD_freeDCtx(r->dctx);
	free(r);
}

const struct etr_file_info *etr_reader__info(const struct etr_reader *r)
{
	return r ? &r->info : NULL;
}

bool etr_reader__ended_cleanly(const struct etr_reader *r)
{
	return r && r->ended;
}

void etr_reader__stats(const struct etr_reader *r, struct etr_reader_stats *s)
{
	if (r)
		*s = r->stats;
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

static int decompress(struct etr_reader *r, const uint8_t *src, uint32_t stored, uint32_t raw)
{
	unsigned long long csize;
	size_t got;

	if (r->raw_cap < raw || !r->raw) {
		size_t cap = raw ? raw : 1;
		/* the old bytes are not kept: they are to be overwritten */
		uint8_t *b = buf_alloc(&cap);

		if (!b)
			return -ENOMEM;
		buf_free(r->raw, r->raw_cap);
		r->raw = b;
		r->raw_cap = cap;
	}
	/* The frame must say exactly the sizes the header says. */
	csize = ZSTD_getFrameContentSize(src, stored);
	if (csize != raw)
		return -EBADMSG;
	got = ZSTD_findFrameCompressedSize(src, stored);
	if (ZSTD_isError(got) || got != stored)
		return -EBADMSG;
	got = ZSTD_decompressDCtx(r->dctx, r->raw, raw, src, stored);
	if (ZSTD_isError(got) || got != raw)
		return -EBADMSG;
	return 0;
}

int etr_reader__next_chunk(struct etr_reader *r, struct etr_chunk *c)
{
	if (!r || !c)
		return -EINVAL;

	while (!r->done) {
		const uint8_t *p, *payload, *t;
		uint32_t hsize, stored, raw, flags;
		uint64_t total, seq, off = r->pos;
		ssize_t n;
		int err;

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
			problem2(r, ETR_PROB_CHUNK_TRAILER, off, seq, total, get_le16(p + CH_TYPE));
			r->stats.bad_chunks++;
			continue;
		}
		if (etr_crc32c(0, payload, stored) != get_le32(p + CH_PCRC)) {
			problem2(r, ETR_PROB_CHUNK_CHECKSUM, off, seq, total,
				 get_le16(p + CH_TYPE));
			r->stats.bad_chunks++;
			continue;
		}
		if (flags & ~ETR_CHUNK_F_KNOWN) {
			problem2(r, ETR_PROB_UNSUPPORTED_CHUNK, off, seq, total,
				 get_le16(p + CH_TYPE));
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
			c->data = payload;
			c->size = raw;
		} else {
			err = decompress(r, payload, stored, raw);
			if (err == -ENOMEM)
				return err;
			if (err) {
				problem2(r, ETR_PROB_DECOMPRESS, off, seq, total,
					 get_le16(p + CH_TYPE));
				r->stats.bad_chunks++;
				continue;
			}
			c->data = r->raw;
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
