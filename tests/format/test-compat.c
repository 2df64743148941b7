/* SPDX-License-Identifier: MIT */
/*
 * Compatibility (SPEC.md, "Versioning"): what a later minor version may add
 * is read past, a later major version is refused, and records are decoded
 * by the rules that make this possible: unknown chunk and record types are
 * skipped, unknown event types 1..63 keep the delta state, trailing unknown
 * fields are ignored, missing trailing fields take their defaults.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "etr-test.h"

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* Open a writer on a temporary file that seals by size or flush only. */
static struct etr_writer *open_tmp(int *ret_fd, uint8_t id)
{
	struct etr_writer_opts o;
	struct etr_writer *w;

	*ret_fd = tmp_fd();
	test_wopts(&o, id);
	o.flush_interval_ns = UINT64_MAX / 2;
	w = etr_writer__open_fd(*ret_fd, &o);
	CU_ASSERT_FATAL(w != NULL);
	return w;
}

static void close_tmp(struct etr_writer *w, int fd, struct tbuf *file)
{
	CU_ASSERT_EQUAL(etr_writer__close(w, 0), 0);
	etr_writer__free(w);
	CU_ASSERT_FATAL(slurp_fd(fd, file) == 0);
	close(fd);
}

/* ------------------------------------------------------------------ */

static void test_unknown_chunk_type(void)
{
	struct etr_writer *w;
	struct rd_result res;
	struct tbuf file;
	int fd;

	w = open_tmp(&fd, 1);
	CU_ASSERT_EQUAL(etr_writer__write_meta(w, "a", "1", 1), 0);
	CU_ASSERT_EQUAL(etr_writer__write_raw(w, 99, 1, "whatever", 8), 0);
	CU_ASSERT_EQUAL(etr_writer__write_raw(w, 99, 200, "", 0), 0);
	CU_ASSERT_EQUAL(etr_writer__write_raw(w, 0xffff, 1, "x", 1), 0);
	CU_ASSERT_EQUAL(etr_writer__write_meta(w, "b", "2", 1), 0);
	close_tmp(w, fd, &file);

	rd_mem(file.data, file.len, &res);
	CU_ASSERT_EQUAL(res.n_probs, 0);
	CU_ASSERT(res.ended);
	CU_ASSERT_EQUAL_FATAL(res.n_chunks, 5);
	CU_ASSERT_EQUAL(res.chunks[0].type, ETR_CHUNK_META);
	CU_ASSERT_EQUAL(res.chunks[1].type, 99);
	CU_ASSERT_EQUAL(res.chunks[1].record_count, 2);
	CU_ASSERT_STRING_EQUAL(etr_chunk_type__str(99), "unknown");
	CU_ASSERT_EQUAL(res.chunks[2].type, 0xffff);
	CU_ASSERT_EQUAL(res.chunks[3].type, ETR_CHUNK_META);
	CU_ASSERT_EQUAL(res.chunks[4].type, ETR_CHUNK_END);
	/* the records of an unknown chunk still frame (a copier can copy them) */
	{
		struct etr_chunk c;
		struct etr_record rec;

		chunk_over(&c, 99, res.chunks[1].data, res.chunks[1].size);
		CU_ASSERT_EQUAL(etr_chunk__next_record(&c, &rec), 1);
		CU_ASSERT(rec.type == 1 && rec.len == 8 && !memcmp(rec.body, "whatever", 8));
		CU_ASSERT_EQUAL(etr_chunk__next_record(&c, &rec), 1);
		CU_ASSERT(rec.type == 200 && rec.len == 0);
		CU_ASSERT_EQUAL(etr_chunk__next_record(&c, &rec), 0);
	}
	rd_free(&res);
	tbuf_free(&file);
}

/* Unknown record types inside known chunks are passed over. */
static void test_unknown_record_type(void)
{
	struct etr_writer *w;
	struct rd_result res;
	struct tbuf file;
	struct etr_chunk c;
	struct etr_record rec;
	struct etr_str k, v;
	int fd, n = 0;

	w = open_tmp(&fd, 2);
	CU_ASSERT_EQUAL(etr_writer__write_meta(w, "a", "1", 1), 0);
	CU_ASSERT_EQUAL(etr_writer__write_raw(w, ETR_CHUNK_META, 77, "\x05new\xff", 5), 0);
	CU_ASSERT_EQUAL(etr_writer__write_raw(w, ETR_CHUNK_META, 255, "", 0), 0);
	CU_ASSERT_EQUAL(etr_writer__write_meta(w, "b", "2", 1), 0);
	close_tmp(w, fd, &file);

	rd_mem(file.data, file.len, &res);
	CU_ASSERT_EQUAL(res.n_probs, 0);
	CU_ASSERT_EQUAL_FATAL(res.n_chunks, 2);
	CU_ASSERT_EQUAL(res.chunks[0].bad_records, 0);
	chunk_over(&c, ETR_CHUNK_META, res.chunks[0].data, res.chunks[0].size);
	while (etr_chunk__next_record(&c, &rec) > 0) {
		if (rec.type != ETR_REC_META_KV)
			continue;
		CU_ASSERT_EQUAL(etr_record__meta(&rec, &k, &v), 0);
		CU_ASSERT(n == 0 ? str_eq(k, S("a")) && str_eq(v, S("1"))
				 : str_eq(k, S("b")) && str_eq(v, S("2")));
		n++;
	}
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL(c.records_read, 4);
	rd_free(&res);
	tbuf_free(&file);
}

