/* SPDX-License-Identifier: MIT */
/*
 * max_bytes reached: every event that fits is in the file, the rest is
 * counted in LOST records before END, and END counts what the file holds
 * with status 1 (SPEC.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "etr-test.h"

struct tally {
	uint64_t events;	  /* event records read, LOST ones included */
	uint64_t by_type[6];	  /* records of each type, LOST ones aside */
	uint64_t lost_by_type[6]; /* LOST records' counts, by lost_type */
	bool have_end;
	struct etr_end end;
};

static void tally_file(const struct tbuf *file, struct tally *t)
{
	struct rd_result res;

	memset(t, 0, sizeof(*t));
	rd_mem(file->data, file->len, &res);
	CU_ASSERT_FATAL(res.opened);
	CU_ASSERT_EQUAL(res.n_probs, 0);
	CU_ASSERT(res.ended);
	for (size_t k = 0; k < res.n_chunks; k++) {
		const struct rd_chunk *ch = &res.chunks[k];
		struct etr_chunk c;
		struct etr_event ev;

		if (ch->type == ETR_CHUNK_END) {
			t->have_end = end_record(ch, &t->end);
			continue;
		}
		if (ch->type != ETR_CHUNK_EVENTS)
			continue;
		chunk_over(&c, ch->type, ch->data, ch->size);
		while (etr_chunk__next_event(&c, &ev) > 0) {
			t->events++;
			if (ev.type == ETR_EV_LOST)
				t->lost_by_type[ev.lost_type < 6 ? ev.lost_type : 0] +=
				    ev.lost_count;
			else
				t->by_type[ev.type < 6 ? ev.type : 0]++;
		}
	}
	rd_free(&res);
}

/*
 * @n events of three types into one writer limited to @limit bytes, all
 * of them in one chunk unless @chunk_bytes is small; writing goes on after
 * -EFBIG, as the recorder's drain does.
 */
static void limit_case(bool async, uint32_t chunk_bytes, uint64_t limit, unsigned n)
{
	static const uint16_t types[] = {ETR_EV_EXEC, ETR_EV_FORK, ETR_EV_EXIT};
	uint64_t sent[6] = {0};
	struct etr_writer_opts o;
	struct etr_writer_stats st;
	struct etr_writer *w;
	struct tally t;
	struct tbuf file;
	int fd = tmp_fd(), efbig = 0;
	char arg[64];

	test_wopts(&o, 61);
	o.async = async;
	o.chunk_bytes = chunk_bytes;
	o.max_bytes = limit;
	o.level = 3;
	o.flush_interval_ns = UINT64_MAX / 2;
	w = etr_writer__open_fd(fd, &o);
	CU_ASSERT_FATAL(w != NULL);
	CU_ASSERT_EQUAL(etr_writer__write_meta(w, "mode", "command", 7), 0);
	for (unsigned i = 0; i < n; i++) {
		struct etr_event ev = {0};
		int len = snprintf(arg, sizeof(arg), "/bin/echo%c%u-%x", 0, i, i * 2654435761u);

		ev.type = types[i % 3];
		ev.ts_ns = 1000000000ull + i * 7919ull;
		ev.pid = 1000 + i / 3;
		ev.tid = ev.pid;
		ev.ppid = 999;
		ev.start_ns = 1000000000ull + (i / 3) * 3 * 7919ull;
		ev.comm = (struct etr_str){"echo", 4};
		if (ev.type == ETR_EV_EXEC) {
			ev.filename = (struct etr_str){"/bin/echo", 9};
			ev.cwd = (struct etr_str){"/tmp", 4};
			ev.argv = (struct etr_str){arg, (uint32_t)len + 1};
			ev.argc = 2;
			ev.argv_orig_len = (uint32_t)len + 1;
		}
		sent[ev.type]++;
		if (etr_writer__write_event(w, &ev) == -EFBIG)
			efbig++;
		/* a loss the kernel side reported, itself past the limit */
		if (i == n - 1) {
			struct etr_event lost = {.type = ETR_EV_LOST, .comm = {"", 0}};

			lost.lost_type = ETR_EV_EXEC;
			lost.lost_count = 7;
			lost.ts_ns = ev.ts_ns;
			etr_writer__write_event(w, &lost);
		}
	}
	(void)efbig;
	/* reaching the limit is the caller's to learn, also from close */
	CU_ASSERT_EQUAL(etr_writer__close(w, 0), -EFBIG);
	etr_writer__stats(w, &st);
	etr_writer__free(w);
	CU_ASSERT_FATAL(slurp_fd(fd, &file) == 0);
	close(fd);

	CU_ASSERT(file.len <= limit);
	CU_ASSERT_EQUAL(st.bytes_written, file.len);
	tally_file(&file, &t);
	/* END: the size limit, counting exactly the event records read */
	CU_ASSERT_FATAL(t.have_end);
	CU_ASSERT_EQUAL(t.end.status, ETR_END_SIZE_LIMIT);
	CU_ASSERT_EQUAL(t.end.events, t.events);
	CU_ASSERT_EQUAL(st.events_written, t.events);
	/* every event that fit is there: the file is filled up to the room
	 * kept for its end, not left short by a whole chunk */
	CU_ASSERT(t.by_type[ETR_EV_EXEC] > 0);
	CU_ASSERT(file.len + 1024 >= limit);
	/* and every event is either in the file or counted lost, by type */
	for (int k = 1; k <= 4; k++)
		CU_ASSERT_EQUAL(t.by_type[k] + t.lost_by_type[k] - (k == ETR_EV_EXEC ? 7 : 0),
				sent[k]);
	CU_ASSERT_EQUAL(st.events_dropped, n - (t.by_type[1] + t.by_type[3] + t.by_type[4]));
	CU_ASSERT(st.events_dropped > 0);
	tbuf_free(&file);
}

