/* SPDX-License-Identifier: MIT */
/*
 * The readers over etr_walk: rp_trace's record_cb (diff's one pass),
 * rp_info and rp_dump (the work of `execrec info` and `execrec dump`), on
 * traces written here, one of them with records that do not decode.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "dump.h"
#include "info.h"
#include "replay.h"

/* A trace file under /tmp: META (with a record that does not decode when
 * @broken), TPFORMAT, BTF, a chunk of an unknown type, three events, END. */
static void write_trace(char *path, size_t len, bool broken)
{
	struct etr_writer_opts o = {.sz = sizeof(o), .level = -1, .created_ns = 1};
	struct etr_writer *w;
	struct etr_event ev = {.type = ETR_EV_EXEC, .pid = 10, .tid = 10, .ppid = 1};
	int fd;

	snprintf(path, len, "/tmp/execrec-test-walkers-XXXXXX");
	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	memset(o.trace_id, 7, sizeof(o.trace_id));
	w = etr_writer__open_fd(fd, &o);
	CU_ASSERT_FATAL(w != NULL);
	CU_ASSERT_EQUAL(etr_writer__write_meta(w, "kernel.release", "6.1.0", 5), 0);
	if (broken)
		/* a key whose length runs past the body: the rest of the chunk is lost */
		CU_ASSERT_EQUAL(etr_writer__write_raw(w, ETR_CHUNK_META, ETR_REC_META_KV,
						      "\x09"
						      "ab",
						      3),
				0);
	CU_ASSERT_EQUAL(etr_writer__write_meta(w, "hostname", "box", 3), 0);
	CU_ASSERT_EQUAL(etr_writer__write_tpformat(w, "sched:sched_process_exec", "name: x\n", 8),
			0);
	CU_ASSERT_EQUAL(etr_writer__write_btf(w, ETR_BTF_SUBSET, "\x9f\xeb\x01\x00", 4), 0);
	CU_ASSERT_EQUAL(etr_writer__write_raw(w, 99, 1, "z", 1), 0);
	for (int i = 0; i < 3; i++) {
		ev.ts_ns = 1000 + (uint64_t)i;
		ev.start_ns = 500;
		ev.comm = (struct etr_str){"sh", 2};
		ev.filename = (struct etr_str){"/bin/sh", 7};
		CU_ASSERT_EQUAL(etr_writer__write_event(w, &ev), 0);
	}
	CU_ASSERT_EQUAL(etr_writer__close(w, 0), 0);
	etr_writer__free(w);
	close(fd);
}

struct seen {
	unsigned tpformat, btf, unknown, other;
};

static int on_record(void *ctx, const struct etr_walk_item *it)
{
	struct seen *s = ctx;

	if (it->kind == ETR_WALK_TPFORMAT) {
		s->tpformat++;
		CU_ASSERT(it->tpformat.name.len == 24 &&
			  !memcmp(it->tpformat.name.ptr, "sched:sched_process_exec", 24));
	} else if (it->kind == ETR_WALK_BTF) {
		s->btf++;
		CU_ASSERT(it->btf.kind == ETR_BTF_SUBSET && it->btf.data.len == 4);
	} else if (it->kind == ETR_WALK_UNKNOWN) {
		s->unknown++;
		CU_ASSERT(it->chunk->type == 99 && it->rec.len == 1);
	} else {
		s->other++;
	}
	return 0;
}

/* Events and metadata alike with and without record_cb; the records it
 * asks for come from the same pass. */
static void test_trace_record_cb(void)
{
	struct seen s = {0};
	struct rp_trace_opts with = {.sz = sizeof(with), .record_cb = on_record, .record_ctx = &s};
	struct rp_trace_opts without = {.sz = sizeof(without)};
	const struct rp_trace_opts *opts[2] = {&without, &with};
	unsigned events[2] = {0};
	char path[64];

	write_trace(path, sizeof(path), false);
	for (int i = 0; i < 2; i++) {
		struct rp_trace *t = rp_trace__open(path, opts[i]);
		const struct etr_event *ev;
		const char *rel;

		CU_ASSERT_FATAL(t != NULL);
		while (rp_trace__next_event(t, &ev) > 0)
			events[i]++;
		rel = rp_trace__meta_get(t, (const char *const[]){"kernel.release", NULL});
		CU_ASSERT(rel && !strcmp(rel, "6.1.0"));
		CU_ASSERT(rp_trace__ended_cleanly(t));
		CU_ASSERT_EQUAL(rp_trace__problem_count(t), 0);
		rp_trace__free(t);
	}
	CU_ASSERT_EQUAL(events[0], 3);
	CU_ASSERT_EQUAL(events[1], 3);
	CU_ASSERT(s.tpformat == 1 && s.btf == 1 && s.unknown == 1 && s.other == 0);
	unlink(path);
}