/*
 * An EVENTS chunk written record by record with the test's own encoder:
 * known events, unknown prefixed types (6, 40, 63) whose prefix moves the
 * delta state, unprefixed types (0, 64, 200) that must not. The known
 * events after each must decode to what was written.
 */
static void test_unknown_event_types(void)
{
	struct etr_event evs[12];
	static const uint16_t types[12] = {ETR_EV_EXEC, 40, ETR_EV_FORK, 0,
					   ETR_EV_EXIT, 64, 6,		 ETR_EV_EXEC,
					   200,		63, ETR_EV_LOST, ETR_EV_FORK};
	struct enc_state st = {0};
	struct etr_writer *w;
	struct rd_result res;
	struct tbuf file;
	struct etr_chunk c;
	struct etr_event got;
	int fd, n = 0;

	w = open_tmp(&fd, 3);
	for (int i = 0; i < 12; i++) {
		struct tbuf body = {0};

		sample_event((unsigned)i * 7 + 1, &evs[i]);
		evs[i].type = types[i];
		/* large jumps, so a missed delta update cannot go unseen */
		evs[i].ts_ns += (uint64_t)i * 1000000007ull;
		evs[i].pid += (uint32_t)i * 10007;
		evs[i].ppid += (uint32_t)i * 3;
		if (types[i] >= 1 && types[i] <= ETR_EV_PREFIXED_MAX) {
			enc_event_body(&body, &evs[i], &st);
			if (types[i] > ETR_EV__MAX_KNOWN) /* fields a later version has */
				tbuf_put(&body, "\x07\x03new\x85\x01", 7);
		} else {
			/* an unprefixed record: its bytes could look like a prefix */
			tbuf_put(&body, "\x00\xfe\xff\x7f\x01\x02\x03", 7);
		}
		CU_ASSERT_EQUAL(etr_writer__write_raw(w, ETR_CHUNK_EVENTS, (uint8_t)types[i],
						      body.data, body.len),
				0);
		tbuf_free(&body);
	}
	close_tmp(w, fd, &file);

	rd_mem(file.data, file.len, &res);
	CU_ASSERT_EQUAL(res.n_probs, 0);
	CU_ASSERT_EQUAL_FATAL(res.n_chunks, 2);
	chunk_over(&c, ETR_CHUNK_EVENTS, res.chunks[0].data, res.chunks[0].size);
	for (int i = 0; i < 12; i++) {
		struct etr_event want;

		if (!types[i] || types[i] > ETR_EV_PREFIXED_MAX)
			continue; /* not returned by next_event */
		CU_ASSERT_EQUAL_FATAL(etr_chunk__next_event(&c, &got), 1);
		n++;
		if (types[i] <= ETR_EV__MAX_KNOWN) {
			event_expect(&evs[i], &want);
			if (!event_equal(&got, &want)) {
				CU_FAIL("known event after unknown ones differs");
				event_print("want", &want);
				event_print("got ", &got);
			}
			continue;
		}
		/* unknown: the prefix, the rest zero */
		CU_ASSERT_EQUAL(got.type, types[i]);
		CU_ASSERT_EQUAL(got.flags, evs[i].flags);
		CU_ASSERT_EQUAL(got.ts_ns, evs[i].ts_ns);
		CU_ASSERT_EQUAL(got.pid, evs[i].pid);
		CU_ASSERT_EQUAL(got.tid, evs[i].tid);
		CU_ASSERT_EQUAL(got.ppid, evs[i].ppid);
		CU_ASSERT_EQUAL(got.uid, evs[i].uid);
		CU_ASSERT_EQUAL(got.gid, evs[i].gid);
		CU_ASSERT_EQUAL(got.start_ns, evs[i].start_ns);
		CU_ASSERT_EQUAL(got.cgroup_id, evs[i].cgroup_id);
		CU_ASSERT(str_eq(got.comm, evs[i].comm));
		CU_ASSERT(got.ret == 0 && got.argc == 0 && got.argv.len == 0 &&
			  got.filename.len == 0 && got.lost_count == 0 && got.parent_tid == 0);
		CU_ASSERT_STRING_EQUAL(etr_event_type__str(got.type), "unknown");
	}
	CU_ASSERT_EQUAL(etr_chunk__next_event(&c, &got), 0);
	CU_ASSERT_EQUAL(n, 9);
	CU_ASSERT_EQUAL(c.records_read, 12);
	rd_free(&res);
	tbuf_free(&file);
}

