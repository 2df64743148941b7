/* SPDX-License-Identifier: MIT */
/*
 * The walker (etr_walk): every chunk, then its records decoded by what they
 * are, then its end; the sample trace walked agrees with the reader and the
 * decoders used by hand; a record that does not decode ends its chunk with
 * one ETR_PROB_BAD_RECORD, reported after the item that shows it, and the
 * walk goes on with the next chunk.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "etr-test.h"

struct probs {
	struct etr_problem p[16];
	size_t n;
	/* items handed out before each problem */
	size_t at[16];
	size_t items;
};

static void on_problem(void *ctx, const struct etr_problem *p)
{
	struct probs *pr = ctx;

	if (pr->n < 16) {
		pr->at[pr->n] = pr->items;
		pr->p[pr->n++] = *p;
	}
}

/* The sample trace walked: as many chunks and events as the reader sees,
 * every record of the known chunk types decoded, the chunk ends paired. */
static void test_walk_sample(void)
{
	struct etr_walk_opts o = {.sz = sizeof(o), .problem_cb = on_problem};
	struct probs pr = {0};
	struct etr_walk_item it;
	struct etr_event ev;
	struct rd_result res;
	struct tbuf file = {0};
	struct etr_walk *w;
	size_t chunks = 0, ends = 0, events = 0, by_kind[ETR_WALK_UNKNOWN + 1] = {0};
	bool in_chunk = false;
	int ret;

	build_sample(&file, 3, false, 9);
	rd_mem(file.data, file.len, &res);
	o.problem_ctx = &pr;
	w = etr_walk__open_mem(file.data, file.len, &o);
	CU_ASSERT_FATAL(w != NULL);
	while ((ret = etr_walk__next(w, &it, &ev)) > 0) {
		pr.items++;
		CU_ASSERT(it.kind >= ETR_WALK_CHUNK && it.kind <= ETR_WALK_UNKNOWN);
		by_kind[it.kind]++;
		CU_ASSERT_PTR_NOT_NULL(it.chunk);
		switch (it.kind) {
		case ETR_WALK_CHUNK:
			CU_ASSERT(!in_chunk);
			CU_ASSERT(chunks < res.n_chunks &&
				  it.chunk->offset == res.chunks[chunks].offset &&
				  it.chunk->type == res.chunks[chunks].type);
			in_chunk = true;
			chunks++;
			break;
		case ETR_WALK_CHUNK_END:
			CU_ASSERT(in_chunk);
			CU_ASSERT_EQUAL(it.chunk->records_read, it.chunk->record_count);
			in_chunk = false;
			ends++;
			break;
		case ETR_WALK_EVENT:
			/* decoded where it was asked to be, from bytes of the chunk */
			CU_ASSERT_PTR_EQUAL(it.ev, &ev);
			CU_ASSERT_EQUAL(it.chunk->type, ETR_CHUNK_EVENTS);
			CU_ASSERT(it.rec.body == it.chunk->data + it.rec.offset && it.rec.len > 0 &&
				  it.rec.offset + it.rec.len <= it.chunk->size);
			events++;
			break;
		case ETR_WALK_BAD:
			CU_FAIL("a bad record in the sample");
			break;
		default:
			CU_ASSERT(in_chunk);
			CU_ASSERT(it.rec.body >= it.chunk->data &&
				  it.rec.body + it.rec.len <= it.chunk->data + it.chunk->size);
			break;
		}
	}
	CU_ASSERT_EQUAL(ret, 0);
	CU_ASSERT(!in_chunk);
	CU_ASSERT_EQUAL(chunks, res.n_chunks);
	CU_ASSERT_EQUAL(ends, res.n_chunks);
	CU_ASSERT_EQUAL(events, SAMPLE_EVENTS);
	CU_ASSERT_EQUAL(pr.n, 0);
	/* the sample has every chunk type but CGROUP */
	CU_ASSERT(by_kind[ETR_WALK_META] && by_kind[ETR_WALK_CLOCK] && by_kind[ETR_WALK_TPFORMAT] &&
		  by_kind[ETR_WALK_BTF] && by_kind[ETR_WALK_PROC] && by_kind[ETR_WALK_COUNTER] &&
		  by_kind[ETR_WALK_END] == 1);
	CU_ASSERT(etr_reader__ended_cleanly(etr_walk__reader(w)));
	/* the end stays the end */
	CU_ASSERT_EQUAL(etr_walk__next(w, &it, NULL), 0);
	etr_walk__free(w);
	rd_free(&res);
	tbuf_free(&file);
}

/* A trace with one broken record in each of two chunks, an unknown record
 * type and an unknown chunk type. */
