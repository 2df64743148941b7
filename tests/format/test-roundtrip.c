/* SPDX-License-Identifier: MIT */
/*
 * Round trips: everything the writer can write comes back from the reader
 * field for field, with the sync and the async writer, compressed and raw;
 * chunks are sealed by size and by the flush interval.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "etr-test.h"

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* All events of the EVENTS chunks of @res, in order; returns the count. */
static size_t read_events(const struct rd_result *res, struct etr_event *evs, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < res->n_chunks; i++) {
		struct etr_chunk c;
		struct etr_event ev;
		int err;

		if (res->chunks[i].type != ETR_CHUNK_EVENTS)
			continue;
		chunk_over(&c, ETR_CHUNK_EVENTS, res->chunks[i].data, res->chunks[i].size);
		while ((err = etr_chunk__next_event(&c, &ev)) > 0) {
			if (n < max)
				evs[n] = ev;
			n++;
		}
		CU_ASSERT_EQUAL(err, 0);
		CU_ASSERT_EQUAL(c.records_read, res->chunks[i].record_count);
	}
	return n;
}

/* ------------------------------------------------------------------ */

static void test_crc32c(void)
{
	static const uint8_t zeros[32], ones[32] = {[0 ... 31] = 0xff};
	uint8_t buf[1000];

	/* RFC 3720 B.4 and the usual check value */
	CU_ASSERT_EQUAL(etr_crc32c(0, "123456789", 9), 0xe3069283u);
	CU_ASSERT_EQUAL(etr_crc32c(0, zeros, 32), 0x8a9136aau);
	CU_ASSERT_EQUAL(etr_crc32c(0, ones, 32), 0x62a8ab43u);
	CU_ASSERT_EQUAL(etr_crc32c(0, "", 0), 0);

	/* a bitwise reference, every length and alignment, chained calls */
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + (i >> 5));
	for (size_t off = 0; off < 9; off++) {
		for (size_t len = 0; len + off <= 80; len++) {
			uint32_t ref = 0xffffffffu;

			for (size_t k = 0; k < len; k++) {
				ref ^= buf[off + k];
				for (int b = 0; b < 8; b++)
					ref = ref & 1 ? (ref >> 1) ^ 0x82f63b78u : ref >> 1;
			}
			ref = ~ref;
			CU_ASSERT_EQUAL(etr_crc32c(0, buf + off, len), ref);
			CU_ASSERT_EQUAL(etr_crc32c(etr_crc32c(0, buf + off, len / 3),
						   buf + off + len / 3, len - len / 3),
					ref);
		}
	}
}

static void test_names(void)
{
	for (int k = ETR_PROB_TRUNCATED; k <= ETR_PROB_IO; k++) {
		CU_ASSERT_PTR_NOT_NULL(etr_problem__str(k));
		CU_ASSERT_STRING_NOT_EQUAL(etr_problem__str(k), "unknown problem");
	}
	CU_ASSERT_STRING_EQUAL(etr_problem__str(0), "unknown problem");
	for (int t = ETR_CHUNK_META; t <= ETR_CHUNK_END; t++)
		CU_ASSERT_STRING_NOT_EQUAL(etr_chunk_type__str(t), "unknown");
	CU_ASSERT_STRING_EQUAL(etr_chunk_type__str(0), "unknown");
	CU_ASSERT_STRING_EQUAL(etr_chunk_type__str(999), "unknown");
	for (int t = 1; t <= ETR_EV__MAX_KNOWN; t++)
		CU_ASSERT_STRING_NOT_EQUAL(etr_event_type__str(t), "unknown");
	CU_ASSERT_STRING_EQUAL(etr_event_type__str(ETR_EV_EXEC), "exec");
	CU_ASSERT_STRING_EQUAL(etr_event_type__str(63), "unknown");
}

/* Walks of argument blocks, including the awkward ones. */
static void test_args_walk(void)
{
	static const struct {
		struct etr_str block;
		unsigned n;
		struct etr_str args[5];
	} cases[] = {
	    {S(""), 0, {{0}}},
	    {S("\0"), 1, {S("")}},
	    {S("\0\0"), 2, {S(""), S("")}},
	    {S("a\0"), 1, {S("a")}},
	    {S("a b\0c\nd\0"), 2, {S("a b"), S("c\nd")}},
	    {S("prog\0\0middle\0\0"), 4, {S("prog"), S(""), S("middle"), S("")}},
	    {S("\xff\xfe\0\x80\0"), 2, {S("\xff\xfe"), S("\x80")}},
	    /* a cut last argument runs to the end of the block */
	    {S("make\0-j8\0CU"), 3, {S("make"), S("-j8"), S("CU")}},
	    {S("x"), 1, {S("x")}},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct etr_str a;
		uint32_t pos = 0;
		unsigned n = 0;

		while (etr_args__next(&cases[i].block, &pos, &a)) {
			CU_ASSERT_FATAL(n < cases[i].n);
			CU_ASSERT(str_eq(a, cases[i].args[n]));
			n++;
		}
		CU_ASSERT_EQUAL(n, cases[i].n);
		CU_ASSERT_EQUAL(pos, cases[i].block.len);
	}
}

/*
 * Write the sample events (and some extreme ones), read them back, compare
 * field by field, and compare the payload with an independent encoding.
 */
