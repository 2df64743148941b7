/* SPDX-License-Identifier: MIT */
/*
 * Prefetch (etr_reader_opts.prefetch): whatever the input and whatever the
 * damage, the caller sees exactly what it sees without prefetch: the same
 * chunks with the same bytes, the same problems in the same places relative
 * to the chunks, the same counters and ended_cleanly at every point (also
 * from inside problem_cb), the same return codes. And the reader can be
 * freed at any point, also while its thread waits on a pipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "etr-test.h"

/* One thing the caller saw, in order. */
struct seen {
	char what; /* 'O' after open, 'P' problem, 'C' chunk, 'R' next_chunk's 0 or -errno */
	struct etr_problem p;
	struct etr_chunk c; /* data copied to 'data' */
	uint8_t *data;
	int rc;
	struct etr_reader_stats st;
	bool ended;
};

struct log {
	struct etr_reader *r;
	struct seen *v;
	size_t n, cap;
	bool opened;
	int open_errno;
	struct etr_open_error oerr;
};

static struct seen *log_add(struct log *lg, char what)
{
	struct seen *s;

	if (lg->n == lg->cap) {
		lg->cap = lg->cap ? lg->cap * 2 : 64;
		lg->v = realloc(lg->v, lg->cap * sizeof(*lg->v));
		if (!lg->v)
			abort();
	}
	s = &lg->v[lg->n++];
	memset(s, 0, sizeof(*s));
	s->what = what;
	if (lg->r) {
		etr_reader__stats(lg->r, &s->st);
		s->ended = etr_reader__ended_cleanly(lg->r);
	}
	return s;
}

static void log_free(struct log *lg)
{
	for (size_t i = 0; i < lg->n; i++)
		free(lg->v[i].data);
	free(lg->v);
	memset(lg, 0, sizeof(*lg));
}

static void on_problem(void *ctx, const struct etr_problem *p)
{
	log_add(ctx, 'P')->p = *p;
}

/* Copy a chunk's bytes out, as late as the API allows: just before the
 * next call (the prefetch thread is busy meanwhile). */
static void keep_data(struct seen *s)
{
	s->data = malloc(s->c.size ? s->c.size : 1);
	if (!s->data)
		abort();
	if (s->c.size)
		memcpy(s->data, s->c.data, s->c.size);
	s->c.data = s->c.data ? s->data : NULL;
}

/* Read @max chunks (SIZE_MAX = all) of @buf (fd < 0) or @fd, then free. */
static void run_opts(const void *buf, size_t len, int fd, struct etr_reader_opts *o,
		     size_t max, struct log *lg)
{
	struct seen *last = NULL;
	struct etr_chunk c;
	struct etr_reader *r;
	int rc;

	memset(lg, 0, sizeof(*lg));
	o->problem_cb = on_problem;
	o->problem_ctx = lg;
	r = fd < 0 ? etr_reader__open_mem(buf, len, o) : etr_reader__open_fd(fd, o);
	if (!r) {
		lg->open_errno = errno;
		lg->oerr = *etr_reader__open_error();
		return;
	}
	lg->opened = true;
	lg->r = r;
	log_add(lg, 'O');
	for (size_t i = 0; i < max; i++) {
		size_t at;

		if (last)
			keep_data(last);
		rc = etr_reader__next_chunk(r, &c);
		if (rc <= 0) {
			log_add(lg, 'R')->rc = rc;
			last = NULL;
			break;
		}
		at = lg->n;
		log_add(lg, 'C')->c = c;
		last = &lg->v[at];
	}
	if (last)
		keep_data(last);
	etr_reader__free(r);
	lg->r = NULL;
}

static void run(const void *buf, size_t len, int fd, bool prefetch, size_t max, struct log *lg)
{
	struct etr_reader_opts o = {.sz = sizeof(o), .prefetch = prefetch};

	run_opts(buf, len, fd, &o, max, lg);
}