/* ------------------------------------------------------------------ */
/* Trailing fields                                                     */
/* ------------------------------------------------------------------ */

/* Everything a record decodes to, for comparing two decodes. */
struct decoded {
	int err;
	uint8_t rtype;
	struct etr_event ev;
	struct etr_str a, b;
	struct etr_clock clk;
	uint32_t kind;
	struct etr_proc proc;
	struct etr_counter ctr;
	struct etr_end end;
};

static bool decoded_equal(uint16_t ctype, const struct decoded *x, const struct decoded *y)
{
	if (x->err != y->err || x->rtype != y->rtype)
		return false;
	switch (ctype) {
	case ETR_CHUNK_EVENTS:
		return event_equal(&x->ev, &y->ev);
	case ETR_CHUNK_META:
		if (x->rtype == ETR_REC_META_CLOCK)
			return !memcmp(&x->clk, &y->clk, sizeof(x->clk));
		return str_eq(x->a, y->a) && str_eq(x->b, y->b);
	case ETR_CHUNK_TPFORMAT:
		return str_eq(x->a, y->a) && str_eq(x->b, y->b);
	case ETR_CHUNK_BTF:
		return x->kind == y->kind && str_eq(x->a, y->a);
	case ETR_CHUNK_PROCSNAP:
		return x->proc.flags == y->proc.flags && x->proc.ts_ns == y->proc.ts_ns &&
		       x->proc.pid == y->proc.pid && x->proc.ppid == y->proc.ppid &&
		       x->proc.uid == y->proc.uid && x->proc.gid == y->proc.gid &&
		       x->proc.start_ns == y->proc.start_ns &&
		       x->proc.cgroup_id == y->proc.cgroup_id &&
		       str_eq(x->proc.comm, y->proc.comm) && str_eq(x->proc.exe, y->proc.exe) &&
		       str_eq(x->proc.cwd, y->proc.cwd) && x->proc.argc == y->proc.argc &&
		       str_eq(x->proc.argv, y->proc.argv);
	case ETR_CHUNK_STATS:
		return x->ctr.ts_ns == y->ctr.ts_ns && str_eq(x->ctr.name, y->ctr.name) &&
		       x->ctr.value == y->ctr.value;
	case ETR_CHUNK_END:
		return x->end.ts_ns == y->end.ts_ns && x->end.events == y->end.events &&
		       x->end.chunks == y->end.chunks && x->end.status == y->end.status;
	}
	return true;
}

static void decode_record(uint16_t ctype, const struct etr_record *rec, struct decoded *d)
{
	memset(d, 0, sizeof(*d));
	d->rtype = rec->type;
	switch (ctype) {
	case ETR_CHUNK_META:
		if (rec->type == ETR_REC_META_CLOCK)
			d->err = etr_record__clock(rec, &d->clk);
		else
			d->err = etr_record__meta(rec, &d->a, &d->b);
		break;
	case ETR_CHUNK_TPFORMAT:
		d->err = etr_record__tpformat(rec, &d->a, &d->b);
		break;
	case ETR_CHUNK_BTF:
		d->err = etr_record__btf(rec, &d->kind, &d->a);
		break;
	case ETR_CHUNK_PROCSNAP:
		d->err = etr_record__proc(rec, &d->proc);
		break;
	case ETR_CHUNK_STATS:
		d->err = etr_record__counter(rec, &d->ctr);
		break;
	case ETR_CHUNK_END:
		d->err = etr_record__end(rec, &d->end);
		break;
	}
}

/* All records of all chunks of a file image, decoded, in order. */
static size_t decode_all(const struct rd_result *res, struct decoded *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < res->n_chunks; i++) {
		const struct rd_chunk *rc = &res->chunks[i];
		struct etr_chunk c;
		int err;

		chunk_over(&c, rc->type, rc->data, rc->size);
		if (rc->type == ETR_CHUNK_EVENTS) {
			struct etr_event ev;

			while ((err = etr_chunk__next_event(&c, &ev)) != 0) {
				CU_ASSERT_FATAL(n < max);
				memset(&out[n], 0, sizeof(out[n]));
				out[n].err = err < 0 ? err : 0;
				out[n++].ev = ev;
				if (err < 0)
					break;
			}
		} else {
			struct etr_record rec;

			while ((err = etr_chunk__next_record(&c, &rec)) > 0) {
				CU_ASSERT_FATAL(n < max);
				decode_record(rc->type, &rec, &out[n++]);
			}
			CU_ASSERT_EQUAL(err, 0);
		}
	}
	return n;
}

/*
 * Copy the sample record by record with fields of a "later minor version"
 * appended to every body, chunk boundaries kept: every record decodes to
 * exactly what it did.
 */