static const struct etr_event extreme_events[] = {
    {.type = ETR_EV_EXEC,
     .flags = UINT32_MAX & ~ETR_EVF_ENV,
     .ts_ns = UINT64_MAX,
     .pid = UINT32_MAX,
     .tid = 0,
     .ppid = UINT32_MAX,
     .uid = UINT32_MAX,
     .gid = UINT32_MAX,
     .start_ns = 0,
     .cgroup_id = UINT64_MAX,
     .comm = S("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"),
     .ret = INT32_MIN,
     .filename = S("/"),
     .cwd = S(""),
     .argc = UINT32_MAX,
     .argv_orig_len = UINT32_MAX,
     .argv = S("\0"),
     .old_tid = UINT32_MAX},
    {.type = ETR_EV_EXEC_FAIL,
     .flags = ETR_EVF_ENV,
     .ts_ns = 0,
     .pid = 0,
     .tid = UINT32_MAX,
     .ppid = 0,
     .start_ns = UINT64_MAX,
     .ret = INT32_MAX,
     .envc = UINT32_MAX,
     .env_orig_len = 0,
     .env = S("A=\0"),
     .old_tid = 0},
    {.type = ETR_EV_FORK, .ts_ns = 1, .pid = 1, .tid = 1, .ppid = UINT32_MAX, .parent_tid = 0},
    {.type = ETR_EV_FORK,
     .ts_ns = 0,
     .pid = UINT32_MAX,
     .tid = 0,
     .ppid = 0,
     .parent_tid = UINT32_MAX},
    {.type = ETR_EV_EXIT, .ts_ns = UINT64_MAX / 2, .exit_code = INT32_MIN, .signal = INT32_MAX},
    {.type = ETR_EV_EXIT, .ts_ns = UINT64_MAX / 2 + 1, .exit_code = INT32_MAX, .signal = -1},
    {.type = ETR_EV_LOST, .ts_ns = 3, .lost_type = UINT16_MAX, .lost_count = UINT64_MAX},
    {.type = ETR_EV_LOST, .ts_ns = 2, .lost_type = 0, .lost_count = 0},
};
#define N_EXTREME (sizeof(extreme_events) / sizeof(extreme_events[0]))
#define N_RT (SAMPLE_EVENTS + N_EXTREME)

static void rt_event(unsigned i, struct etr_event *ev)
{
	if (i < SAMPLE_EVENTS)
		sample_event(i, ev);
	else
		*ev = extreme_events[i - SAMPLE_EVENTS];
	if (!ev->comm.ptr)
		ev->comm = ev->filename = ev->cwd = ev->argv = ev->env = (struct etr_str){"", 0};
	if (!ev->filename.ptr)
		ev->filename = (struct etr_str){"", 0};
	if (!ev->cwd.ptr)
		ev->cwd = (struct etr_str){"", 0};
	if (!ev->argv.ptr)
		ev->argv = (struct etr_str){"", 0};
	if (!ev->env.ptr)
		ev->env = (struct etr_str){"", 0};
}

static void roundtrip_events(int level, bool async, uint32_t chunk_bytes)
{
	struct etr_writer_opts o;
	struct etr_event got[N_RT + 1];
	struct rd_result res;
	struct tbuf file, enc = {0};
	struct etr_writer *w;
	unsigned nfail = 0;
	size_t n;
	int fd = tmp_fd();

	CU_ASSERT_FATAL(fd >= 0);
	test_wopts(&o, 1);
	o.level = level;
	o.async = async;
	o.chunk_bytes = chunk_bytes;
	o.flush_interval_ns = UINT64_MAX / 2;
	w = etr_writer__open_fd(fd, &o);
	CU_ASSERT_FATAL(w != NULL);
	for (unsigned i = 0; i < N_RT; i++) {
		struct etr_event ev;

		rt_event(i, &ev);
		CU_ASSERT_EQUAL(etr_writer__write_event(w, &ev), 0);
	}
	CU_ASSERT_EQUAL(etr_writer__close(w, 0), 0);
	etr_writer__free(w);
	CU_ASSERT_FATAL(slurp_fd(fd, &file) == 0);
	close(fd);

	rd_mem(file.data, file.len, &res);
	CU_ASSERT_FATAL(res.opened);
	CU_ASSERT_EQUAL(res.n_probs, 0);
	CU_ASSERT(res.ended);
	n = read_events(&res, got, N_RT + 1);
	CU_ASSERT_EQUAL(n, N_RT);
	for (unsigned i = 0; i < N_RT && i < n; i++) {
		struct etr_event in, want;

		rt_event(i, &in);
		event_expect(&in, &want);
		if (!event_equal(&got[i], &want)) {
			LOOP_FAIL(nfail, "event %u differs (level %d async %d)", i, level, async);
			event_print("want", &want);
			event_print("got ", &got[i]);
		}
	}
	CU_ASSERT_EQUAL(nfail, 0);

	/*
	 * The payload is exactly the records as SPEC.md lays them out: type,
	 * length, body; deltas restart with every chunk.
	 */
	n = 0;
	for (size_t c = 0; c < res.n_chunks; c++) {
		struct enc_state st = {0};

		if (res.chunks[c].type != ETR_CHUNK_EVENTS)
			continue;
		enc.len = 0;
		for (uint32_t k = 0; k < res.chunks[c].record_count; k++, n++) {
			struct etr_event ev;
			struct tbuf body = {0};

			rt_event((unsigned)n, &ev);
			enc_event_body(&body, &ev, &st);
			enc_record(&enc, (uint8_t)ev.type, &body);
			tbuf_free(&body);
		}
		CU_ASSERT_EQUAL(enc.len, res.chunks[c].size);
		if (enc.len == res.chunks[c].size)
			CU_ASSERT(!memcmp(enc.data, res.chunks[c].data, enc.len));
		if (chunk_bytes && res.chunks[c].record_count > 1)
			CU_ASSERT(res.chunks[c].raw_size <= chunk_bytes);
		if (level < 0)
			CU_ASSERT(res.chunks[c].flags & ETR_CHUNK_F_RAW);
	}
	CU_ASSERT_EQUAL(n, N_RT);
	tbuf_free(&enc);
	rd_free(&res);
	tbuf_free(&file);
}

static void test_events_sync(void)
{
	roundtrip_events(0, false, 0);
}

static void test_events_async(void)
{
	roundtrip_events(0, true, 0);
}

static void test_events_raw(void)
{
	roundtrip_events(-1, false, 0);
}

static void test_events_small_chunks(void)
{
	roundtrip_events(1, false, 300);
	roundtrip_events(19, true, 300);
	roundtrip_events(-1, true, 128);
}