static void seen_print(const struct seen *s)
{
	fprintf(stderr, "        %c", s->what);
	if (s->what == 'P')
		fprintf(stderr, " %s off=%llu seq=%llu len=%llu", etr_problem__str(s->p.kind),
			(unsigned long long)s->p.offset, (unsigned long long)s->p.seq,
			(unsigned long long)s->p.length);
	if (s->what == 'C')
		fprintf(stderr, " %s seq=%llu off=%llu size=%zu", etr_chunk_type__str(s->c.type),
			(unsigned long long)s->c.seq, (unsigned long long)s->c.offset, s->c.size);
	if (s->what == 'R')
		fprintf(stderr, " rc=%d", s->rc);
	fprintf(stderr,
		" | chunks=%llu bad=%llu problems=%llu read=%llu raw=%llu stored=%llu ended=%d\n",
		(unsigned long long)s->st.chunks, (unsigned long long)s->st.bad_chunks,
		(unsigned long long)s->st.problems, (unsigned long long)s->st.bytes_read,
		(unsigned long long)s->st.raw_bytes, (unsigned long long)s->st.stored_bytes,
		s->ended);
}

static void log_dump(const char *what, const struct log *lg)
{
	fprintf(stderr, "\n      [%s] opened=%d errno=%d seen=%zu\n", what, lg->opened,
		lg->open_errno, lg->n);
	for (size_t i = 0; i < lg->n && i < 40; i++)
		seen_print(&lg->v[i]);
}

static bool seen_equal(const struct seen *a, const struct seen *b, bool bytes_read)
{
	struct etr_reader_stats sa = a->st, sb = b->st;

	if (!bytes_read)
		sa.bytes_read = sb.bytes_read = 0;
	if (a->what != b->what || memcmp(&sa, &sb, sizeof(sa)) || a->ended != b->ended)
		return false;
	switch (a->what) {
	case 'P':
		return a->p.kind == b->p.kind && a->p.offset == b->p.offset &&
		       a->p.seq == b->p.seq && a->p.length == b->p.length;
	case 'R':
		return a->rc == b->rc;
	case 'C':
		return a->c.type == b->c.type && a->c.flags == b->c.flags &&
		       a->c.seq == b->c.seq && a->c.offset == b->c.offset &&
		       a->c.stored_size == b->c.stored_size && a->c.raw_size == b->c.raw_size &&
		       a->c.record_count == b->c.record_count && a->c.size == b->c.size &&
		       !a->c.data == !b->c.data && a->c.pos == b->c.pos &&
		       a->c.records_read == b->c.records_read &&
		       !memcmp(&a->c.delta, &b->c.delta, sizeof(a->c.delta)) &&
		       (!a->c.size || !memcmp(a->data, b->data, a->c.size));
	}
	return true;
}

/* @bytes_read: compare that counter too (not for pipes: it depends on how
 * the bytes arrived, with or without prefetch). */
static bool log_equal(const struct log *a, const struct log *b, bool bytes_read)
{
	if (a->opened != b->opened || a->open_errno != b->open_errno || a->n != b->n ||
	    memcmp(&a->oerr, &b->oerr, sizeof(a->oerr)))
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (!seen_equal(&a->v[i], &b->v[i], bytes_read))
			return false;
	return true;
}

/* Read @len bytes of @buf without and with prefetch, from memory and from
 * a file; 0 if all agree, else 1 (printed). */
static int compare_mem_fd(const uint8_t *buf, size_t len, int fd, const char *what, size_t at)
{
	struct log off, on;
	int bad = 0;

	run(buf, len, -1, false, SIZE_MAX, &off);
	run(buf, len, -1, true, SIZE_MAX, &on);
	if (!log_equal(&off, &on, true)) {
		fprintf(stderr, "\n    %s at %zu, memory:", what, at);
		log_dump("without", &off);
		log_dump("with", &on);
		bad = 1;
	}
	log_free(&off);
	log_free(&on);
	if (fd < 0 || bad)
		return bad;

	if (ftruncate(fd, 0) || pwrite(fd, buf, len, 0) != (ssize_t)len)
		abort();
	lseek(fd, 0, SEEK_SET);
	run(NULL, 0, fd, false, SIZE_MAX, &off);
	lseek(fd, 0, SEEK_SET);
	run(NULL, 0, fd, true, SIZE_MAX, &on);
	if (!log_equal(&off, &on, true)) {
		fprintf(stderr, "\n    %s at %zu, file:", what, at);
		log_dump("without", &off);
		log_dump("with", &on);
		bad = 1;
	}
	log_free(&off);
	log_free(&on);
	return bad;
}