static void test_trailing_fields(void)
{
	static const char extra[] = "\x2a\x05later\x80\x01\x00";
	struct tbuf sample, file;
	struct rd_result ref, res;
	struct decoded *want, *got;
	struct etr_writer *w;
	size_t nw, ng;
	int fd;

	build_sample(&sample, 3, false, 21);
	rd_mem(sample.data, sample.len, &ref);
	CU_ASSERT_FATAL(ref.n_probs == 0);

	w = open_tmp(&fd, 21);
	for (size_t i = 0; i + 1 < ref.n_chunks; i++) { /* the END is the writer's */
		struct etr_chunk c;
		struct etr_record rec;

		chunk_over(&c, ref.chunks[i].type, ref.chunks[i].data, ref.chunks[i].size);
		while (etr_chunk__next_record(&c, &rec) > 0) {
			struct tbuf body = {0};

			tbuf_put(&body, rec.body, rec.len);
			tbuf_put(&body, extra, sizeof(extra) - 1);
			CU_ASSERT_EQUAL(etr_writer__write_raw(w, ref.chunks[i].type, rec.type,
							      body.data, body.len),
					0);
			tbuf_free(&body);
		}
		CU_ASSERT_EQUAL(etr_writer__flush(w), 0);
	}
	close_tmp(w, fd, &file);
	rd_mem(file.data, file.len, &res);
	CU_ASSERT_EQUAL(res.n_probs, 0);
	CU_ASSERT_EQUAL_FATAL(res.n_chunks, ref.n_chunks);

	want = calloc(1000, sizeof(*want));
	got = calloc(1000, sizeof(*got));
	nw = decode_all(&ref, want, 1000);
	ng = decode_all(&res, got, 1000);
	CU_ASSERT_EQUAL(nw, ng);
	/* all but the END record, whose time differs */
	for (size_t i = 0, ci = 0, left = res.chunks[0].record_count; i + 1 < nw && i + 1 < ng;
	     i++) {
		while (!left) {
			ci++;
			left = res.chunks[ci].record_count;
		}
		left--;
		CU_ASSERT_EQUAL(got[i].err, 0);
		if (!decoded_equal(res.chunks[ci].type, &want[i], &got[i])) {
			fprintf(stderr,
				"\n      record %zu of chunk type %s differs with "
				"trailing fields",
				i, etr_chunk_type__str(res.chunks[ci].type));
			if (res.chunks[ci].type == ETR_CHUNK_EVENTS) {
				event_print("want", &want[i].ev);
				event_print("got ", &got[i].ev);
			}
			CU_FAIL("trailing fields changed a record");
		}
	}
	free(want);
	free(got);
	rd_free(&ref);
	rd_free(&res);
	tbuf_free(&sample);
	tbuf_free(&file);
}

/*
 * Each record of the sample cut at every length (an "earlier minor
 * version"): it decodes exactly when the cut falls between fields, and
 * then every field is either its full value or its default.
 */
static bool event_field_ok(const struct etr_event *g, const struct etr_event *f)
{
	/* a delta field at its default means "same as the reference": in the
	 * first record of a chunk, 0 for ts/pid/ppid, pid for tid, ts for start */
	return (g->flags == f->flags || !g->flags) && (g->ts_ns == f->ts_ns || !g->ts_ns) &&
	       (g->pid == f->pid || !g->pid) && (g->tid == f->tid || g->tid == g->pid) &&
	       (g->ppid == f->ppid || !g->ppid) && (g->uid == f->uid || !g->uid) &&
	       (g->gid == f->gid || !g->gid) &&
	       (g->start_ns == f->start_ns || g->start_ns == g->ts_ns) &&
	       (g->cgroup_id == f->cgroup_id || !g->cgroup_id) &&
	       (str_eq(g->comm, f->comm) || !g->comm.len) && (g->ret == f->ret || !g->ret) &&
	       (str_eq(g->filename, f->filename) || !g->filename.len) &&
	       (str_eq(g->cwd, f->cwd) || !g->cwd.len) && (g->argc == f->argc || !g->argc) &&
	       (g->argv_orig_len == f->argv_orig_len || !g->argv_orig_len) &&
	       (str_eq(g->argv, f->argv) || !g->argv.len) &&
	       (g->old_tid == f->old_tid || g->old_tid == g->tid) &&
	       (g->envc == f->envc || !g->envc) &&
	       (g->env_orig_len == f->env_orig_len || !g->env_orig_len) &&
	       (str_eq(g->env, f->env) || !g->env.len) &&
	       (g->parent_tid == f->parent_tid || g->parent_tid == g->ppid) &&
	       (g->exit_code == f->exit_code || !g->exit_code) &&
	       (g->signal == f->signal || !g->signal) &&
	       (g->lost_type == f->lost_type || !g->lost_type) &&
	       (g->lost_count == f->lost_count || !g->lost_count);
}