/* A callback's error stops the reading and comes back. */
static int fail_record(void *ctx, const struct etr_walk_item *it)
{
	(void)ctx;
	(void)it;
	return -ENOMEM;
}

static void test_trace_record_cb_error(void)
{
	struct rp_trace_opts o = {.sz = sizeof(o), .record_cb = fail_record};
	const struct etr_event *ev;
	struct rp_trace *t;
	char path[64];

	write_trace(path, sizeof(path), false);
	t = rp_trace__open(path, &o);
	CU_ASSERT_FATAL(t != NULL);
	CU_ASSERT_EQUAL(rp_trace__next_event(t, &ev), -ENOMEM);
	rp_trace__free(t);
	unlink(path);
}

/* Output of @fn into a string (freed by the caller). */
static char *capture(void (*fn)(void *ctx, FILE *f), void *ctx)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CU_ASSERT_FATAL(f != NULL);
	fn(ctx, f);
	fclose(f);
	return buf;
}

struct dump_run {
	const char *path;
	struct rp_dump_opts opts;
	uint64_t problems;
	struct etr_problem first;
	int ret;
};

static void run_dump(void *ctx, FILE *f)
{
	struct dump_run *r = ctx;
	struct rp_dump *d = rp_dump__open(r->path, f, &r->opts);

	CU_ASSERT_FATAL(d != NULL);
	r->ret = rp_dump__run(d);
	r->problems = rp_dump__problems(d, &r->first);
	CU_ASSERT(rp_dump__ended_cleanly(d));
	rp_dump__free(d);
}

/* The record that does not decode is shown as far as it goes, the problem
 * right after it; the records after it in its chunk are not, the next
 * chunk is. */
static void test_dump_bad_record(void)
{
	struct dump_run r = {.opts = {.sz = sizeof(r.opts)}};
	char path[64], *out, *line, *prob;

	write_trace(path, sizeof(path), true);
	r.path = path;
	out = capture(run_dump, &r);
	CU_ASSERT_EQUAL(r.ret, 0);
	CU_ASSERT_EQUAL(r.problems, 1);
	CU_ASSERT_EQUAL(r.first.kind, ETR_PROB_BAD_RECORD);
	CU_ASSERT_EQUAL(r.first.offset, ETR_FILE_HEADER_SIZE);
	line = strstr(out, " meta\n");
	prob = strstr(out, "!! byte 64: malformed record\n");
	CU_ASSERT(line && prob && prob == line + 6);
	CU_ASSERT_PTR_NULL(strstr(out, "hostname"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "sched:sched_process_exec"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, " unknown type=1 len=1\n"));
	free(out);

	/* JSON lines: one object per record, the problem one too */
	r.opts.json = true;
	r.opts.type_mask = 1u << ETR_CHUNK_META;
	out = capture(run_dump, &r);
	CU_ASSERT_EQUAL(r.problems, 1);
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(out, "\"record\":\"meta\",\"type\":1}\n{\"problem\":\"malformed record\","
			"\"offset\":64,"));
	CU_ASSERT_PTR_NULL(strstr(out, "sched:"));
	free(out);
	unlink(path);
}

/* A process-snapshot record that does not decode: in --json (where good
 * ones are "proc" events) still one object naming the record and its
 * offset, the problem object right after it; every line one object. */