static struct tbuf samples[2]; /* level 3, raw */
/* Small multi-chunk files for every prefix and every bit: zstd (a
 * compressed chunk among raw ones) and all raw. */
static struct tbuf smalls[2];

static int build_small(struct tbuf *out, int level, uint32_t chunk_bytes, unsigned events)
{
	struct etr_writer_opts o;
	struct etr_writer *w;
	int fd = tmp_fd(), err = 0;

	if (fd < 0)
		return -1;
	test_wopts(&o, 44);
	o.level = level;
	o.chunk_bytes = chunk_bytes;
	o.flush_interval_ns = UINT64_MAX / 2;
	w = etr_writer__open_fd(fd, &o);
	if (!w)
		return -1;
	err |= etr_writer__write_meta(w, "k", "v", 1);
	for (unsigned i = 0; i < events; i++) {
		struct etr_event ev;

		sample_event(i, &ev);
		err |= etr_writer__write_event(w, &ev);
	}
	err |= etr_writer__close(w, 0);
	etr_writer__free(w);
	err |= slurp_fd(fd, out);
	close(fd);
	return err ? -1 : 0;
}

static int prefetch_init(void)
{
	build_sample(&samples[0], 3, false, 21);
	build_sample(&samples[1], -1, false, 21);
	if (build_small(&smalls[0], 3, 500, 8) || build_small(&smalls[1], -1, 300, 4))
		return -1;
	return 0;
}

static int prefetch_cleanup(void)
{
	for (int i = 0; i < 2; i++) {
		tbuf_free(&samples[i]);
		tbuf_free(&smalls[i]);
	}
	return 0;
}

/* Every prefix, from memory and from a file. */
static void truncation_case(const struct tbuf *f)
{
	int fd = tmp_fd(), nfail = 0;

	CU_ASSERT_FATAL(fd >= 0);
	for (size_t len = 0; len <= f->len; len++)
		if (compare_mem_fd(f->data, len, fd, "truncated", len))
			LOOP_FAIL(nfail, "prefix of %zu bytes differs\n", len);
	CU_ASSERT_EQUAL(nfail, 0);
	close(fd);
}

static void test_truncation_zstd(void)
{
	truncation_case(&smalls[0]);
}

static void test_truncation_raw(void)
{
	truncation_case(&smalls[1]);
}