static unsigned fields_of_event(const struct etr_event *ev)
{
	unsigned n = 10;

	switch (ev->type) {
	case ETR_EV_EXEC:
	case ETR_EV_EXEC_FAIL:
		return n + 7 + (ev->flags & ETR_EVF_ENV ? 3 : 0);
	case ETR_EV_FORK:
		return n + 1;
	case ETR_EV_EXIT:
	case ETR_EV_LOST:
		return n + 2;
	}
	return n;
}

static void test_missing_fields(void)
{
	static const unsigned fields[] = {
	    [ETR_CHUNK_TPFORMAT] = 2, [ETR_CHUNK_BTF] = 2, [ETR_CHUNK_PROCSNAP] = 13,
	    [ETR_CHUNK_STATS] = 3,    [ETR_CHUNK_END] = 4,
	};
	struct tbuf sample;
	struct rd_result ref;
	unsigned nfail = 0, checked = 0;

	build_sample(&sample, 3, false, 22);
	rd_mem(sample.data, sample.len, &ref);
	for (size_t i = 0; i < ref.n_chunks; i++) {
		const struct rd_chunk *rc = &ref.chunks[i];
		struct etr_chunk c;
		struct etr_record rec;

		chunk_over(&c, rc->type, rc->data, rc->size);
		while (etr_chunk__next_record(&c, &rec) > 0) {
			struct decoded full, part;
			unsigned ok_cuts = 0, want_cuts;
			struct etr_event full_ev = {0};
			struct tbuf full_one = {0}; /* full_ev's strings point here */

			if (rc->type == ETR_CHUNK_EVENTS) {
				/* decode it as the first record of a chunk of its own */
				struct etr_chunk c1;
				struct tbuf b = {.data = (uint8_t *)rec.body, .len = rec.len};

				enc_record(&full_one, rec.type, &b);
				chunk_over(&c1, rc->type, full_one.data, full_one.len);
				CU_ASSERT_EQUAL(etr_chunk__next_event(&c1, &full_ev), 1);
				want_cuts = fields_of_event(&full_ev) + 1;
			} else {
				decode_record(rc->type, &rec, &full);
				CU_ASSERT_EQUAL(full.err, 0);
				want_cuts = (rc->type == ETR_CHUNK_META
						 ? (rec.type == ETR_REC_META_CLOCK ? 3 : 2)
						 : fields[rc->type]) +
					    1;
			}
			for (uint32_t len = 0; len <= rec.len; len++) {
				struct etr_record cut = rec;
				bool fine;

				cut.len = len;
				if (rc->type == ETR_CHUNK_EVENTS) {
					struct tbuf one = {0},
						    b = {.data = (uint8_t *)rec.body, .len = len};
					struct etr_chunk c1;
					struct etr_event ev;
					int err;

					enc_record(&one, rec.type, &b);
					chunk_over(&c1, rc->type, one.data, one.len);
					err = etr_chunk__next_event(&c1, &ev);
					fine = err == 1;
					if (fine && !event_field_ok(&ev, &full_ev)) {
						LOOP_FAIL(nfail,
							  "event cut at %u of %u: a field "
							  "is neither full nor default",
							  len, rec.len);
						event_print("full", &full_ev);
						event_print("cut ", &ev);
					}
					if (err != 1 && err != -EBADMSG)
						LOOP_FAIL(nfail, "event cut: %d", err);
					tbuf_free(&one);
				} else {
					decode_record(rc->type, &cut, &part);
					fine = part.err == 0;
					if (part.err && part.err != -EBADMSG)
						LOOP_FAIL(nfail, "cut: %d", part.err);
				}
				ok_cuts += fine;
			}
			tbuf_free(&full_one);
			checked++;
			if (ok_cuts != want_cuts)
				LOOP_FAIL(nfail,
					  "%s record type %u: %u cuts decode, want %u (one per "
					  "field boundary)",
					  etr_chunk_type__str(rc->type), rec.type, ok_cuts,
					  want_cuts);
		}
	}
	CU_ASSERT(checked > SAMPLE_EVENTS);
	CU_ASSERT_EQUAL(nfail, 0);
	rd_free(&ref);
	tbuf_free(&sample);
}

/* An EXEC without the ENV flag and fields of a later version after old_tid:
 * they are not the environment. */
static void test_trailing_after_exec_without_env(void)
{
	struct etr_event ev, got;
	struct enc_state st = {0};
	struct tbuf body = {0}, payload = {0};
	struct etr_chunk c;

	sample_event(1 * 6 + 4, &ev); /* an EXEC */
	ev.type = ETR_EV_EXEC;
	ev.flags &= ~ETR_EVF_ENV;
	ev.env = (struct etr_str){"", 0};
	ev.envc = ev.env_orig_len = 0;
	enc_event_body(&body, &ev, &st);
	tbuf_put_uv(&body, 7);		    /* a later field */
	tbuf_put_uv(&body, 3);		    /* and another */
	tbuf_put_str(&body, "NEWFIELD", 8); /* and a string */
	enc_record(&payload, ETR_EV_EXEC, &body);
	chunk_over(&c, ETR_CHUNK_EVENTS, payload.data, payload.len);
	CU_ASSERT_EQUAL(etr_chunk__next_event(&c, &got), 1);
	CU_ASSERT_EQUAL(got.envc, 0);
	CU_ASSERT_EQUAL(got.env_orig_len, 0);
	CU_ASSERT_EQUAL(got.env.len, 0);
	CU_ASSERT(str_eq(got.argv, ev.argv));
	tbuf_free(&body);
	tbuf_free(&payload);
}

