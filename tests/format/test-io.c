/* SPDX-License-Identifier: MIT */
/*
 * Input and output: reading from a pipe (a writer in another process, short
 * reads), from standard input and by path; a size limit on the writer;
 * write errors; an async writer under back-pressure; chunks bigger than the
 * reader's read block.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "etr-test.h"

/* Write @len bytes in pieces of 1..13 bytes, with pauses: short reads. */
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
		step = step % 13 + 1;
		if (len % 997 < 13)
			usleep(100);
	}
}

static bool same_except_end(const struct rd_result *a, const struct rd_result *b)
{
	if (a->n_chunks != b->n_chunks || a->n_probs != b->n_probs || a->ended != b->ended)
		return false;
	for (size_t i = 0; i < a->n_chunks; i++)
		if (a->chunks[i].type != ETR_CHUNK_END &&
		    !rd_chunk_equal(&a->chunks[i], &b->chunks[i]))
			return false;
	return true;
}

/*
 * A writer in a child process writes into a pipe; the reader reads the
 * other end with etr_reader__open_fd: the same as from a file.
 */
static void pipe_case(bool async, int level)
{
	struct tbuf file;
	struct rd_result ref, res;
	int p[2], status;
	pid_t pid;

	build_sample(&file, level, async, 41);
	rd_mem(file.data, file.len, &ref);
	CU_ASSERT_FATAL(pipe(p) == 0);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		/* the child: the same sample, written straight into the pipe */
		struct etr_writer_opts o;
		struct etr_writer *w;

		close(p[0]);
		test_wopts(&o, 41);
		o.level = level;
		o.async = async;
		o.chunk_bytes = 700;
		o.flush_interval_ns = UINT64_MAX / 2;
		w = etr_writer__open_fd(p[1], &o);
		if (!w)
			_exit(1);
		/* the same records as build_sample(): replay the reference */
		for (size_t i = 0; i + 1 < ref.n_chunks; i++) {
			struct etr_chunk c;
			struct etr_record rec;

			chunk_over(&c, ref.chunks[i].type, ref.chunks[i].data, ref.chunks[i].size);
			if (ref.chunks[i].type == ETR_CHUNK_EVENTS) {
				struct etr_event ev;

				while (etr_chunk__next_event(&c, &ev) > 0)
					if (etr_writer__write_event(w, &ev))
						_exit(2);
			} else {
				while (etr_chunk__next_record(&c, &rec) > 0)
					if (etr_writer__write_raw(w, ref.chunks[i].type, rec.type,
								  rec.body, rec.len))
						_exit(2);
			}
			if (etr_writer__flush(w))
				_exit(2);
		}
		if (etr_writer__close(w, 0))
			_exit(2);
		etr_writer__free(w);
		_exit(0);
	}
	close(p[1]);
	rd_fd(p[0], &res);
	close(p[0]);
	CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
	CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CU_ASSERT(res.opened);
	CU_ASSERT_EQUAL(res.n_probs, 0);
	CU_ASSERT(res.ended);
	CU_ASSERT(same_except_end(&res, &ref));
	CU_ASSERT_EQUAL(res.stats.bytes_read, file.len);
	rd_free(&res);
	rd_free(&ref);
	tbuf_free(&file);
}

static void test_pipe_writer_sync(void)
{
	pipe_case(false, 3);
}

static void test_pipe_writer_async(void)
{
	pipe_case(true, 3);
	pipe_case(true, -1);
}