/* Every non-event chunk type of the sample, value for value. */
static void test_other_chunks(void)
{
	struct tbuf file;
	struct rd_result res;
	unsigned kv = 0, clocks = 0, tps = 0, btfs = 0, procs = 0, ctrs = 0, ends = 0;
	bool seen[ETR_CHUNK_END + 1] = {0};
	uint64_t events_in_chunks = 0;
	bool raw_seen = false, zstd_seen = false;

	build_sample(&file, 3, false, 7);
	rd_mem(file.data, file.len, &res);
	CU_ASSERT_FATAL(res.opened);
	CU_ASSERT_EQUAL(res.n_probs, 0);
	CU_ASSERT(res.ended);
	CU_ASSERT_EQUAL(res.info.major, ETR_VERSION_MAJOR);
	CU_ASSERT_EQUAL(res.info.minor, ETR_VERSION_MINOR);
	CU_ASSERT_EQUAL(res.info.created_ns, 1700000000123456789ull);
	CU_ASSERT_EQUAL(res.info.header_size, ETR_FILE_HEADER_SIZE);
	CU_ASSERT_EQUAL(res.info.trace_id[0], 7);
	CU_ASSERT_EQUAL(res.info.trace_id[15], (uint8_t)(7 + 15 * 17));

	for (size_t i = 0; i < res.n_chunks; i++) {
		struct rd_chunk *rc = &res.chunks[i];
		struct etr_chunk c;
		struct etr_record rec;

		CU_ASSERT_EQUAL(rc->seq, i);
		CU_ASSERT_EQUAL(rc->bad_records, 0);
		CU_ASSERT_EQUAL(rc->records, rc->record_count);
		if (rc->type <= ETR_CHUNK_END)
			seen[rc->type] = true;
		if (rc->flags & ETR_CHUNK_F_RAW)
			raw_seen = true;
		else
			zstd_seen = true;
		if (rc->type == ETR_CHUNK_EVENTS)
			events_in_chunks += rc->record_count;
		chunk_over(&c, rc->type, rc->data, rc->size);
		while (etr_chunk__next_record(&c, &rec) > 0) {
			struct etr_str a, b;
			struct etr_clock clk;
			struct etr_proc p;
			struct etr_counter ctr;
			struct etr_end end;
			uint32_t kind;

			switch (rc->type) {
			case ETR_CHUNK_META:
				if (rec.type == ETR_REC_META_CLOCK) {
					CU_ASSERT_EQUAL(etr_record__clock(&rec, &clk), 0);
					CU_ASSERT_EQUAL(clk.boottime_ns, 5000000000ull);
					CU_ASSERT_EQUAL(clk.realtime_ns, 1700000000000000000ull);
					CU_ASSERT_EQUAL(clk.monotonic_ns, 4900000000ull);
					clocks++;
					break;
				}
				CU_ASSERT_EQUAL(rec.type, ETR_REC_META_KV);
				CU_ASSERT_EQUAL(etr_record__meta(&rec, &a, &b), 0);
				if (kv == 0)
					CU_ASSERT(str_eq(a, S("hostname")) && str_eq(b, S("box")));
				if (kv == 1)
					CU_ASSERT(
					    str_eq(b, S("Linux box 6.1.0-13-amd64 #1 SMP x86_64")));
				if (kv == 2)
					CU_ASSERT(str_eq(a, S("empty")) && b.len == 0);
				if (kv == 3)
					CU_ASSERT(str_eq(a, S("binary")) &&
						  str_eq(b, S("\0\xff\n")));
				kv++;
				break;
			case ETR_CHUNK_TPFORMAT:
				CU_ASSERT_EQUAL(etr_record__tpformat(&rec, &a, &b), 0);
				if (tps == 0) {
					CU_ASSERT(str_eq(a, S("sched:sched_process_exec")));
					CU_ASSERT(b.len > 100 && b.ptr[0] == 'n' &&
						  b.ptr[b.len - 1] == '\n');
				} else {
					CU_ASSERT(str_eq(a, S("sched:sched_process_fork")));
					CU_ASSERT(str_eq(b, S("name: x\n")));
				}
				tps++;
				break;
			case ETR_CHUNK_BTF:
				CU_ASSERT_EQUAL(etr_record__btf(&rec, &kind, &a), 0);
				CU_ASSERT_EQUAL(kind, ETR_BTF_SUBSET);
				CU_ASSERT_EQUAL(a.len, 300);
				for (uint32_t k = 0; k < a.len; k++)
					if ((uint8_t)a.ptr[k] != (uint8_t)(k * 131 + (k >> 3))) {
						CU_FAIL("btf bytes differ");
						break;
					}
				btfs++;
				break;
			case ETR_CHUNK_PROCSNAP:
				CU_ASSERT_EQUAL(etr_record__proc(&rec, &p), 0);
				CU_ASSERT_EQUAL(p.flags, procs);
				CU_ASSERT_EQUAL(p.ts_ns, 4999999000ull + procs);
				CU_ASSERT_EQUAL(p.pid, 1 + procs * 100);
				CU_ASSERT_EQUAL(p.ppid, procs);
				CU_ASSERT_EQUAL(p.start_ns, 100 + procs);
				CU_ASSERT_EQUAL(p.cgroup_id, 1);
				CU_ASSERT(str_eq(p.cwd, S("/")));
				if (procs == 0) {
					CU_ASSERT(str_eq(p.comm, S("systemd")));
					CU_ASSERT(str_eq(p.exe, S("/usr/lib/systemd/systemd")));
					CU_ASSERT_EQUAL(p.argc, 3);
					CU_ASSERT(str_eq(p.argv, S("/sbin/init\0splash\0\0")));
				} else {
					CU_ASSERT(str_eq(p.comm, S("bash")));
					CU_ASSERT_EQUAL(p.argc, 2);
				}
				procs++;
				break;
			case ETR_CHUNK_STATS:
				CU_ASSERT_EQUAL(etr_record__counter(&rec, &ctr), 0);
				CU_ASSERT_EQUAL(ctr.ts_ns, 6000000000ull + ctrs);
				CU_ASSERT(str_eq(ctr.name, ctrs ? S("lost.exec") : S("lost.fork")));
				CU_ASSERT_EQUAL(ctr.value, ctrs * 1000ull);
				ctrs++;
				break;
			case ETR_CHUNK_END:
				CU_ASSERT_EQUAL(etr_record__end(&rec, &end), 0);
				CU_ASSERT_EQUAL(end.events, SAMPLE_EVENTS);
				CU_ASSERT_EQUAL(end.chunks, i);
				CU_ASSERT_EQUAL(end.status, 0);
				CU_ASSERT(end.ts_ns > 0);
				ends++;
				CU_ASSERT_EQUAL(i, res.n_chunks - 1);
				break;
			}
		}
	}
	for (int t = ETR_CHUNK_META; t <= ETR_CHUNK_END; t++)
		CU_ASSERT(seen[t]);
	CU_ASSERT(raw_seen);
	CU_ASSERT(zstd_seen);
	CU_ASSERT_EQUAL(kv, 4);
	CU_ASSERT_EQUAL(clocks, 1);
	CU_ASSERT_EQUAL(tps, 2);
	CU_ASSERT_EQUAL(btfs, 1);
	CU_ASSERT_EQUAL(procs, 3);
	CU_ASSERT_EQUAL(ctrs, 3);
	CU_ASSERT_EQUAL(ends, 1);
	CU_ASSERT_EQUAL(events_in_chunks, SAMPLE_EVENTS);
	CU_ASSERT(res.n_chunks >= 10); /* several EVENTS chunks sealed by size */
	CU_ASSERT_EQUAL(res.stats.chunks, res.n_chunks);
	CU_ASSERT_EQUAL(res.stats.bad_chunks, 0);
	CU_ASSERT_EQUAL(res.stats.problems, 0);
	CU_ASSERT_EQUAL(res.stats.bytes_read, file.len);
	rd_free(&res);
	tbuf_free(&file);
}