/* ------------------------------------------------------------------ */
/* Record framing and varints                                          */
/* ------------------------------------------------------------------ */

static int frame_count(const void *payload, size_t len, int *ret_last)
{
	struct etr_chunk c;
	struct etr_record rec;
	int n = 0, err;

	chunk_over(&c, ETR_CHUNK_META, payload, len);
	while ((err = etr_chunk__next_record(&c, &rec)) > 0)
		n++;
	*ret_last = err;
	return n;
}

static void test_record_framing(void)
{
	int last;

	CU_ASSERT_EQUAL(frame_count("", 0, &last), 0);
	CU_ASSERT_EQUAL(last, 0);
	CU_ASSERT_EQUAL(frame_count("\x01\x00", 2, &last), 1);
	CU_ASSERT_EQUAL(last, 0);
	/* a type byte alone */
	CU_ASSERT_EQUAL(frame_count("\x01\x00\x01", 3, &last), 1);
	CU_ASSERT_EQUAL(last, -EBADMSG);
	/* a length past the end */
	CU_ASSERT_EQUAL(frame_count("\x01\x01x\x01\x05xx", 7, &last), 1);
	CU_ASSERT_EQUAL(last, -EBADMSG);
	/* a length varint cut */
	CU_ASSERT_EQUAL(frame_count("\x01\x80", 2, &last), 0);
	CU_ASSERT_EQUAL(last, -EBADMSG);
	/* a huge length */
	CU_ASSERT_EQUAL(frame_count("\x01\xff\xff\xff\xff\x0f", 6, &last), 0);
	CU_ASSERT_EQUAL(last, -EBADMSG);
	/* an overlong but valid length (SPEC: longer forms up to 10 bytes) */
	CU_ASSERT_EQUAL(frame_count("\x01\x81\x80\x00x", 5, &last), 1);
	CU_ASSERT_EQUAL(last, 0);
	/* eleven bytes of varint */
	CU_ASSERT_EQUAL(frame_count("\x01\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00", 12, &last),
			0);
	CU_ASSERT_EQUAL(last, -EBADMSG);
}

static void test_varints(void)
{
	struct etr_record rec = {.type = ETR_REC_END};
	struct etr_end end;
	struct etr_clock clk;
	struct etr_str k, v;

	/* the largest uv: nine 0xff and a 0x01 */
	rec.body = (const uint8_t *)"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01";
	rec.len = 10;
	CU_ASSERT_EQUAL(etr_record__clock(&rec, &clk), 0);
	CU_ASSERT_EQUAL(clk.boottime_ns, UINT64_MAX);
	CU_ASSERT_EQUAL(clk.realtime_ns, 0);
	/* one more bit: beyond 64 bits */
	rec.body = (const uint8_t *)"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02";
	CU_ASSERT_EQUAL(etr_record__clock(&rec, &clk), -EBADMSG);
	/* the same value, overlong */
	rec.body = (const uint8_t *)"\x85\x80\x80\x80\x80\x80\x80\x80\x80\x00";
	CU_ASSERT_EQUAL(etr_record__clock(&rec, &clk), 0);
	CU_ASSERT_EQUAL(clk.boottime_ns, 5);
	/* a u32 field beyond 32 bits */
	rec.body = (const uint8_t *)"\x01\x02\x03\x80\x80\x80\x80\x10";
	rec.len = 8;
	CU_ASSERT_EQUAL(etr_record__end(&rec, &end), -EBADMSG);
	rec.body = (const uint8_t *)"\x01\x02\x03\xff\xff\xff\xff\x0f";
	CU_ASSERT_EQUAL(etr_record__end(&rec, &end), 0);
	CU_ASSERT_EQUAL(end.status, UINT32_MAX);
	/* a string running past its record */
	rec.body = (const uint8_t *)"\x01k\x05val";
	rec.len = 6;
	CU_ASSERT_EQUAL(etr_record__meta(&rec, &k, &v), -EBADMSG);
	rec.body = (const uint8_t *)"\x01k\x03val";
	CU_ASSERT_EQUAL(etr_record__meta(&rec, &k, &v), 0);
	CU_ASSERT(str_eq(k, S("k")) && str_eq(v, S("val")));
	/* an empty body: every field at its default */
	rec.len = 0;
	CU_ASSERT_EQUAL(etr_record__meta(&rec, &k, &v), 0);
	CU_ASSERT(k.len == 0 && v.len == 0 && k.ptr && v.ptr);
}