static void broken_trace(struct tbuf *file)
{
	struct etr_writer_opts o;
	struct etr_writer *w;
	struct etr_event ev;
	int fd = tmp_fd();

	CU_ASSERT_FATAL(fd >= 0);
	test_wopts(&o, 3);
	o.level = -1; /* raw chunks: offsets are plain to see */
	w = etr_writer__open_fd(fd, &o);
	CU_ASSERT_FATAL(w != NULL);
	CU_ASSERT_EQUAL(etr_writer__write_meta(w, "a", "1", 1), 0);
	/* META 9: a type this version does not know */
	CU_ASSERT_EQUAL(etr_writer__write_raw(w, ETR_CHUNK_META, 9, "xy", 2), 0);
	/* a key whose length runs past the body */
	CU_ASSERT_EQUAL(etr_writer__write_raw(w, ETR_CHUNK_META, ETR_REC_META_KV,
					      "\x09"
					      "ab",
					      3),
			0);
	CU_ASSERT_EQUAL(etr_writer__write_meta(w, "lost", "never seen", 10), 0);
	CU_ASSERT_EQUAL(etr_writer__flush(w), 0);
	CU_ASSERT_EQUAL(etr_writer__write_raw(w, 99, 1, "z", 1), 0);
	sample_event(0, &ev);
	CU_ASSERT_EQUAL(etr_writer__write_event(w, &ev), 0);
	/* an event cut inside its flags varint */
	CU_ASSERT_EQUAL(etr_writer__write_raw(w, ETR_CHUNK_EVENTS, ETR_EV_EXIT, "\xff", 1), 0);
	CU_ASSERT_EQUAL(etr_writer__close(w, 0), 0);
	etr_writer__free(w);
	CU_ASSERT_FATAL(slurp_fd(fd, file) == 0);
	close(fd);
}

static void test_walk_bad_records(void)
{
	struct etr_walk_opts o = {.sz = sizeof(o), .problem_cb = on_problem};
	struct probs pr = {0};
	struct etr_walk_item it;
	struct tbuf file = {0};
	struct etr_walk *w;
	enum etr_walk_kind seen[64];
	size_t n = 0, bad_meta_item = 0, bad_ev_item = 0;
	int ret;

	broken_trace(&file);
	o.problem_ctx = &pr;
	w = etr_walk__open_mem(file.data, file.len, &o);
	CU_ASSERT_FATAL(w != NULL);
	while ((ret = etr_walk__next(w, &it, NULL)) > 0 && n < 64) {
		pr.items++;
		seen[n++] = it.kind;
		if (it.kind == ETR_WALK_META)
			CU_ASSERT(str_eq(it.meta.key, S("a")) && str_eq(it.meta.value, S("1")));
		if (it.kind == ETR_WALK_UNKNOWN && it.chunk->type == ETR_CHUNK_META)
			CU_ASSERT(it.rec.type == 9 && it.rec.len == 2 &&
				  !memcmp(it.rec.body, "xy", 2));
		if (it.kind == ETR_WALK_BAD && it.chunk->type == ETR_CHUNK_META) {
			/* the record whose body did not decode, for a dump to show */
			CU_ASSERT(it.rec.type == ETR_REC_META_KV && it.rec.len == 3 &&
				  it.rec.body &&
				  !memcmp(it.rec.body,
					  "\x09"
					  "ab",
					  3));
			bad_meta_item = pr.items;
		}
		if (it.kind == ETR_WALK_BAD && it.chunk->type == ETR_CHUNK_EVENTS)
			bad_ev_item = pr.items;
		if (it.kind == ETR_WALK_EVENT)
			CU_ASSERT_EQUAL(it.ev->pid, 1000);
	}
	CU_ASSERT_EQUAL(ret, 0);
	/* META: CHUNK, META a, UNKNOWN 9, BAD, CHUNK_END: "lost" is not handed out */
	CU_ASSERT_FATAL(n >= 5);
	CU_ASSERT(seen[0] == ETR_WALK_CHUNK && seen[1] == ETR_WALK_META &&
		  seen[2] == ETR_WALK_UNKNOWN && seen[3] == ETR_WALK_BAD &&
		  seen[4] == ETR_WALK_CHUNK_END);
	/* one problem per broken chunk, after the item that shows the record */
	CU_ASSERT_EQUAL_FATAL(pr.n, 2);
	CU_ASSERT(pr.p[0].kind == ETR_PROB_BAD_RECORD && pr.p[0].chunk_type == ETR_CHUNK_META &&
		  pr.p[0].offset == ETR_FILE_HEADER_SIZE && pr.at[0] == bad_meta_item);
	CU_ASSERT(pr.p[1].kind == ETR_PROB_BAD_RECORD && pr.p[1].chunk_type == ETR_CHUNK_EVENTS &&
		  pr.at[1] == bad_ev_item);
	CU_ASSERT(bad_ev_item > bad_meta_item);
	/* the walk went on to the END chunk */
	CU_ASSERT(etr_reader__ended_cleanly(etr_walk__reader(w)));
	etr_walk__free(w);
	tbuf_free(&file);
}