/* Sync and async writers produce the same bytes (all but the END time). */
static void test_async_same_bytes(void)
{
	struct tbuf a, b;
	struct rd_result ra, rb;

	for (int level = -1; level <= 6; level += 7) {
		build_sample(&a, level, false, 3);
		build_sample(&b, level, true, 3);
		rd_mem(a.data, a.len, &ra);
		rd_mem(b.data, b.len, &rb);
		CU_ASSERT_EQUAL(ra.n_chunks, rb.n_chunks);
		for (size_t i = 0; i + 1 < ra.n_chunks && i + 1 < rb.n_chunks; i++)
			CU_ASSERT(rd_chunk_equal(&ra.chunks[i], &rb.chunks[i]));
		CU_ASSERT_EQUAL(a.len, b.len);
		rd_free(&ra);
		rd_free(&rb);
		tbuf_free(&a);
		tbuf_free(&b);
	}
}

/* Strings the writer stores as they are: all 255 non-NUL bytes and NULs
 * inside meta values, an argument of every single byte value. */
static void test_all_bytes(void)
{
	char argv[255 * 2], all[256];
	struct etr_writer_opts o;
	struct etr_writer *w;
	struct rd_result res;
	struct tbuf file;
	struct etr_event ev = {.type = ETR_EV_EXEC, .ts_ns = 1, .pid = 2, .tid = 2};
	int fd = tmp_fd();

	for (int i = 1; i < 256; i++) {
		argv[(i - 1) * 2] = (char)i;
		argv[(i - 1) * 2 + 1] = 0;
	}
	for (int i = 0; i < 256; i++)
		all[i] = (char)i;
	ev.comm = ev.filename = ev.cwd = ev.env = (struct etr_str){"", 0};
	ev.argv = (struct etr_str){argv, sizeof(argv)};
	ev.argc = 255;
	ev.argv_orig_len = sizeof(argv);
	test_wopts(&o, 9);
	w = etr_writer__open_fd(fd, &o);
	CU_ASSERT_FATAL(w != NULL);
	CU_ASSERT_EQUAL(etr_writer__write_meta(w, "all", all, sizeof(all)), 0);
	CU_ASSERT_EQUAL(etr_writer__write_event(w, &ev), 0);
	CU_ASSERT_EQUAL(etr_writer__close(w, 3), 0);
	etr_writer__free(w);
	CU_ASSERT_FATAL(slurp_fd(fd, &file) == 0);
	close(fd);

	rd_mem(file.data, file.len, &res);
	CU_ASSERT_EQUAL_FATAL(res.n_chunks, 3);
	CU_ASSERT_EQUAL(res.n_probs, 0);
	{
		struct etr_chunk c;
		struct etr_record rec;
		struct etr_str k, v, arg;
		struct etr_event got;
		struct etr_end end;
		uint32_t pos = 0;
		int n = 0;

		chunk_over(&c, ETR_CHUNK_META, res.chunks[0].data, res.chunks[0].size);
		CU_ASSERT_EQUAL_FATAL(etr_chunk__next_record(&c, &rec), 1);
		CU_ASSERT_EQUAL(etr_record__meta(&rec, &k, &v), 0);
		CU_ASSERT(str_eq(v, (struct etr_str){all, sizeof(all)}));
		chunk_over(&c, ETR_CHUNK_EVENTS, res.chunks[1].data, res.chunks[1].size);
		CU_ASSERT_EQUAL_FATAL(etr_chunk__next_event(&c, &got), 1);
		while (etr_args__next(&got.argv, &pos, &arg)) {
			n++;
			CU_ASSERT(arg.len == 1 && (uint8_t)arg.ptr[0] == n);
		}
		CU_ASSERT_EQUAL(n, 255);
		CU_ASSERT_FATAL(end_record(&res.chunks[2], &end));
		CU_ASSERT_EQUAL(end.status, 3);
		CU_ASSERT_EQUAL(end.events, 1);
		CU_ASSERT_EQUAL(end.chunks, 2);
	}
	rd_free(&res);
	tbuf_free(&file);
}