/* The exact bytes of a file, a few at a time through a pipe, damaged too. */
static void test_pipe_short_reads(void)
{
	struct tbuf file;
	struct rd_result ref, res;
	int p[2], status;
	pid_t pid;

	build_sample(&file, 3, false, 42);
	/* damage: a flipped bit in a chunk a third of the way in, and a cut */
	file.data[file.len / 3] ^= 0x04;
	file.len -= 5;
	rd_mem(file.data, file.len, &ref);
	CU_ASSERT(ref.n_probs == 2);
	CU_ASSERT(!ref.ended);

	CU_ASSERT_FATAL(pipe(p) == 0);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		dribble(p[1], file.data, file.len);
		_exit(0);
	}
	close(p[1]);
	rd_fd(p[0], &res);
	close(p[0]);
	CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
	CU_ASSERT(res.opened);
	CU_ASSERT_EQUAL(res.n_chunks, ref.n_chunks);
	for (size_t i = 0; i < res.n_chunks && i < ref.n_chunks; i++)
		CU_ASSERT(rd_chunk_equal(&res.chunks[i], &ref.chunks[i]));
	CU_ASSERT_EQUAL_FATAL(res.n_probs, ref.n_probs);
	for (size_t i = 0; i < res.n_probs; i++)
		CU_ASSERT(res.probs[i].kind == ref.probs[i].kind &&
			  res.probs[i].offset == ref.probs[i].offset &&
			  res.probs[i].seq == ref.probs[i].seq &&
			  res.probs[i].length == ref.probs[i].length);
	CU_ASSERT_EQUAL(res.ended, ref.ended);
	rd_free(&res);
	rd_free(&ref);
	tbuf_free(&file);
}

/* "-" is standard input; a path is opened and closed by the reader. */
static void test_stdin_and_path(void)
{
	struct tbuf file;
	struct rd_result ref;
	char path[] = "/tmp/etr-test-path-XXXXXX";
	int fd, status;
	pid_t pid;

	build_sample(&file, 3, false, 43);
	rd_mem(file.data, file.len, &ref);
	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(write(fd, file.data, file.len) == (ssize_t)file.len);

	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		struct etr_reader *r;
		struct etr_chunk c;
		size_t n = 0;

		lseek(fd, 0, SEEK_SET);
		dup2(fd, STDIN_FILENO);
		r = etr_reader__open("-", NULL);
		if (!r)
			_exit(1);
		while (etr_reader__next_chunk(r, &c) > 0)
			n++;
		if (n != ref.n_chunks || !etr_reader__ended_cleanly(r))
			_exit(2);
		etr_reader__free(r);
		/* stdin is not closed by the reader */
		if (fcntl(STDIN_FILENO, F_GETFD) < 0)
			_exit(3);
		_exit(0);
	}
	CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
	CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	{
		struct etr_reader *r = etr_reader__open(path, NULL);
		struct etr_chunk c;
		size_t n = 0;

		CU_ASSERT_FATAL(r != NULL);
		while (etr_reader__next_chunk(r, &c) > 0)
			n++;
		CU_ASSERT_EQUAL(n, ref.n_chunks);
		CU_ASSERT(etr_reader__ended_cleanly(r));
		etr_reader__free(r);
	}

	/* not there, not a trace, empty, a directory */
	errno = 0;
	CU_ASSERT_PTR_NULL(etr_reader__open("/nonexistent/x.etr", NULL));
	CU_ASSERT_EQUAL(errno, ENOENT);
	CU_ASSERT_PTR_NULL(etr_reader__open(NULL, NULL));
	CU_ASSERT_EQUAL(errno, EINVAL);
	CU_ASSERT(ftruncate(fd, 0) == 0);
	CU_ASSERT(pwrite(fd, "hello, this is text\n", 20, 0) == 20);
	errno = 0;
	CU_ASSERT_PTR_NULL(etr_reader__open(path, NULL));
	CU_ASSERT_EQUAL(errno, EINVAL);
	CU_ASSERT_EQUAL(etr_reader__open_error()->kind, ETR_PROB_BAD_MAGIC);
	CU_ASSERT(ftruncate(fd, 0) == 0);
	CU_ASSERT_PTR_NULL(etr_reader__open(path, NULL));
	errno = 0;
	CU_ASSERT_PTR_NULL(etr_reader__open("/", NULL));
	CU_ASSERT_EQUAL(errno, EISDIR);
	CU_ASSERT_EQUAL(etr_reader__open_error()->kind, ETR_PROB_IO);
	/* a descriptor open for writing only: a read error */
	{
		int wfd = open(path, O_WRONLY);

		errno = 0;
		CU_ASSERT_PTR_NULL(etr_reader__open_fd(wfd, NULL));
		CU_ASSERT_EQUAL(errno, EBADF);
		close(wfd);
	}
	errno = 0;
	CU_ASSERT_PTR_NULL(etr_reader__open_fd(-1, NULL));
	CU_ASSERT_EQUAL(errno, EBADF);
	CU_ASSERT_PTR_NULL(etr_reader__open_mem(NULL, 5, NULL));
	CU_ASSERT_PTR_NULL(etr_reader__open_mem("", 0, NULL));
	etr_reader__free(NULL);
	CU_ASSERT_EQUAL(etr_reader__next_chunk(NULL, NULL), -EINVAL);
	CU_ASSERT_PTR_NULL(etr_reader__info(NULL));
	CU_ASSERT(!etr_reader__ended_cleanly(NULL));

	close(fd);
	unlink(path);
	rd_free(&ref);
	tbuf_free(&file);
}