/* Every single-bit flip, from memory (every 7th from a file as well). */
static void bitflip_case(const struct tbuf *f)
{
	uint8_t *copy = malloc(f->len);
	int fd = tmp_fd(), nfail = 0;

	CU_ASSERT_FATAL(copy != NULL && fd >= 0);
	memcpy(copy, f->data, f->len);
	for (size_t bit = 0; bit < f->len * 8; bit++) {
		copy[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		if (compare_mem_fd(copy, f->len, bit % 7 ? -1 : fd, "bit flipped", bit))
			LOOP_FAIL(nfail, "bit %zu flipped differs\n", bit);
		copy[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	CU_ASSERT_EQUAL(nfail, 0);
	free(copy);
	close(fd);
}

static void test_bitflip_zstd(void)
{
	bitflip_case(&smalls[0]);
}

static void test_bitflip_raw(void)
{
	bitflip_case(&smalls[1]);
}

/* The first chunk @copies times with a payload bit flipped, then the file:
 * many problems before the first good chunk (more than one slot queues). */
static void test_many_problems(void)
{
	const struct tbuf *f = &samples[0];
	struct log off;
	struct tbuf bad = {0};
	uint64_t c0, c0_end;
	int fd = tmp_fd();

	CU_ASSERT_FATAL(fd >= 0);
	run(f->data, f->len, -1, false, 2, &off);
	CU_ASSERT_FATAL(off.n == 3 && off.v[1].what == 'C' && off.v[2].what == 'C');
	c0 = off.v[1].c.offset;
	c0_end = off.v[2].c.offset;
	log_free(&off);

	tbuf_put(&bad, f->data, c0);
	for (int i = 0; i < 1000; i++) {
		size_t at = bad.len;

		tbuf_put(&bad, f->data + c0, c0_end - c0);
		bad.data[at + ETR_CHUNK_HEADER_SIZE] ^= 0x10;
	}
	tbuf_put(&bad, f->data + c0, f->len - c0);
	CU_ASSERT_EQUAL(compare_mem_fd(bad.data, bad.len, fd, "many problems", 0), 0);

	run(bad.data, bad.len, -1, true, SIZE_MAX, &off);
	CU_ASSERT(off.n > 1000 && off.v[1].what == 'P' && off.v[1000].what == 'P' &&
		  off.v[1001].what == 'C' && off.v[1000].st.problems == 1000);
	log_free(&off);
	tbuf_free(&bad);
	close(fd);
}

/* Chunks bigger than a read block (1 MiB), raw and compressed. */
static void test_big_chunks(void)
{
	size_t big = (3u << 20) + 12345;
	uint8_t *data = malloc(big);
	int levels[2] = {-1, 3};

	CU_ASSERT_FATAL(data != NULL);
	for (size_t i = 0; i < big; i++)
		data[i] = (uint8_t)((i * 2654435761u) >> (i % 13));
	for (int li = 0; li < 2; li++) {
		struct etr_writer_opts o;
		struct etr_writer *w;
		struct tbuf f;
		int fd = tmp_fd(), fd2 = tmp_fd();

		CU_ASSERT_FATAL(fd >= 0 && fd2 >= 0);
		test_wopts(&o, 33);
		o.level = levels[li];
		o.chunk_bytes = 8u << 20;
		w = etr_writer__open_fd(fd, &o);
		CU_ASSERT_FATAL(w != NULL);
		CU_ASSERT_EQUAL(etr_writer__write_btf(w, ETR_BTF_FULL, data, big), 0);
		CU_ASSERT_EQUAL(etr_writer__write_meta(w, "k", "v", 1), 0);
		CU_ASSERT_EQUAL(etr_writer__write_btf(w, ETR_BTF_FULL, data + 7, big - 7), 0);
		CU_ASSERT_EQUAL(etr_writer__close(w, 0), 0);
		etr_writer__free(w);
		CU_ASSERT_FATAL(slurp_fd(fd, &f) == 0);
		CU_ASSERT_EQUAL(compare_mem_fd(f.data, f.len, fd2, "big chunks", 0), 0);
		tbuf_free(&f);
		close(fd);
		close(fd2);
	}
	free(data);
}

/* type_mask: skipped chunks come back without data, the same way. */
static void test_type_mask(void)
{
	for (int i = 0; i < 2; i++) {
		struct etr_reader_opts o1 = {.sz = sizeof(o1), .type_mask = 1u << ETR_CHUNK_EVENTS};
		struct etr_reader_opts o2 = o1;
		struct log off, on;

		o2.prefetch = true;
		run_opts(samples[i].data, samples[i].len, -1, &o1, SIZE_MAX, &off);
		run_opts(samples[i].data, samples[i].len, -1, &o2, SIZE_MAX, &on);
		CU_ASSERT(off.n > 5);
		CU_ASSERT(log_equal(&off, &on, true));
		log_free(&off);
		log_free(&on);
	}
}

/* A few bytes at a time, from another process. */
static void dribble(int fd, const uint8_t *p, size_t len)
{
	size_t step = 1;

	while (len) {
		size_t n = step < len ? step : len;
		ssize_t got = write(fd, p, n);

		if (got <= 0)
			_exit(3);
		p += got;
		len -= (size_t)got;
		step = step % 29 + 1;
		if (len % 997 < 29)
			usleep(50);
	}
}

static void pipe_read(const struct tbuf *f, bool prefetch, struct log *lg)
{
	int p[2], status;
	pid_t pid;

	CU_ASSERT_FATAL(pipe(p) == 0);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		dribble(p[1], f->data, f->len);
		_exit(0);
	}
	close(p[1]);
	run(NULL, 0, p[0], prefetch, SIZE_MAX, lg);
	close(p[0]);
	CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
	CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_pipe(void)
{
	for (int i = 0; i < 2; i++) {
		struct tbuf f = {0};
		struct log ref, off, on;

		tbuf_put(&f, samples[i].data, samples[i].len);
		f.data[f.len / 3] ^= 0x04; /* damage, and a cut */
		f.data[f.len / 2] ^= 0x40;
		f.len -= 5;
		run(f.data, f.len, -1, false, SIZE_MAX, &ref);
		pipe_read(&f, false, &off);
		pipe_read(&f, true, &on);
		CU_ASSERT(ref.n > 10);
		CU_ASSERT(log_equal(&ref, &off, false));
		if (!log_equal(&off, &on, false)) {
			log_dump("without", &off);
			log_dump("with", &on);
			CU_FAIL("pipe with prefetch differs");
		}
		log_free(&ref);
		log_free(&off);
		log_free(&on);
		tbuf_free(&f);
	}
}

/* A non-blocking pipe that runs dry: -EAGAIN at the same point, then the
 * rest once it has come. */
static void nonblock_read(const struct tbuf *f, size_t first, bool prefetch, struct log *lg)
{
	struct etr_reader_opts o = {.sz = sizeof(o), .prefetch = prefetch};
	struct etr_reader *r;
	struct etr_chunk c;
	int p[2], rc, eagain = 0;

	memset(lg, 0, sizeof(*lg));
	o.problem_cb = on_problem;
	o.problem_ctx = lg;
	CU_ASSERT_FATAL(pipe2(p, O_NONBLOCK) == 0);
	CU_ASSERT_FATAL(write(p[1], f->data, first) == (ssize_t)first);
	r = etr_reader__open_fd(p[0], &o);
	CU_ASSERT_FATAL(r != NULL);
	lg->opened = true;
	lg->r = r;
	log_add(lg, 'O');
	for (;;) {
		rc = etr_reader__next_chunk(r, &c);
		if (rc > 0) {
			struct seen *s = log_add(lg, 'C');

			s->c = c;
			keep_data(s);
			continue;
		}
		log_add(lg, 'R')->rc = rc;
		if (rc != -EAGAIN)
			break;
		if (eagain++ == 0) {
			/* the rest, and the end of the input */
			CU_ASSERT_FATAL(write(p[1], f->data + first, f->len - first) ==
					(ssize_t)(f->len - first));
			close(p[1]);
			p[1] = -1;
		}
		CU_ASSERT_FATAL(eagain < 5);
	}
	etr_reader__free(r);
	lg->r = NULL;
	close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
}

static void test_nonblocking(void)
{
	const struct tbuf *f = &samples[0];
	size_t cuts[] = {ETR_FILE_HEADER_SIZE, f->len / 3, f->len / 2 + 1, f->len - 1};

	CU_ASSERT_FATAL(f->len < 60000); /* fits in a pipe */
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		struct log off, on;

		nonblock_read(f, cuts[i], false, &off);
		nonblock_read(f, cuts[i], true, &on);
		CU_ASSERT(off.n > 3 && off.v[off.n - 1].rc == 0);
		if (!log_equal(&off, &on, true)) {
			fprintf(stderr, "\n    first %zu bytes:", cuts[i]);
			log_dump("without", &off);
			log_dump("with", &on);
			CU_FAIL("non-blocking pipe with prefetch differs");
		}
		log_free(&off);
		log_free(&on);
	}
}

/* Free after any number of chunks: memory, file. */
static void test_free_anywhere(void)
{
	const struct tbuf *f = &samples[0];
	struct log all, part, ref;
	int fd = tmp_fd();

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(pwrite(fd, f->data, f->len, 0) == (ssize_t)f->len);
	run(f->data, f->len, -1, false, SIZE_MAX, &all);
	for (size_t k = 0; k < all.n + 1; k++) {
		run(f->data, f->len, -1, true, k, &part);
		run(f->data, f->len, -1, false, k, &ref);
		CU_ASSERT(log_equal(&part, &ref, true));
		log_free(&part);
		log_free(&ref);
		lseek(fd, 0, SEEK_SET);
		run(NULL, 0, fd, true, k, &part);
		CU_ASSERT(part.n == (k + 1 < all.n ? k + 1 : all.n));
		log_free(&part);
	}
	log_free(&all);
	close(fd);
}

/* Free while the thread waits on a pipe whose writer is still there. */
static void test_free_waiting(void)
{
	const struct tbuf *f = &samples[0];

	for (size_t n = 0; n < 3; n++) {
		struct etr_reader_opts o = {.sz = sizeof(o), .prefetch = true};
		struct etr_reader *r;
		struct etr_chunk c;
		int p[2];

		CU_ASSERT_FATAL(pipe(p) == 0);
		CU_ASSERT_FATAL(write(p[1], f->data, f->len / 2) == (ssize_t)(f->len / 2));
		r = etr_reader__open_fd(p[0], &o);
		CU_ASSERT_FATAL(r != NULL);
		for (size_t i = 0; i < n; i++)
			CU_ASSERT_EQUAL(etr_reader__next_chunk(r, &c), 1);
		etr_reader__free(r); /* must not wait for the writer */
		close(p[0]);
		close(p[1]);
	}
}

static int thread_count(void)
{
	char line[256];
	int n = -1;
	FILE *fp = fopen("/proc/self/status", "r");

	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp))
		if (sscanf(line, "Threads: %d", &n) == 1)
			break;
	fclose(fp);
	return n;
}