/* close_at: the END record says the time it is given. */
static void test_close_at(void)
{
	struct etr_writer_opts o;
	struct etr_writer *w;
	struct rd_result res;
	struct tbuf file;
	struct etr_event ev;
	struct etr_end end;
	int fd = tmp_fd();

	sample_event(0, &ev);
	test_wopts(&o, 3);
	w = etr_writer__open_fd(fd, &o);
	CU_ASSERT_FATAL(w != NULL);
	CU_ASSERT_EQUAL(etr_writer__write_event(w, &ev), 0);
	CU_ASSERT_EQUAL(etr_writer__close_at(w, 5, 123456789), 0);
	etr_writer__free(w);
	CU_ASSERT_FATAL(slurp_fd(fd, &file) == 0);
	close(fd);
	rd_mem(file.data, file.len, &res);
	CU_ASSERT_EQUAL(res.n_probs, 0);
	CU_ASSERT_EQUAL_FATAL(res.n_chunks, 2);
	CU_ASSERT_FATAL(end_record(&res.chunks[1], &end));
	CU_ASSERT_EQUAL(end.ts_ns, 123456789);
	CU_ASSERT_EQUAL(end.status, 5);
	CU_ASSERT_EQUAL(end.events, 1);
	CU_ASSERT_EQUAL(end.chunks, 1);
	rd_free(&res);
	tbuf_free(&file);
}

/* A prefixed event record written raw moves the chunk's deltas as a
 * reader's decoding does, so the events written after it read back as
 * written. */
static void test_raw_event_keeps_deltas(void)
{
	/* fork: flags 0, ts +1000, pid +7, tid +0, ppid +3, uid, gid, start
	 * -10, cgroup, comm "x", parent_tid +0 (zigzag: +n = 2n, -n = 2n-1) */
	static const uint8_t fork_body[] = {0, 0xd0, 0x0f, 14, 0, 6, 0, 0, 19, 0, 1, 'x', 0};
	struct etr_event in[2], want[2], got[4];
	struct etr_writer_opts o;
	struct etr_writer *w;
	struct rd_result res;
	struct tbuf file;
	int fd = tmp_fd();

	sample_event(0, &in[0]);
	sample_event(1, &in[1]);
	test_wopts(&o, 3);
	w = etr_writer__open_fd(fd, &o);
	CU_ASSERT_FATAL(w != NULL);
	CU_ASSERT_EQUAL(etr_writer__write_event(w, &in[0]), 0);
	CU_ASSERT_EQUAL(
	    etr_writer__write_raw(w, ETR_CHUNK_EVENTS, ETR_EV_FORK, fork_body, sizeof(fork_body)),
	    0);
	CU_ASSERT_EQUAL(etr_writer__write_event(w, &in[1]), 0);
	CU_ASSERT_EQUAL(etr_writer__close(w, 0), 0);
	etr_writer__free(w);
	CU_ASSERT_FATAL(slurp_fd(fd, &file) == 0);
	close(fd);

	rd_mem(file.data, file.len, &res);
	CU_ASSERT_EQUAL(res.n_probs, 0);
	CU_ASSERT_EQUAL_FATAL(read_events(&res, got, 4), 3);
	event_expect(&in[0], &want[0]);
	event_expect(&in[1], &want[1]);
	CU_ASSERT(event_equal(&got[0], &want[0]));
	CU_ASSERT_EQUAL(got[1].type, ETR_EV_FORK);
	CU_ASSERT_EQUAL(got[1].ts_ns, in[0].ts_ns + 1000);
	CU_ASSERT_EQUAL(got[1].pid, in[0].pid + 7);
	CU_ASSERT_EQUAL(got[1].ppid, in[0].ppid + 3);
	CU_ASSERT_EQUAL(got[1].start_ns, got[1].ts_ns - 10);
	CU_ASSERT(str_eq(got[1].comm, S("x")));
	CU_ASSERT(event_equal(&got[2], &want[1]));
	if (!event_equal(&got[2], &want[1]))
		event_print("after the raw record", &got[2]);
	rd_free(&res);
	tbuf_free(&file);
}

/* ------------------------------------------------------------------ */
/* Sealing                                                             */
/* ------------------------------------------------------------------ */

static void test_seal_by_size(void)
{
	struct etr_writer_opts o;
	struct etr_writer_stats st;
	struct etr_writer *w;
	struct rd_result res;
	struct tbuf file;
	uint64_t raw_total = 0, recs = 0;
	int fd = tmp_fd();

	test_wopts(&o, 2);
	o.chunk_bytes = 4096;
	o.flush_interval_ns = UINT64_MAX / 2;
	w = etr_writer__open_fd(fd, &o);
	CU_ASSERT_FATAL(w != NULL);
	for (unsigned i = 0; i < 3000; i++) {
		struct etr_event ev;

		sample_event(i, &ev);
		CU_ASSERT_EQUAL(etr_writer__write_event(w, &ev), 0);
	}
	etr_writer__stats(w, &st);
	/* sealed as they filled, before any flush */
	CU_ASSERT(st.chunks >= 10);
	CU_ASSERT_EQUAL(st.events, 3000);
	CU_ASSERT_EQUAL(st.records, 3000);
	CU_ASSERT_EQUAL(etr_writer__close(w, 0), 0);
	etr_writer__stats(w, &st);
	etr_writer__free(w);
	CU_ASSERT_FATAL(slurp_fd(fd, &file) == 0);
	close(fd);
	CU_ASSERT_EQUAL(st.bytes_written, file.len);

	rd_mem(file.data, file.len, &res);
	CU_ASSERT_EQUAL(res.n_probs, 0);
	CU_ASSERT_EQUAL(res.n_chunks, st.chunks);
	for (size_t i = 0; i < res.n_chunks; i++) {
		CU_ASSERT(res.chunks[i].raw_size <= 4096);
		/* full: the next record would not have fitted */
		if (i + 2 < res.n_chunks)
			CU_ASSERT(res.chunks[i].raw_size > 4096 - 512);
		raw_total += res.chunks[i].raw_size;
		recs += res.chunks[i].record_count;
	}
	CU_ASSERT_EQUAL(raw_total, st.raw_bytes);
	CU_ASSERT_EQUAL(recs, 3001);
	CU_ASSERT_EQUAL(res.stats.raw_bytes, st.raw_bytes);
	rd_free(&res);
	tbuf_free(&file);
}