/* What a walk of @file hands out, in order (kinds, and after which item
 * each problem came), with or without the events' fast path. */
static size_t walk_kinds(const struct tbuf *file, bool fast, enum etr_walk_kind *seen, size_t max,
			 struct probs *pr)
{
	struct etr_walk_opts o = {.sz = sizeof(o), .problem_cb = on_problem, .problem_ctx = pr};
	struct etr_walk_item it;
	struct etr_event ev;
	struct etr_walk *w;
	size_t n = 0;
	int ret = 0;

	w = etr_walk__open_mem(file->data, file->len, &o);
	CU_ASSERT_FATAL(w != NULL);
	while (n < max) {
		if (fast && etr_walk__next_event(w, &ev)) {
			CU_ASSERT_EQUAL(ev.pid, 1000);
			pr->items++;
			seen[n++] = ETR_WALK_EVENT;
			continue;
		}
		ret = etr_walk__next(w, &it, &ev);
		if (ret <= 0)
			break;
		pr->items++;
		seen[n++] = it.kind;
	}
	CU_ASSERT_EQUAL(ret, 0);
	CU_ASSERT(etr_reader__ended_cleanly(etr_walk__reader(w)));
	etr_walk__free(w);
	return n;
}

/* The events' fast path hands out the same walk, damage included. */
static void test_walk_fast_events(void)
{
	enum etr_walk_kind slow[64], fast[64];
	struct probs ps = {0}, pf = {0};
	struct tbuf file = {0};
	size_t ns, nf, events = 0;

	broken_trace(&file);
	ns = walk_kinds(&file, false, slow, 64, &ps);
	nf = walk_kinds(&file, true, fast, 64, &pf);
	CU_ASSERT_EQUAL_FATAL(ns, nf);
	CU_ASSERT(!memcmp(slow, fast, ns * sizeof(*slow)));
	for (size_t i = 0; i < nf; i++)
		events += fast[i] == ETR_WALK_EVENT;
	CU_ASSERT_EQUAL(events, 1);
	CU_ASSERT_EQUAL_FATAL(pf.n, ps.n);
	for (size_t i = 0; i < pf.n; i++)
		CU_ASSERT(pf.at[i] == ps.at[i] && pf.p[i].offset == ps.p[i].offset &&
			  pf.p[i].chunk_type == ps.p[i].chunk_type);
	/* not in a walk, or not in an EVENTS chunk: nothing, never an error */
	CU_ASSERT_EQUAL(etr_walk__next_event(NULL, NULL), 0);
	tbuf_free(&file);
}

/* Chunks of the types not asked for are not handed out, and still checked. */
static void test_walk_type_mask(void)
{
	struct etr_walk_opts o = {.sz = sizeof(o), .type_mask = 1u << ETR_CHUNK_END};
	struct etr_walk_item it;
	struct etr_reader_stats st;
	struct tbuf file = {0};
	struct etr_walk *w;
	size_t items = 0;
	int ret;

	build_sample(&file, 3, false, 9);
	w = etr_walk__open_mem(file.data, file.len, &o);
	CU_ASSERT_FATAL(w != NULL);
	while ((ret = etr_walk__next(w, &it, NULL)) > 0) {
		items++;
		CU_ASSERT_EQUAL(it.chunk->type, ETR_CHUNK_END);
	}
	CU_ASSERT_EQUAL(ret, 0);
	CU_ASSERT_EQUAL(items, 3); /* CHUNK, END, CHUNK_END */
	etr_reader__stats(etr_walk__reader(w), &st);
	CU_ASSERT(st.chunks > 5);
	etr_walk__free(w);
	tbuf_free(&file);
}

static void test_walk_open_errors(void)
{
	static const char junk[] = "this is not a trace, not even close";
	struct etr_walk_item it;

	errno = 0;
	CU_ASSERT_PTR_NULL(etr_walk__open_mem(junk, sizeof(junk), NULL));
	CU_ASSERT_EQUAL(errno, EINVAL);
	CU_ASSERT_PTR_NULL(etr_walk__open(NULL, NULL));
	CU_ASSERT_PTR_NULL(etr_walk__open("/nonexistent/x.etr", NULL));
	CU_ASSERT_EQUAL(errno, ENOENT);
	CU_ASSERT_EQUAL(etr_walk__next(NULL, &it, NULL), -EINVAL);
	CU_ASSERT_PTR_NULL(etr_walk__reader(NULL));
	etr_walk__free(NULL);
}

void register_walk(void)
{
	CU_pSuite s = CU_add_suite("walk", NULL, NULL);

	CU_add_test(s, "sample trace walked", test_walk_sample);
	CU_add_test(s, "bad records end their chunk", test_walk_bad_records);
	CU_add_test(s, "type mask", test_walk_type_mask);
	CU_add_test(s, "the events' fast path walks alike", test_walk_fast_events);
	CU_add_test(s, "open errors", test_walk_open_errors);
}