static void test_dump_bad_proc_json(void)
{
	struct etr_writer_opts o = {.sz = sizeof(o), .level = -1, .created_ns = 1};
	struct etr_proc p = {.pid = 5, .ppid = 1, .comm = {"sh", 2}};
	struct dump_run r = {.opts = {.sz = sizeof(r.opts), .json = true}};
	char path[64], *out, *line, *nl;
	struct etr_writer *w;
	int fd;

	snprintf(path, sizeof(path), "/tmp/execrec-test-walkers-XXXXXX");
	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	memset(o.trace_id, 7, sizeof(o.trace_id));
	w = etr_writer__open_fd(fd, &o);
	CU_ASSERT_FATAL(w != NULL);
	CU_ASSERT_EQUAL(etr_writer__write_proc(w, &p), 0);
	/* the eight numbers zero, then a comm whose length runs past the body */
	CU_ASSERT_EQUAL(etr_writer__write_raw(w, ETR_CHUNK_PROCSNAP, ETR_REC_PROC,
					      "\0\0\0\0\0\0\0\0\x09"
					      "ab",
					      11),
			0);
	CU_ASSERT_EQUAL(etr_writer__close(w, 0), 0);
	etr_writer__free(w);
	close(fd);

	r.path = path;
	r.opts.type_mask = 1u << ETR_CHUNK_PROCSNAP;
	out = capture(run_dump, &r);
	CU_ASSERT_EQUAL(r.ret, 0);
	CU_ASSERT_EQUAL(r.problems, 1);
	CU_ASSERT_EQUAL(r.first.kind, ETR_PROB_BAD_RECORD);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"event\":\"proc\",\"pid\":5,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"chunk_type\":\"procsnap\",\"offset\":"));
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(out, "\"record\":\"proc\",\"type\":1}\n{\"problem\":\"malformed record\","));
	for (line = out; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		CU_ASSERT_FATAL(nl != NULL);
		CU_ASSERT(line[0] == '{' && nl - line > 2 && nl[-1] == '}');
	}
	free(out);
	unlink(path);
}

static void test_dump_parse_types(void)
{
	uint32_t mask = 0;

	CU_ASSERT_EQUAL(rp_dump__parse_types("meta,events", &mask), 0);
	CU_ASSERT_EQUAL(mask, (1u << ETR_CHUNK_META) | (1u << ETR_CHUNK_EVENTS));
	CU_ASSERT_EQUAL(rp_dump__parse_types("meta,nonsense", &mask), -EINVAL);
	CU_ASSERT_PTR_NULL(rp_dump__open("/nonexistent.etr", stdout, NULL));
	CU_ASSERT_EQUAL(errno, ENOENT);
}

struct info_run {
	struct rp_info *in;
	bool json;
};

static void print_info(void *ctx, FILE *f)
{
	struct info_run *r = ctx;

	if (r->json)
		rp_info__print_json(r->in, f, "x.etr", 123);
	else
		rp_info__print_text(r->in, f, "x.etr", 123, false);
}

static void test_info(void)
{
	struct info_run r = {0};
	char path[64], buf[256], *out;

	for (int broken = 0; broken < 2; broken++) {
		write_trace(path, sizeof(path), broken);
		r.in = rp_info__open(path);
		CU_ASSERT_FATAL(r.in != NULL);
		CU_ASSERT_EQUAL(rp_info__read(r.in), 0);
		CU_ASSERT_EQUAL(rp_info__faults(r.in), (uint64_t)broken);
		rp_info__fault_str(r.in, buf, sizeof(buf));
		CU_ASSERT_STRING_EQUAL(buf, broken ? "at byte 64: malformed record" : "");
		r.json = false;
		out = capture(print_info, &r);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "  kernel.release  6.1.0\n"));
		/* two records either way: the broken one counts as one, and
		 * hostname after it is lost */
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "  meta              1          2 "));
		CU_ASSERT((strstr(out, "hostname") != NULL) == !broken);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "  unknown           1          1"));
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "events          3 (exec 3,"));
		CU_ASSERT((strstr(out, "byte 64: malformed record (in the chunk") != NULL) ==
			  broken);
		free(out);
		r.json = true;
		out = capture(print_info, &r);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, broken ? "\"ok\":false}\n" : "\"ok\":true}\n"));
		free(out);
		rp_info__free(r.in);
		unlink(path);
	}
	rp_info__free(NULL);
	errno = 0;
	CU_ASSERT_PTR_NULL(rp_info__open("/nonexistent.etr"));
	CU_ASSERT_EQUAL(errno, ENOENT);
}

int main(void)
{
	CU_pSuite s;
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return CU_get_error();
	s = CU_add_suite("walkers", NULL, NULL);
	CU_add_test(s, "rp_trace record_cb", test_trace_record_cb);
	CU_add_test(s, "rp_trace record_cb error", test_trace_record_cb_error);
	CU_add_test(s, "rp_dump bad record", test_dump_bad_record);
	CU_add_test(s, "rp_dump bad proc json", test_dump_bad_proc_json);
	CU_add_test(s, "rp_dump types", test_dump_parse_types);
	CU_add_test(s, "rp_info", test_info);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failures ? 1 : 0;
}