/* An older caller's smaller opts (sz without the field) reads inline. */
static void test_opts_size(void)
{
	const struct tbuf *f = &samples[0];
	struct etr_reader_opts o;
	struct etr_reader *r;
	struct etr_chunk c;
	int base = thread_count();

	CU_ASSERT_FATAL(base > 0);
	for (int i = 0; i < 2; i++) {
		memset(&o, 0, sizeof(o));
		o.sz = i ? sizeof(o) : offsetof(struct etr_reader_opts, prefetch);
		o.prefetch = true;
		r = etr_reader__open_mem(f->data, f->len, &o);
		CU_ASSERT_FATAL(r != NULL);
		CU_ASSERT_EQUAL(thread_count(), base); /* started by next_chunk */
		CU_ASSERT_EQUAL(etr_reader__next_chunk(r, &c), 1);
		CU_ASSERT_EQUAL(thread_count(), base + i);
		etr_reader__free(r);
		CU_ASSERT_EQUAL(thread_count(), base);
	}
}

void register_prefetch(void)
{
	CU_pSuite s = CU_add_suite("format: prefetch", prefetch_init, prefetch_cleanup);

	CU_add_test(s, "every truncation point, zstd", test_truncation_zstd);
	CU_add_test(s, "every truncation point, raw", test_truncation_raw);
	CU_add_test(s, "every bit flipped, zstd", test_bitflip_zstd);
	CU_add_test(s, "every bit flipped, raw", test_bitflip_raw);
	CU_add_test(s, "many problems before a chunk", test_many_problems);
	CU_add_test(s, "chunks bigger than a read block", test_big_chunks);
	CU_add_test(s, "type_mask", test_type_mask);
	CU_add_test(s, "pipe, short reads, damage", test_pipe);
	CU_add_test(s, "non-blocking pipe running dry", test_nonblocking);
	CU_add_test(s, "free after any chunk", test_free_anywhere);
	CU_add_test(s, "free while waiting on a pipe", test_free_waiting);
	CU_add_test(s, "smaller opts from an older caller", test_opts_size);
}