/*
 * max_bytes: the writer stops with -EFBIG before the file grows past the
 * limit; what it wrote is a readable trace.
 */
static void max_bytes_case(bool async)
{
	struct etr_writer_opts o;
	struct etr_writer_stats st;
	struct etr_writer *w;
	struct rd_result res;
	struct tbuf file;
	int fd = tmp_fd(), err = 0;
	unsigned i;
	const uint64_t limit = 8192;

	test_wopts(&o, 44);
	o.async = async;
	o.chunk_bytes = 1024;
	o.max_bytes = limit;
	o.flush_interval_ns = UINT64_MAX / 2;
	w = etr_writer__open_fd(fd, &o);
	CU_ASSERT_FATAL(w != NULL);
	for (i = 0; i < 100000 && !err; i++) {
		struct etr_event ev;

		sample_event(i, &ev);
		err = etr_writer__write_event(w, &ev);
		if (async && !err && i % 64 == 0)
			err = etr_writer__flush(w);
	}
	CU_ASSERT_EQUAL(err, -EFBIG);
	CU_ASSERT_EQUAL(etr_writer__error(w), -EFBIG);
	/* sticky: later writes fail the same way */
	{
		struct etr_event ev;

		sample_event(0, &ev);
		CU_ASSERT_EQUAL(etr_writer__write_event(w, &ev), -EFBIG);
	}
	CU_ASSERT_EQUAL(etr_writer__close(w, 1), -EFBIG);
	etr_writer__stats(w, &st);
	etr_writer__free(w);
	CU_ASSERT_FATAL(slurp_fd(fd, &file) == 0);
	close(fd);
	CU_ASSERT(file.len <= limit);
	CU_ASSERT(file.len > limit / 2);
	CU_ASSERT_EQUAL(st.bytes_written, file.len);

	rd_mem(file.data, file.len, &res);
	CU_ASSERT(res.opened);
	CU_ASSERT_EQUAL(res.n_probs, 0);
	CU_ASSERT(res.n_chunks >= 3);
	CU_ASSERT_EQUAL(res.stats.bytes_read, file.len);
	for (size_t k = 0; k < res.n_chunks; k++)
		CU_ASSERT_EQUAL(res.chunks[k].bad_records, 0);
	/* a size limit is a normal end: END, status 1 "size limit", in the
	 * room the writer keeps for it, with no sequence gap before it */
	CU_ASSERT(res.ended);
	if (res.n_chunks && res.chunks[res.n_chunks - 1].type == ETR_CHUNK_END) {
		const struct rd_chunk *e = &res.chunks[res.n_chunks - 1];
		struct etr_end end;

		CU_ASSERT_FATAL(end_record(e, &end));
		CU_ASSERT_EQUAL(end.status, 1);
		CU_ASSERT_EQUAL(end.chunks, res.n_chunks - 1);
		CU_ASSERT_EQUAL(e->seq, res.n_chunks - 1);
	}
	rd_free(&res);
	tbuf_free(&file);
}

static void test_max_bytes(void)
{
	max_bytes_case(false);
}