/* The case: all events in one open chunk, which alone is over the
 * limit when the writer is closed. */
static void test_limit_one_chunk(void)
{
	limit_case(false, 0, 16384, 30000);
}

static void test_limit_one_chunk_async(void)
{
	limit_case(true, 0, 16384, 30000);
}

/* The limit reached mid-run, over many small chunks. */
static void test_limit_many_chunks(void)
{
	limit_case(false, 2048, 20480, 6000);
}

static void test_limit_many_chunks_async(void)
{
	limit_case(true, 2048, 20480, 6000);
}

/* A limit below what the first chunk needs: nothing but the header, then
 * -EFBIG, and the size that was wanted reported. */
static void test_limit_too_small(void)
{
	struct etr_writer_opts o;
	struct etr_writer_stats st;
	struct etr_writer *w;
	static char big[8192];
	int fd = tmp_fd();

	memset(big, 'x', sizeof(big));
	test_wopts(&o, 62);
	o.level = -1;
	o.max_bytes = 4096;
	w = etr_writer__open_fd(fd, &o);
	CU_ASSERT_FATAL(w != NULL);
	etr_writer__write_meta(w, "big", big, sizeof(big));
	CU_ASSERT_EQUAL(etr_writer__flush(w), -EFBIG);
	etr_writer__stats(w, &st);
	CU_ASSERT(st.size_needed > sizeof(big));
	CU_ASSERT(st.size_needed > o.max_bytes);
	etr_writer__free(w);
	close(fd);
}

void register_limit(void)
{
	CU_pSuite s = CU_add_suite("format: max_bytes reached", NULL, NULL);

	CU_add_test(s, "one chunk over the limit", test_limit_one_chunk);
	CU_add_test(s, "one chunk over the limit, async", test_limit_one_chunk_async);
	CU_add_test(s, "limit reached mid-run", test_limit_many_chunks);
	CU_add_test(s, "limit reached mid-run, async", test_limit_many_chunks_async);
	CU_add_test(s, "a limit below the first chunk", test_limit_too_small);
}