/* Hostile deltas wrap modulo 2^32 (no signed overflow: UBSan watches). */
static void test_delta_extremes(void)
{
	/* pid +5, then a pid delta of INT64_MAX; tid, ppid deltas likewise */
	static const uint8_t payload[] = {
	    0x01, 0x03, 0x00, 0x00, 0x0a, 0x01, 0x20, 0x00, 0x00, 0xfe, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0x01, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
	struct etr_chunk c;
	struct etr_event ev;

	chunk_over(&c, ETR_CHUNK_EVENTS, payload, sizeof(payload));
	CU_ASSERT_EQUAL(etr_chunk__next_event(&c, &ev), 1);
	CU_ASSERT_EQUAL(ev.pid, 5);
	CU_ASSERT_EQUAL(etr_chunk__next_event(&c, &ev), 1);
	CU_ASSERT_EQUAL(ev.pid, 4);	      /* 5 + INT64_MAX mod 2^32 */
	CU_ASSERT_EQUAL(ev.tid, 4);	      /* 4 + INT64_MIN mod 2^32 */
	CU_ASSERT_EQUAL(ev.ppid, UINT32_MAX); /* 0 + INT64_MAX mod 2^32 */
	CU_ASSERT_EQUAL(etr_chunk__next_event(&c, &ev), 0);
}

/* ------------------------------------------------------------------ */
/* Versions and header sizes                                           */
/* ------------------------------------------------------------------ */

/* The sample with its file header edited (and its CRC made to agree). */
static void edited_header(struct tbuf *out, uint16_t major, uint16_t minor, uint32_t hsize)
{
	struct tbuf sample;
	uint8_t h[ETR_MAX_FILE_HEADER] = {0};

	build_sample(&sample, 3, false, 31);
	memcpy(h, sample.data, ETR_FILE_HEADER_SIZE - 4);
	put16(h + 8, major);
	put16(h + 10, minor);
	put32(h + 12, hsize);
	memset(h + 48, 0, hsize - 52);
	put32(h + hsize - 4, etr_crc32c(0, h, hsize - 4));
	memset(out, 0, sizeof(*out));
	tbuf_put(out, h, hsize);
	tbuf_put(out, sample.data + ETR_FILE_HEADER_SIZE, sample.len - ETR_FILE_HEADER_SIZE);
	tbuf_free(&sample);
}

static void test_major_version(void)
{
	static const uint16_t majors[] = {2, 0, 0xffff};
	struct rd_result res;
	struct tbuf f;

	for (size_t i = 0; i < sizeof(majors) / sizeof(majors[0]); i++) {
		edited_header(&f, majors[i], 7, ETR_FILE_HEADER_SIZE);
		rd_mem(f.data, f.len, &res);
		CU_ASSERT(!res.opened);
		CU_ASSERT_EQUAL(res.open_errno, ENOTSUP);
		CU_ASSERT_EQUAL(res.oerr.kind, ETR_PROB_VERSION);
		CU_ASSERT_EQUAL(res.oerr.file_major, majors[i]);
		CU_ASSERT_EQUAL(res.oerr.file_minor, 7);
		/* both versions are there for the message */
		CU_ASSERT_NOT_EQUAL(res.oerr.file_major, ETR_VERSION_MAJOR);
		rd_free(&res);

		/* the same through a file descriptor */
		{
			int fd = tmp_fd();

			CU_ASSERT(pwrite(fd, f.data, f.len, 0) == (ssize_t)f.len);
			rd_fd(fd, &res);
			CU_ASSERT(!res.opened);
			CU_ASSERT_EQUAL(res.open_errno, ENOTSUP);
			CU_ASSERT_EQUAL(res.oerr.file_major, majors[i]);
			rd_free(&res);
			close(fd);
		}
		tbuf_free(&f);
	}
	CU_ASSERT_STRING_EQUAL(etr_problem__str(ETR_PROB_VERSION), "unsupported major version");
}

static void test_minor_version_and_header_size(void)
{
	struct tbuf ref_file;
	struct rd_result ref, res;
	struct tbuf f;

	build_sample(&ref_file, 3, false, 31);
	rd_mem(ref_file.data, ref_file.len, &ref);

	/* a later minor version is read normally */
	edited_header(&f, ETR_VERSION_MAJOR, 99, ETR_FILE_HEADER_SIZE);
	rd_mem(f.data, f.len, &res);
	CU_ASSERT(res.opened);
	CU_ASSERT_EQUAL(res.info.minor, 99);
	CU_ASSERT_EQUAL(res.n_probs, 0);
	CU_ASSERT_EQUAL(res.n_chunks, ref.n_chunks);
	rd_free(&res);
	tbuf_free(&f);

	/* a longer file header (a later minor version's fields) */
	static const uint32_t sizes[] = {68, 128, 1000, ETR_MAX_FILE_HEADER};

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint32_t hs = sizes[i];

		edited_header(&f, ETR_VERSION_MAJOR, 1, hs);
		rd_mem(f.data, f.len, &res);
		CU_ASSERT(res.opened);
		CU_ASSERT_EQUAL(res.n_probs, 0);
		CU_ASSERT_EQUAL(res.n_chunks, ref.n_chunks);
		CU_ASSERT(res.ended);
		CU_ASSERT_EQUAL(res.info.header_size, hs);
		if (res.n_chunks)
			CU_ASSERT_EQUAL(res.chunks[0].offset, res.info.header_size);
		rd_free(&res);
		tbuf_free(&f);
	}

	/* beyond the limit: a damaged header; the chunks at 64 are still read
	 * only if they are there, so here they are not: garbage, then chunks */
	edited_header(&f, ETR_VERSION_MAJOR, 1, ETR_MAX_FILE_HEADER);
	put32(f.data + 12, ETR_MAX_FILE_HEADER + 4);
	rd_mem(f.data, f.len, &res);
	CU_ASSERT(res.opened);
	CU_ASSERT(res.n_probs >= 1);
	if (res.n_probs)
		CU_ASSERT_EQUAL(res.probs[0].kind, ETR_PROB_HEADER_CHECKSUM);
	CU_ASSERT_EQUAL(rd_count(&res, ETR_PROB_GARBAGE), 1);
	CU_ASSERT_EQUAL(res.n_chunks, ref.n_chunks);
	rd_free(&res);
	tbuf_free(&f);

	rd_free(&ref);
	tbuf_free(&ref_file);
}