/* One record bigger than the chunk size gets a chunk of its own. */
static void test_big_record(void)
{
	struct etr_writer_opts o;
	struct etr_writer *w;
	struct rd_result res;
	struct tbuf file;
	size_t big = 200000;
	char *argv = malloc(big);
	struct etr_event ev;
	int fd = tmp_fd();

	CU_ASSERT_FATAL(argv != NULL);
	for (size_t i = 0; i < big; i++)
		argv[i] = (i % 100 == 99) ? 0 : (char)('a' + i % 26);
	test_wopts(&o, 2);
	o.chunk_bytes = 1024;
	w = etr_writer__open_fd(fd, &o);
	CU_ASSERT_FATAL(w != NULL);
	sample_event(0, &ev);
	CU_ASSERT_EQUAL(etr_writer__write_event(w, &ev), 0);
	sample_event(6, &ev);
	ev.argv = (struct etr_str){argv, (uint32_t)big};
	ev.argc = (uint32_t)(big / 100);
	CU_ASSERT_EQUAL(etr_writer__write_event(w, &ev), 0);
	sample_event(12, &ev);
	CU_ASSERT_EQUAL(etr_writer__write_event(w, &ev), 0);
	/* a record beyond the chunk limit is refused, the writer goes on */
	ev.argv = (struct etr_str){argv, ETR_MAX_CHUNK_RAW};
	CU_ASSERT_EQUAL(etr_writer__write_event(w, &ev), -E2BIG);
	CU_ASSERT_EQUAL(etr_writer__error(w), 0);
	CU_ASSERT_EQUAL(etr_writer__close(w, 0), 0);
	etr_writer__free(w);
	CU_ASSERT_FATAL(slurp_fd(fd, &file) == 0);
	close(fd);

	rd_mem(file.data, file.len, &res);
	CU_ASSERT_EQUAL(res.n_probs, 0);
	CU_ASSERT_EQUAL_FATAL(res.n_chunks, 4);
	CU_ASSERT_EQUAL(res.chunks[0].record_count, 1);
	CU_ASSERT_EQUAL(res.chunks[1].record_count, 1);
	CU_ASSERT(res.chunks[1].raw_size > big);
	CU_ASSERT(res.chunks[1].stored_size < big / 10);
	CU_ASSERT_EQUAL(res.chunks[2].record_count, 1);
	CU_ASSERT_EQUAL(res.chunks[3].type, ETR_CHUNK_END);
	rd_free(&res);
	tbuf_free(&file);
	free(argv);
}

/*
 * etr_writer__tick seals the open chunk once its flush interval has
 * passed, and a sealed chunk is readable at once, while the writer runs.
 */
static void tick_case(bool async)
{
	struct etr_writer_opts o;
	struct etr_writer_stats st;
	struct etr_writer *w;
	struct rd_result res;
	struct tbuf file;
	struct etr_event ev;
	uint64_t t0;
	int fd = tmp_fd();

	test_wopts(&o, 4);
	o.async = async;
	o.flush_interval_ns = 10ull * 1000000000ull;
	w = etr_writer__open_fd(fd, &o);
	CU_ASSERT_FATAL(w != NULL);
	CU_ASSERT_EQUAL(etr_writer__tick(w, 0), 0); /* nothing open: nothing to do */
	t0 = mono_ns();
	sample_event(0, &ev);
	CU_ASSERT_EQUAL(etr_writer__write_event(w, &ev), 0);
	sample_event(1, &ev);
	CU_ASSERT_EQUAL(etr_writer__write_event(w, &ev), 0);
	CU_ASSERT_EQUAL(etr_writer__tick(w, 0), 0);
	CU_ASSERT_EQUAL(etr_writer__tick(w, t0 + 5000000000ull), 0);
	etr_writer__stats(w, &st);
	CU_ASSERT_EQUAL(st.chunks, 0);

	CU_ASSERT_EQUAL(etr_writer__tick(w, mono_ns() + 10000000001ull), 0);
	if (async) {
		/* sealed and queued; wait for the writer thread */
		for (int i = 0; i < 2000; i++) {
			etr_writer__stats(w, &st);
			if (st.chunks)
				break;
			usleep(1000);
		}
	}
	etr_writer__stats(w, &st);
	CU_ASSERT_EQUAL(st.chunks, 1);

	/* the sealed chunk is in the file now; the recording has not ended */
	CU_ASSERT_FATAL(slurp_fd(fd, &file) == 0);
	rd_mem(file.data, file.len, &res);
	CU_ASSERT_EQUAL(res.n_probs, 0);
	CU_ASSERT_EQUAL(res.n_chunks, 1);
	if (res.n_chunks == 1)
		CU_ASSERT_EQUAL(res.chunks[0].record_count, 2);
	CU_ASSERT(!res.ended);
	rd_free(&res);
	tbuf_free(&file);

	/* a third event opens a new chunk; free without close drops it */
	sample_event(2, &ev);
	CU_ASSERT_EQUAL(etr_writer__write_event(w, &ev), 0);
	etr_writer__free(w);
	CU_ASSERT_FATAL(slurp_fd(fd, &file) == 0);
	close(fd);
	rd_mem(file.data, file.len, &res);
	CU_ASSERT_EQUAL(res.n_probs, 0);
	CU_ASSERT_EQUAL(res.n_chunks, 1);
	CU_ASSERT(!res.ended);
	rd_free(&res);
	tbuf_free(&file);
}

static void test_seal_by_tick(void)
{
	tick_case(false);
}

static void test_seal_by_tick_async(void)
{
	tick_case(true);
}

/* With a tiny interval, the writer also seals on its own while records
 * keep coming (it looks at the clock every 256 records). */
static void test_seal_by_interval_inline(void)
{
	struct etr_writer_opts o;
	struct etr_writer_stats st;
	struct etr_writer *w;
	int fd = tmp_fd();

	test_wopts(&o, 4);
	o.flush_interval_ns = 1;
	w = etr_writer__open_fd(fd, &o);
	CU_ASSERT_FATAL(w != NULL);
	for (unsigned i = 0; i < 1000; i++) {
		struct etr_event ev;

		sample_event(i, &ev);
		CU_ASSERT_EQUAL(etr_writer__write_event(w, &ev), 0);
	}
	etr_writer__stats(w, &st);
	CU_ASSERT(st.chunks >= 3);
	CU_ASSERT_EQUAL(etr_writer__close(w, 0), 0);
	etr_writer__free(w);
	close(fd);
}