static void test_max_bytes_async(void)
{
	max_bytes_case(true);
}

/* A reader that has gone away: EPIPE, sticky; no SIGPIPE (ignored in main). */
static void test_write_error(void)
{
	struct etr_writer_opts o;
	struct etr_writer *w;
	int p[2], err = 0;

	for (int async = 0; async < 2; async++) {
		CU_ASSERT_FATAL(pipe(p) == 0);
		test_wopts(&o, 45);
		o.async = async;
		o.chunk_bytes = 512;
		w = etr_writer__open_fd(p[1], &o);
		CU_ASSERT_FATAL(w != NULL);
		close(p[0]);
		err = 0;
		for (unsigned i = 0; i < 10000 && !err; i++) {
			struct etr_event ev;

			sample_event(i, &ev);
			err = etr_writer__write_event(w, &ev);
		}
		if (!err)
			err = etr_writer__flush(w);
		CU_ASSERT_EQUAL(err, -EPIPE);
		CU_ASSERT_EQUAL(etr_writer__error(w), -EPIPE);
		CU_ASSERT_EQUAL(etr_writer__close(w, 0), -EPIPE);
		etr_writer__free(w);
		close(p[1]);
	}

	/* a descriptor open for reading only: the header cannot be written */
	{
		int fd = open("/dev/null", O_RDONLY);

		test_wopts(&o, 45);
		errno = 0;
		CU_ASSERT_PTR_NULL(etr_writer__open_fd(fd, &o));
		CU_ASSERT_EQUAL(errno, EBADF);
		close(fd);
	}
}

/* An async writer with a queue of one: every chunk arrives, in order. */
static void test_async_backpressure(void)
{
	struct etr_writer_opts o;
	struct etr_writer_stats st;
	struct etr_writer *w;
	struct rd_result res;
	struct tbuf file;
	uint64_t events = 0;
	int fd = tmp_fd();

	test_wopts(&o, 46);
	o.async = true;
	o.queue_depth = 1;
	o.chunk_bytes = 256;
	o.level = 9;
	w = etr_writer__open_fd(fd, &o);
	CU_ASSERT_FATAL(w != NULL);
	for (unsigned i = 0; i < 20000; i++) {
		struct etr_event ev;

		sample_event(i, &ev);
		CU_ASSERT_EQUAL(etr_writer__write_event(w, &ev), 0);
	}
	CU_ASSERT_EQUAL(etr_writer__close(w, 0), 0);
	etr_writer__stats(w, &st);
	etr_writer__free(w);
	CU_ASSERT_FATAL(slurp_fd(fd, &file) == 0);
	close(fd);
	rd_mem(file.data, file.len, &res);
	CU_ASSERT_EQUAL(res.n_probs, 0);
	CU_ASSERT(res.ended);
	CU_ASSERT(res.n_chunks > 1000);
	CU_ASSERT_EQUAL(res.n_chunks, st.chunks);
	for (size_t i = 0; i < res.n_chunks; i++) {
		CU_ASSERT_EQUAL(res.chunks[i].seq, i);
		if (res.chunks[i].type == ETR_CHUNK_EVENTS)
			events += res.chunks[i].record_count;
	}
	CU_ASSERT_EQUAL(events, 20000);
	rd_free(&res);
	tbuf_free(&file);
}

/*
 * Chunks larger than the reader's 1 MiB read block, through a pipe and a
 * file: incompressible BTF of 3 MiB (stored raw) and 5 MiB of text.
 */