/* A chunk header longer than 48 bytes (a later minor version's fields). */
static void test_longer_chunk_header(void)
{
	struct tbuf sample, f = {0};
	struct rd_result ref, res;
	const uint32_t extra = 16;

	build_sample(&sample, 3, false, 32);
	rd_mem(sample.data, sample.len, &ref);
	tbuf_put(&f, sample.data, ETR_FILE_HEADER_SIZE);
	for (size_t i = 0; i < ref.n_chunks; i++) {
		const uint8_t *h = sample.data + ref.chunks[i].offset;
		uint32_t stored = ref.chunks[i].stored_size;
		uint8_t nh[ETR_CHUNK_HEADER_SIZE + 16] = {0}, t[ETR_CHUNK_TRAILER_SIZE];
		uint32_t crc;

		memcpy(nh, h, 44);
		nh[44] = 0xaa; /* reserved bytes: ignored whatever they hold */
		put32(nh + 8, ETR_CHUNK_HEADER_SIZE + extra);
		crc = etr_crc32c(0, nh, sizeof(nh) - 4);
		put32(nh + sizeof(nh) - 4, crc);
		memcpy(t, h + ETR_CHUNK_HEADER_SIZE + stored, sizeof(t));
		put32(t + 4, crc);
		put32(t + 8, (uint32_t)(sizeof(nh) + stored + sizeof(t)));
		memset(t + 12, 0, 4);
		tbuf_put(&f, nh, sizeof(nh));
		tbuf_put(&f, h + ETR_CHUNK_HEADER_SIZE, stored);
		tbuf_put(&f, t, sizeof(t));
	}
	rd_mem(f.data, f.len, &res);
	CU_ASSERT_EQUAL(res.n_probs, 0);
	CU_ASSERT_EQUAL_FATAL(res.n_chunks, ref.n_chunks);
	for (size_t i = 0; i < ref.n_chunks; i++) {
		CU_ASSERT_EQUAL(res.chunks[i].size, ref.chunks[i].size);
		CU_ASSERT(!memcmp(res.chunks[i].data, ref.chunks[i].data, ref.chunks[i].size));
	}
	CU_ASSERT(res.ended);
	rd_free(&res);
	rd_free(&ref);
	tbuf_free(&f);
	tbuf_free(&sample);
}

void register_compat(void)
{
	CU_pSuite s = CU_add_suite("format: compatibility", NULL, NULL);

	CU_add_test(s, "unknown chunk type", test_unknown_chunk_type);
	CU_add_test(s, "unknown record type", test_unknown_record_type);
	CU_add_test(s, "unknown event types keep the deltas", test_unknown_event_types);
	CU_add_test(s, "trailing unknown fields ignored", test_trailing_fields);
	CU_add_test(s, "trailing fields after an EXEC without env",
		    test_trailing_after_exec_without_env);
	CU_add_test(s, "missing trailing fields read as defaults", test_missing_fields);
	CU_add_test(s, "record framing", test_record_framing);
	CU_add_test(s, "varints and strings", test_varints);
	CU_add_test(s, "extreme deltas wrap", test_delta_extremes);
	CU_add_test(s, "higher major version refused", test_major_version);
	CU_add_test(s, "later minor version, longer file header",
		    test_minor_version_and_header_size);
	CU_add_test(s, "longer chunk header", test_longer_chunk_header);
}