/* Flush seals what is open; an empty flush writes nothing. */
static void test_flush(void)
{
	struct etr_writer_opts o;
	struct etr_writer_stats st;
	struct etr_writer *w;
	struct etr_event ev;
	int fd = tmp_fd();

	for (int async = 0; async < 2; async++) {
		test_wopts(&o, 4);
		o.async = async;
		w = etr_writer__open_fd(fd, &o);
		CU_ASSERT_FATAL(w != NULL);
		CU_ASSERT_EQUAL(etr_writer__flush(w), 0);
		etr_writer__stats(w, &st);
		CU_ASSERT_EQUAL(st.chunks, 0);
		CU_ASSERT_EQUAL(st.bytes_written, ETR_FILE_HEADER_SIZE);
		sample_event(1, &ev);
		CU_ASSERT_EQUAL(etr_writer__write_event(w, &ev), 0);
		CU_ASSERT_EQUAL(etr_writer__flush(w), 0);
		etr_writer__stats(w, &st);
		CU_ASSERT_EQUAL(st.chunks, 1); /* written, also when async */
		CU_ASSERT_EQUAL(etr_writer__flush(w), 0);
		etr_writer__stats(w, &st);
		CU_ASSERT_EQUAL(st.chunks, 1);
		CU_ASSERT_EQUAL(etr_writer__close(w, 0), 0);
		CU_ASSERT_EQUAL(etr_writer__close(w, 0), 0); /* twice is harmless */
		etr_writer__stats(w, &st);
		CU_ASSERT_EQUAL(st.chunks, 2);
		etr_writer__free(w);
	}
	close(fd);
}

/* A different chunk type seals the open chunk. */
static void test_type_switch_seals(void)
{
	struct etr_writer_opts o;
	struct etr_writer *w;
	struct rd_result res;
	struct tbuf file;
	struct etr_event ev;
	struct etr_counter ctr = {.ts_ns = 1, .name = S("x"), .value = 2};
	static const uint16_t want[] = {ETR_CHUNK_META,	  ETR_CHUNK_EVENTS, ETR_CHUNK_STATS,
					ETR_CHUNK_EVENTS, ETR_CHUNK_META,   ETR_CHUNK_END};
	int fd = tmp_fd();

	test_wopts(&o, 4);
	w = etr_writer__open_fd(fd, &o);
	CU_ASSERT_FATAL(w != NULL);
	CU_ASSERT_EQUAL(etr_writer__write_meta(w, "a", "b", 1), 0);
	sample_event(0, &ev);
	CU_ASSERT_EQUAL(etr_writer__write_event(w, &ev), 0);
	CU_ASSERT_EQUAL(etr_writer__write_event(w, &ev), 0);
	CU_ASSERT_EQUAL(etr_writer__write_counter(w, &ctr), 0);
	CU_ASSERT_EQUAL(etr_writer__write_event(w, &ev), 0);
	CU_ASSERT_EQUAL(etr_writer__write_meta(w, "c", "d", 1), 0);
	CU_ASSERT_EQUAL(etr_writer__close(w, 0), 0);
	etr_writer__free(w);
	CU_ASSERT_FATAL(slurp_fd(fd, &file) == 0);
	close(fd);
	rd_mem(file.data, file.len, &res);
	CU_ASSERT_EQUAL_FATAL(res.n_chunks, 6);
	for (int i = 0; i < 6; i++)
		CU_ASSERT_EQUAL(res.chunks[i].type, want[i]);
	CU_ASSERT_EQUAL(res.chunks[1].record_count, 2);
	rd_free(&res);
	tbuf_free(&file);
}

/* Wrong arguments are refused with -EINVAL and leave the writer usable. */
static void test_writer_args(void)
{
	struct etr_writer_opts o;
	struct etr_writer *w;
	struct etr_event ev;
	struct etr_counter ctr = {.name = {"", 0}};
	int fd = tmp_fd();

	test_wopts(&o, 5);
	errno = 0;
	CU_ASSERT_PTR_NULL(etr_writer__open_fd(-1, &o));
	CU_ASSERT_EQUAL(errno, EINVAL);
	o.level = 1000;
	errno = 0;
	CU_ASSERT_PTR_NULL(etr_writer__open_fd(fd, &o));
	CU_ASSERT_EQUAL(errno, EINVAL);
	o.level = 0;
	o.sz = 2;
	errno = 0;
	CU_ASSERT_PTR_NULL(etr_writer__open_fd(fd, &o));
	CU_ASSERT_EQUAL(errno, EINVAL);
	o.sz = sizeof(o);

	/* a full disk: the header does not fit */
	{
		int full = open("/dev/full", O_WRONLY);

		if (full >= 0) {
			errno = 0;
			CU_ASSERT_PTR_NULL(etr_writer__open_fd(full, &o));
			CU_ASSERT_EQUAL(errno, ENOSPC);
			close(full);
		}
	}

	w = etr_writer__open_fd(fd, &o);
	CU_ASSERT_FATAL(w != NULL);
	sample_event(0, &ev);
	ev.type = 0;
	CU_ASSERT_EQUAL(etr_writer__write_event(w, &ev), -EINVAL);
	ev.type = ETR_EV_PREFIXED_MAX + 1;
	CU_ASSERT_EQUAL(etr_writer__write_event(w, &ev), -EINVAL);
	CU_ASSERT_EQUAL(etr_writer__write_event(w, NULL), -EINVAL);
	CU_ASSERT_EQUAL(etr_writer__write_event(NULL, &ev), -EINVAL);
	CU_ASSERT_EQUAL(etr_writer__write_meta(w, "", "x", 1), -EINVAL);
	CU_ASSERT_EQUAL(etr_writer__write_meta(w, NULL, "x", 1), -EINVAL);
	CU_ASSERT_EQUAL(etr_writer__write_meta(w, "k", NULL, 1), -EINVAL);
	CU_ASSERT_EQUAL(etr_writer__write_tpformat(w, "", "x", 1), -EINVAL);
	CU_ASSERT_EQUAL(etr_writer__write_counter(w, &ctr), -EINVAL);
	CU_ASSERT_EQUAL(etr_writer__write_clock(w, NULL), -EINVAL);
	CU_ASSERT_EQUAL(etr_writer__write_proc(w, NULL), -EINVAL);
	CU_ASSERT_EQUAL(etr_writer__write_raw(w, 1, 1, NULL, 3), -EINVAL);
	CU_ASSERT_EQUAL(etr_writer__error(w), 0);
	CU_ASSERT_EQUAL(etr_writer__error(NULL), -EINVAL);
	/* an unknown event type of the prefixed range is written as given */
	ev.type = ETR_EV_PREFIXED_MAX;
	CU_ASSERT_EQUAL(etr_writer__write_event(w, &ev), 0);
	CU_ASSERT_EQUAL(etr_writer__close(w, 0), 0);
	/* after close, writes are refused */
	ev.type = ETR_EV_EXEC;
	CU_ASSERT_EQUAL(etr_writer__write_event(w, &ev), -EINVAL);
	etr_writer__free(w);
	etr_writer__free(NULL);
	CU_ASSERT_EQUAL(etr_writer__tick(NULL, 0), -EINVAL);
	CU_ASSERT_EQUAL(etr_writer__flush(NULL), -EINVAL);
	CU_ASSERT_EQUAL(etr_writer__close(NULL, 0), -EINVAL);
	close(fd);
}