static void test_big_chunks(void)
{
	size_t n1 = 3u << 20, n2 = 5u << 20;
	uint8_t *blob = malloc(n1);
	char *text = malloc(n2);
	struct etr_writer_opts o;
	struct etr_writer *w;
	struct rd_result res, via_pipe;
	struct tbuf file;
	uint64_t x = 88172645463325252ull;
	int fd = tmp_fd(), p[2], status;
	pid_t pid;

	CU_ASSERT_FATAL(blob && text);
	for (size_t i = 0; i < n1; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		blob[i] = (uint8_t)x;
	}
	for (size_t i = 0; i < n2; i++)
		text[i] = "tracepoint format text\n"[i % 23];
	test_wopts(&o, 47);
	o.chunk_bytes = 16u << 20;
	w = etr_writer__open_fd(fd, &o);
	CU_ASSERT_FATAL(w != NULL);
	CU_ASSERT_EQUAL(etr_writer__write_btf(w, ETR_BTF_FULL, blob, n1), 0);
	CU_ASSERT_EQUAL(etr_writer__write_tpformat(w, "big:text", text, n2), 0);
	CU_ASSERT_EQUAL(etr_writer__close(w, 0), 0);
	etr_writer__free(w);
	CU_ASSERT_FATAL(slurp_fd(fd, &file) == 0);

	rd_mem(file.data, file.len, &res);
	CU_ASSERT_EQUAL(res.n_probs, 0);
	CU_ASSERT_EQUAL_FATAL(res.n_chunks, 3);
	CU_ASSERT(res.chunks[0].flags & ETR_CHUNK_F_RAW);
	CU_ASSERT(res.chunks[0].raw_size > n1);
	CU_ASSERT(!(res.chunks[1].flags & ETR_CHUNK_F_RAW));
	{
		struct etr_chunk c;
		struct etr_record rec;
		struct etr_str data;
		uint32_t kind;

		chunk_over(&c, ETR_CHUNK_BTF, res.chunks[0].data, res.chunks[0].size);
		CU_ASSERT_EQUAL_FATAL(etr_chunk__next_record(&c, &rec), 1);
		CU_ASSERT_EQUAL(etr_record__btf(&rec, &kind, &data), 0);
		CU_ASSERT_EQUAL(kind, ETR_BTF_FULL);
		CU_ASSERT(data.len == n1 && !memcmp(data.ptr, blob, n1));
	}

	/* from the file descriptor */
	{
		struct rd_result via_fd;

		CU_ASSERT(lseek(fd, 0, SEEK_SET) == 0);
		rd_fd(fd, &via_fd);
		CU_ASSERT(same_except_end(&via_fd, &res));
		rd_free(&via_fd);
	}
	/* from a pipe, in small writes */
	CU_ASSERT_FATAL(pipe(p) == 0);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		if (write(p[1], file.data, file.len) != (ssize_t)file.len)
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	rd_fd(p[0], &via_pipe);
	close(p[0]);
	waitpid(pid, &status, 0);
	CU_ASSERT(same_except_end(&via_pipe, &res));
	rd_free(&via_pipe);

	/* cut in the middle of the big raw chunk, via the fd */
	CU_ASSERT(ftruncate(fd, (off_t)(res.chunks[0].offset + 2000000)) == 0);
	CU_ASSERT(lseek(fd, 0, SEEK_SET) == 0);
	rd_fd(fd, &via_pipe);
	CU_ASSERT_EQUAL(via_pipe.n_chunks, 0);
	CU_ASSERT_EQUAL(via_pipe.n_probs, 1);
	CU_ASSERT_EQUAL(rd_count(&via_pipe, ETR_PROB_TRUNCATED), 1);
	rd_free(&via_pipe);

	close(fd);
	rd_free(&res);
	tbuf_free(&file);
	free(blob);
	free(text);
}

void register_io(void)
{
	CU_pSuite s = CU_add_suite("format: input and output", NULL, NULL);

	CU_add_test(s, "writer in a pipe, sync", test_pipe_writer_sync);
	CU_add_test(s, "writer in a pipe, async", test_pipe_writer_async);
	CU_add_test(s, "short reads from a pipe, damaged input", test_pipe_short_reads);
	CU_add_test(s, "standard input, paths, open errors", test_stdin_and_path);
	CU_add_test(s, "max_bytes", test_max_bytes);
	CU_add_test(s, "max_bytes, async", test_max_bytes_async);
	CU_add_test(s, "write errors", test_write_error);
	CU_add_test(s, "async back-pressure", test_async_backpressure);
	CU_add_test(s, "chunks bigger than a read block", test_big_chunks);
}