/* A random trace id when none is given; two traces differ. */
static void test_random_trace_id(void)
{
	struct etr_writer *w1, *w2;
	struct rd_result r1, r2;
	struct tbuf f1, f2;
	int fd1 = tmp_fd(), fd2 = tmp_fd();
	static const uint8_t zero[ETR_TRACE_ID_SIZE];

	w1 = etr_writer__open_fd(fd1, NULL);
	w2 = etr_writer__open_fd(fd2, NULL);
	CU_ASSERT_FATAL(w1 && w2);
	CU_ASSERT_EQUAL(etr_writer__close(w1, 0), 0);
	CU_ASSERT_EQUAL(etr_writer__close(w2, 0), 0);
	etr_writer__free(w1);
	etr_writer__free(w2);
	CU_ASSERT_FATAL(slurp_fd(fd1, &f1) == 0 && slurp_fd(fd2, &f2) == 0);
	rd_mem(f1.data, f1.len, &r1);
	rd_mem(f2.data, f2.len, &r2);
	CU_ASSERT(memcmp(r1.info.trace_id, zero, ETR_TRACE_ID_SIZE) != 0);
	CU_ASSERT(memcmp(r1.info.trace_id, r2.info.trace_id, ETR_TRACE_ID_SIZE) != 0);
	CU_ASSERT(r1.info.created_ns > 1600000000ull * 1000000000ull);
	/* an empty recording is one END chunk */
	CU_ASSERT_EQUAL(r1.n_chunks, 1);
	CU_ASSERT(r1.ended);
	rd_free(&r1);
	rd_free(&r2);
	tbuf_free(&f1);
	tbuf_free(&f2);
	close(fd1);
	close(fd2);
}

/* A type mask leaves other chunks undecompressed but still checked. */
static void test_type_mask(void)
{
	struct tbuf file;
	struct etr_reader_opts o = {.sz = sizeof(o), .type_mask = 1u << ETR_CHUNK_EVENTS};
	struct etr_reader *r;
	struct etr_chunk c;
	unsigned events = 0, others = 0;

	build_sample(&file, 3, false, 1);
	r = etr_reader__open_mem(file.data, file.len, &o);
	CU_ASSERT_FATAL(r != NULL);
	while (etr_reader__next_chunk(r, &c) > 0) {
		if (c.type == ETR_CHUNK_EVENTS) {
			struct etr_event ev;

			CU_ASSERT_PTR_NOT_NULL(c.data);
			while (etr_chunk__next_event(&c, &ev) > 0)
				events++;
		} else {
			struct etr_record rec;

			CU_ASSERT_PTR_NULL(c.data);
			CU_ASSERT_EQUAL(etr_chunk__next_record(&c, &rec), 0);
			others++;
		}
	}
	CU_ASSERT_EQUAL(events, SAMPLE_EVENTS);
	CU_ASSERT(others >= 6);
	CU_ASSERT(etr_reader__ended_cleanly(r));
	etr_reader__free(r);
	tbuf_free(&file);
}

void register_roundtrip(void)
{
	CU_pSuite s;

	s = CU_add_suite("format: round trip", NULL, NULL);
	CU_add_test(s, "crc32c", test_crc32c);
	CU_add_test(s, "names", test_names);
	CU_add_test(s, "argument blocks", test_args_walk);
	CU_add_test(s, "events, sync writer", test_events_sync);
	CU_add_test(s, "events, async writer", test_events_async);
	CU_add_test(s, "events, raw chunks", test_events_raw);
	CU_add_test(s, "events, small chunks, levels 1 and 19", test_events_small_chunks);
	CU_add_test(s, "every other chunk type", test_other_chunks);
	CU_add_test(s, "sync and async write the same bytes", test_async_same_bytes);
	CU_add_test(s, "every byte value in strings", test_all_bytes);
	CU_add_test(s, "a raw event record keeps the deltas", test_raw_event_keeps_deltas);
	CU_add_test(s, "close_at: the END record's time", test_close_at);
	CU_add_test(s, "random trace id, empty recording", test_random_trace_id);
	CU_add_test(s, "type mask", test_type_mask);

	s = CU_add_suite("format: writer", NULL, NULL);
	CU_add_test(s, "seal by size", test_seal_by_size);
	CU_add_test(s, "record bigger than a chunk", test_big_record);
	CU_add_test(s, "seal by tick", test_seal_by_tick);
	CU_add_test(s, "seal by tick, async", test_seal_by_tick_async);
	CU_add_test(s, "seal by interval while writing", test_seal_by_interval_inline);
	CU_add_test(s, "flush", test_flush);
	CU_add_test(s, "chunk type switch seals", test_type_switch_seals);
	CU_add_test(s, "bad arguments", test_writer_args);
}
