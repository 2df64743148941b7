/* SPDX-License-Identifier: MIT */
/* Helpers shared by the format/ suites (see etr-test.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "etr-test.h"

/* ------------------------------------------------------------------ */
/* Byte buffers and the record encoding                                */
/* ------------------------------------------------------------------ */

void tbuf_put(struct tbuf *b, const void *p, size_t len)
{
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->len + len)
			cap *= 2;
		b->data = realloc(b->data, cap);
		if (!b->data)
			abort();
		b->cap = cap;
	}
	if (len)
		memcpy(b->data + b->len, p, len);
	b->len += len;
}

void tbuf_put_u8(struct tbuf *b, uint8_t v)
{
	tbuf_put(b, &v, 1);
}

void tbuf_put_uv(struct tbuf *b, uint64_t v)
{
	do {
		uint8_t byte = v & 0x7f;

		v >>= 7;
		if (v)
			byte |= 0x80;
		tbuf_put_u8(b, byte);
	} while (v);
}

void tbuf_put_sv(struct tbuf *b, int64_t v)
{
	/* zigzag: 0, -1, 1, -2, 2 ... -> 0, 1, 2, 3, 4 ... */
	uint64_t u = v < 0 ? ((~(uint64_t)v) << 1) | 1 : (uint64_t)v << 1;

	tbuf_put_uv(b, u);
}

void tbuf_put_str(struct tbuf *b, const void *p, size_t len)
{
	tbuf_put_uv(b, len);
	tbuf_put(b, p, len);
}

void tbuf_free(struct tbuf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

int tmp_fd(void)
{
	char path[] = "/tmp/etr-test-XXXXXX";
	int fd = mkstemp(path);

	if (fd >= 0)
		unlink(path);
	return fd;
}

int slurp_fd(int fd, struct tbuf *out)
{
	uint8_t tmp[65536];
	off_t off = 0;

	memset(out, 0, sizeof(*out));
	for (;;) {
		ssize_t n = pread(fd, tmp, sizeof(tmp), off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		tbuf_put(out, tmp, (size_t)n);
		off += n;
	}
	if (!out->data) {
		out->data = malloc(1);
		out->cap = 1;
	}
	return 0;
}

void test_wopts(struct etr_writer_opts *o, uint8_t id_byte)
{
	memset(o, 0, sizeof(*o));
	o->sz = sizeof(*o);
	for (int i = 0; i < ETR_TRACE_ID_SIZE; i++)
		o->trace_id[i] = (uint8_t)(id_byte + i * 17);
	o->created_ns = 1700000000123456789ull;
}

/* ------------------------------------------------------------------ */
/* Reading everything                                                  */
/* ------------------------------------------------------------------ */

static void on_problem(void *ctx, const struct etr_problem *p)
{
	struct rd_result *res = ctx;

	if (!(res->n_probs & (res->n_probs - 1))) { /* 0, 1, 2, 4 ...: double */
		res->probs = realloc(res->probs,
				     (res->n_probs ? res->n_probs * 2 : 1) * sizeof(*res->probs));
		if (!res->probs)
			abort();
	}
	res->probs[res->n_probs++] = *p;
}

void chunk_over(struct etr_chunk *c, uint16_t type, const uint8_t *data, size_t size)
{
	memset(c, 0, sizeof(*c));
	c->type = type;
	c->data = data;
	c->size = size;
	c->raw_size = (uint32_t)size;
}

bool end_record(const struct rd_chunk *ch, struct etr_end *end)
{
	struct etr_chunk c;
	struct etr_record rec;

	CU_ASSERT_EQUAL_FATAL(ch->type, ETR_CHUNK_END);
	chunk_over(&c, ETR_CHUNK_END, ch->data, ch->size);
	CU_ASSERT_EQUAL_FATAL(etr_chunk__next_record(&c, &rec), 1);
	CU_ASSERT_EQUAL_FATAL(etr_record__end(&rec, end), 0);
	return true;
}

static void walk_args(const struct etr_str *block, uint32_t count_hint)
{
	struct etr_str a;
	uint32_t pos = 0, n = 0;

	while (etr_args__next(block, &pos, &a)) {
		if (pos > block->len || a.len > block->len)
			abort(); /* a walk that leaves its block */
		n++;
	}
	(void)count_hint;
	(void)n;
}

unsigned chunk_check_records(uint16_t type, const uint8_t *data, size_t size, unsigned *ret_records)
{
	struct etr_chunk c;
	struct etr_record rec;
	unsigned bad = 0, n = 0;
	int err;

	chunk_over(&c, type, data, size);
	if (type == ETR_CHUNK_EVENTS) {
		struct etr_event ev;

		while ((err = etr_chunk__next_event(&c, &ev)) != 0) {
			n++;
			if (err < 0) {
				bad++;
				break;
			}
			walk_args(&ev.argv, ev.argc);
			walk_args(&ev.env, ev.envc);
		}
		*ret_records = n;
		return bad;
	}
	while ((err = etr_chunk__next_record(&c, &rec)) != 0) {
		union {
			struct {
				struct etr_str a, b;
			} kv;
			struct etr_clock clk;
			struct etr_proc proc;
			struct etr_counter ctr;
			struct etr_end end;
		} u;
		uint32_t kind;
		int derr = 0;

		n++;
		if (err < 0) {
			bad++;
			break;
		}
		if (rec.type != 1 && !(type == ETR_CHUNK_META && rec.type == ETR_REC_META_CLOCK))
			continue; /* unknown record types are skipped */
		switch (type) {
		case ETR_CHUNK_META:
			if (rec.type == ETR_REC_META_KV)
				derr = etr_record__meta(&rec, &u.kv.a, &u.kv.b);
			else
				derr = etr_record__clock(&rec, &u.clk);
			break;
		case ETR_CHUNK_TPFORMAT:
			derr = etr_record__tpformat(&rec, &u.kv.a, &u.kv.b);
			break;
		case ETR_CHUNK_BTF:
			derr = etr_record__btf(&rec, &kind, &u.kv.a);
			break;
		case ETR_CHUNK_PROCSNAP:
			derr = etr_record__proc(&rec, &u.proc);
			if (!derr)
				walk_args(&u.proc.argv, u.proc.argc);
			break;
		case ETR_CHUNK_STATS:
			derr = etr_record__counter(&rec, &u.ctr);
			break;
		case ETR_CHUNK_END:
			derr = etr_record__end(&rec, &u.end);
			break;
		default:
			break;
		}
		if (derr)
			bad++;
	}
	*ret_records = n;
	return bad;
}

void rd_collect(struct etr_reader *r, struct rd_result *res)
{
	struct etr_chunk c;
	int err;

	while ((err = etr_reader__next_chunk(r, &c)) > 0) {
		struct rd_chunk *rc;

		if (!(res->n_chunks & (res->n_chunks - 1))) { /* 0, 1, 2, 4 ...: double */
			res->chunks = realloc(res->chunks, (res->n_chunks ? res->n_chunks * 2 : 1) *
							       sizeof(*res->chunks));
			if (!res->chunks)
				abort();
		}
		rc = &res->chunks[res->n_chunks++];
		memset(rc, 0, sizeof(*rc));
		rc->type = c.type;
		rc->flags = c.flags;
		rc->seq = c.seq;
		rc->offset = c.offset;
		rc->stored_size = c.stored_size;
		rc->raw_size = c.raw_size;
		rc->record_count = c.record_count;
		rc->size = c.size;
		rc->data = malloc(c.size ? c.size : 1);
		if (!rc->data)
			abort();
		if (c.size)
			memcpy(rc->data, c.data, c.size);
		rc->bad_records = chunk_check_records(c.type, rc->data, rc->size, &rc->records);
	}
	res->next_err = err;
	res->ended = etr_reader__ended_cleanly(r);
	etr_reader__stats(r, &res->stats);
	res->info = *etr_reader__info(r);
}

static void rd_open(struct etr_reader *(*open_fn)(const void *, size_t, int,
						  const struct etr_reader_opts *),
		    const void *buf, size_t len, int fd, struct rd_result *res)
{
	struct etr_reader_opts o = {.sz = sizeof(o), .problem_cb = on_problem, .problem_ctx = res};
	struct etr_reader *r;

	memset(res, 0, sizeof(*res));
	r = open_fn(buf, len, fd, &o);
	if (!r) {
		res->open_errno = errno;
		res->oerr = *etr_reader__open_error();
		return;
	}
	res->opened = true;
	rd_collect(r, res);
	etr_reader__free(r);
}

static struct etr_reader *open_mem_fn(const void *buf, size_t len, int fd,
				      const struct etr_reader_opts *o)
{
	(void)fd;
	return etr_reader__open_mem(buf, len, o);
}

static struct etr_reader *open_fd_fn(const void *buf, size_t len, int fd,
				     const struct etr_reader_opts *o)
{
	(void)buf;
	(void)len;
	return etr_reader__open_fd(fd, o);
}

void rd_mem(const void *buf, size_t len, struct rd_result *res)
{
	rd_open(open_mem_fn, buf, len, -1, res);
}

void rd_fd(int fd, struct rd_result *res)
{
	rd_open(open_fd_fn, NULL, 0, fd, res);
}

void rd_free(struct rd_result *res)
{
	for (size_t i = 0; i < res->n_chunks; i++)
		free(res->chunks[i].data);
	free(res->chunks);
	free(res->probs);
	memset(res, 0, sizeof(*res));
}

size_t rd_count(const struct rd_result *res, enum etr_problem_kind kind)
{
	size_t n = 0;

	for (size_t i = 0; i < res->n_probs; i++)
		n += res->probs[i].kind == kind;
	return n;
}

bool rd_chunk_equal(const struct rd_chunk *a, const struct rd_chunk *b)
{
	return a->type == b->type && a->flags == b->flags && a->seq == b->seq &&
	       a->stored_size == b->stored_size && a->raw_size == b->raw_size &&
	       a->record_count == b->record_count && a->size == b->size &&
	       !memcmp(a->data, b->data, a->size);
}

void rd_dump(const char *what, const struct rd_result *res)
{
	fprintf(stderr,
		"\n      [%s] opened=%d errno=%d oerr.kind=%d chunks=%zu problems=%zu "
		"ended=%d next_err=%d\n",
		what, res->opened, res->open_errno, res->oerr.kind, res->n_chunks, res->n_probs,
		res->ended, res->next_err);
	for (size_t i = 0; i < res->n_chunks; i++)
		fprintf(stderr, "        chunk %s seq=%llu off=%llu stored=%u raw=%u recs=%u\n",
			etr_chunk_type__str(res->chunks[i].type),
			(unsigned long long)res->chunks[i].seq,
			(unsigned long long)res->chunks[i].offset, res->chunks[i].stored_size,
			res->chunks[i].raw_size, res->chunks[i].record_count);
	for (size_t i = 0; i < res->n_probs; i++)
		fprintf(stderr, "        problem %s off=%llu seq=%llu len=%llu\n",
			etr_problem__str(res->probs[i].kind),
			(unsigned long long)res->probs[i].offset,
			(unsigned long long)res->probs[i].seq,
			(unsigned long long)res->probs[i].length);
}

/* ------------------------------------------------------------------ */
/* Events                                                              */
/* ------------------------------------------------------------------ */

bool str_eq(struct etr_str a, struct etr_str b)
{
	return a.len == b.len && (!a.len || !memcmp(a.ptr, b.ptr, a.len));
}

/* Argument blocks: every argument followed by a NUL, unless cut. */
static const struct {
	struct etr_str argv;
	uint32_t argc;
	uint32_t orig_len; /* 0 = argv.len */
	uint32_t flags;
} sample_argv[] = {
    {S("ls\0-l\0/tmp\0"), 3, 0, 0},
    /* spaces and newlines inside arguments */
    {S("sh\0-c\0echo 'a  b' c\nsecond line\n\0"), 3, 0, 0},
    /* empty arguments, the last one too */
    {S("prog\0\0middle\0\0"), 4, 0, 0},
    /* bytes that are not UTF-8 */
    {S("bin\0\xff\xfe\x80 invalid\0caf\xc3\xa9\0\xc3\0"), 4, 0, 0},
    /* no arguments at all */
    {S(""), 0, 0, 0},
    /* only an empty argument */
    {S("\0"), 1, 0, 0},
    /* cut by the recorder: the last argument has no NUL */
    {S("make\0-j8\0VERY_LONG_ARGUMENT_CU"), 3, 4096, ETR_EVF_ARGV_TRUNC},
};
#define N_ARGV (sizeof(sample_argv) / sizeof(sample_argv[0]))

static const struct etr_str sample_comm[] = {
    S("ls"), S("sh"), S("a b"), S("\xff\xfe"), S(""), S("0123456789abcde"),
};
static const struct etr_str sample_path[] = {
    S("/usr/bin/ls"), S("/bin/sh"), S("/opt/my tools/run\nme"), S("/tmp/\xff\x01"), S(""),
};
static const struct etr_str sample_env[] = {
    S("PATH=/usr/bin:/bin\0HOME=/root\0EMPTY=\0"),
    S("\0"),
    S("LANG=C.UTF-8\0X=\xff\0"),
};

void sample_event(unsigned i, struct etr_event *ev)
{
	static const uint16_t types[] = {ETR_EV_EXEC, ETR_EV_FORK, ETR_EV_EXEC_FAIL,
					 ETR_EV_EXIT, ETR_EV_EXEC, ETR_EV_LOST};
	unsigned a = i % N_ARGV;

	memset(ev, 0, sizeof(*ev));
	ev->comm = ev->filename = ev->cwd = ev->argv = ev->env = (struct etr_str){"", 0};
	ev->type = types[i % 6];
	/* timestamps mostly rise but sometimes go back (per-CPU buffers) */
	ev->ts_ns = 5000000000ull + i * 12345ull - (i % 4 == 3 ? 40000 : 0);
	/*
	 * pids go up and down and repeat within a chunk (start-time cache
	 * hits), share a cache slot (1000 and 1064), get recycled with a new
	 * start time; the tid is below or above the pid.
	 */
	{
		static const uint32_t pids[] = {1000,  1064, 1001, 2000, 1000,	 999,
						70000, 1064, 5,	   1000, 4000000};

		ev->pid = pids[i % 11] + i / 33;
	}
	ev->tid = ev->pid + (i % 3) - 1;
	ev->ppid = i % 5 ? ev->pid - 1 - i % 11 : ev->pid + 500;
	ev->uid = i % 2 ? 1000 : 0;
	ev->gid = i % 2 ? 100 : 0;
	/* a start time per pid, before or after the event; a recycled pid */
	ev->start_ns = i % 9 ? 100000ull * (ev->pid % 50000) + 17 : ev->ts_ns - 5;
	ev->cgroup_id = i % 4 ? 0x100000000ull + i : 1;
	ev->comm = sample_comm[i % 6];
	switch (ev->type) {
	case ETR_EV_EXEC:
	case ETR_EV_EXEC_FAIL:
		ev->flags = sample_argv[a].flags;
		ev->ret = ev->type == ETR_EV_EXEC_FAIL ? -(int32_t)(1 + i % 40) : 0;
		ev->filename = sample_path[i % 5];
		ev->cwd = sample_path[(i + 2) % 5];
		ev->argv = sample_argv[a].argv;
		ev->argc = sample_argv[a].argc;
		ev->argv_orig_len =
		    sample_argv[a].orig_len ? sample_argv[a].orig_len : sample_argv[a].argv.len;
		ev->old_tid = i % 4 == 0 ? ev->tid - 3 : i % 4 == 1 ? ev->tid + 9 : ev->tid;
		if ((i / 2) % 3) { /* some with the environment, some without */
			ev->flags |= ETR_EVF_ENV;
			ev->env = sample_env[i % 3];
			ev->envc = i % 3 == 0 ? 3 : i % 3 == 1 ? 1 : 2;
			ev->env_orig_len = ev->env.len + (i % 3 == 2 ? 100 : 0);
			if (i % 3 == 2)
				ev->flags |= ETR_EVF_ENV_TRUNC;
		}
		break;
	case ETR_EV_FORK:
		ev->flags = i % 2 ? ETR_EVF_THREAD : 0;
		ev->parent_tid = i % 3 ? ev->ppid + 2 : ev->ppid - 2;
		break;
	case ETR_EV_EXIT:
		ev->flags = i % 2 ? ETR_EVF_CORE_DUMPED : 0;
		ev->exit_code = i % 3 == 0 ? 0 : i % 3 == 1 ? 255 : -1;
		ev->signal = i % 2 ? 11 : 0;
		break;
	case ETR_EV_LOST:
		/* as the recorder writes it: no process */
		ev->pid = ev->tid = ev->ppid = ev->uid = ev->gid = 0;
		ev->start_ns = ev->cgroup_id = 0;
		ev->comm = (struct etr_str){"", 0};
		ev->lost_type = (uint16_t)(i % 6);
		ev->lost_count = i % 2 ? UINT64_MAX : 1u + i;
		break;
	}
}

void event_expect(const struct etr_event *in, struct etr_event *out)
{
	memset(out, 0, sizeof(*out));
	out->comm = out->filename = out->cwd = out->argv = out->env = (struct etr_str){"", 0};
	out->type = in->type;
	out->flags = in->flags;
	out->ts_ns = in->ts_ns;
	out->pid = in->pid;
	out->tid = in->tid;
	out->ppid = in->ppid;
	out->uid = in->uid;
	out->gid = in->gid;
	out->start_ns = in->start_ns;
	out->cgroup_id = in->cgroup_id;
	out->comm = in->comm;
	switch (in->type) {
	case ETR_EV_EXEC:
	case ETR_EV_EXEC_FAIL:
		out->ret = in->ret;
		out->filename = in->filename;
		out->cwd = in->cwd;
		out->argc = in->argc;
		out->argv_orig_len = in->argv_orig_len;
		out->argv = in->argv;
		out->old_tid = in->old_tid;
		if (in->flags & ETR_EVF_ENV) {
			out->envc = in->envc;
			out->env_orig_len = in->env_orig_len;
			out->env = in->env;
		}
		break;
	case ETR_EV_FORK:
		out->parent_tid = in->parent_tid;
		break;
	case ETR_EV_EXIT:
		out->exit_code = in->exit_code;
		out->signal = in->signal;
		break;
	case ETR_EV_LOST:
		out->lost_type = in->lost_type;
		out->lost_count = in->lost_count;
		break;
	}
}

bool event_equal(const struct etr_event *a, const struct etr_event *b)
{
	return a->type == b->type && a->flags == b->flags && a->ts_ns == b->ts_ns &&
	       a->pid == b->pid && a->tid == b->tid && a->ppid == b->ppid && a->uid == b->uid &&
	       a->gid == b->gid && a->start_ns == b->start_ns && a->cgroup_id == b->cgroup_id &&
	       str_eq(a->comm, b->comm) && a->ret == b->ret && str_eq(a->filename, b->filename) &&
	       str_eq(a->cwd, b->cwd) && a->argc == b->argc &&
	       a->argv_orig_len == b->argv_orig_len && str_eq(a->argv, b->argv) &&
	       a->envc == b->envc && a->env_orig_len == b->env_orig_len && str_eq(a->env, b->env) &&
	       a->old_tid == b->old_tid && a->parent_tid == b->parent_tid &&
	       a->exit_code == b->exit_code && a->signal == b->signal &&
	       a->lost_type == b->lost_type && a->lost_count == b->lost_count;
}

void event_print(const char *what, const struct etr_event *ev)
{
	fprintf(stderr,
		"\n      %s: type=%u flags=%#x ts=%llu pid=%u tid=%u ppid=%u uid=%u gid=%u "
		"start=%llu cg=%llu comm=%u ret=%d file=%u cwd=%u argc=%u argv_orig=%u argv=%u "
		"envc=%u env_orig=%u env=%u old_tid=%u ptid=%u exit=%d sig=%d lost=%u/%llu",
		what, ev->type, ev->flags, (unsigned long long)ev->ts_ns, ev->pid, ev->tid,
		ev->ppid, ev->uid, ev->gid, (unsigned long long)ev->start_ns,
		(unsigned long long)ev->cgroup_id, ev->comm.len, ev->ret, ev->filename.len,
		ev->cwd.len, ev->argc, ev->argv_orig_len, ev->argv.len, ev->envc, ev->env_orig_len,
		ev->env.len, ev->old_tid, ev->parent_tid, ev->exit_code, ev->signal, ev->lost_type,
		(unsigned long long)ev->lost_count);
}

void enc_record(struct tbuf *b, uint8_t type, const struct tbuf *body)
{
	tbuf_put_u8(b, type);
	tbuf_put_str(b, body->data, body->len);
}

void enc_event_body(struct tbuf *b, const struct etr_event *ev, struct enc_state *st)
{
	unsigned slot = ev->pid % 64;
	uint64_t start_ref =
	    ev->pid && st->cache_pid[slot] == ev->pid ? st->cache_start[slot] : ev->ts_ns;

	/* the common prefix of event types 1..63 */
	tbuf_put_uv(b, ev->flags);
	tbuf_put_sv(b, (int64_t)(ev->ts_ns - st->prev_ts));
	tbuf_put_sv(b, (int64_t)ev->pid - (int64_t)st->prev_pid);
	tbuf_put_sv(b, (int64_t)ev->tid - (int64_t)ev->pid);
	tbuf_put_sv(b, (int64_t)ev->ppid - (int64_t)st->prev_ppid);
	tbuf_put_uv(b, ev->uid);
	tbuf_put_uv(b, ev->gid);
	tbuf_put_sv(b, (int64_t)(ev->start_ns - start_ref));
	tbuf_put_uv(b, ev->cgroup_id);
	tbuf_put_str(b, ev->comm.ptr, ev->comm.len);
	st->prev_ts = ev->ts_ns;
	st->prev_pid = ev->pid;
	st->prev_ppid = ev->ppid;
	st->cache_pid[slot] = ev->pid;
	st->cache_start[slot] = ev->start_ns;

	switch (ev->type) {
	case ETR_EV_EXEC:
	case ETR_EV_EXEC_FAIL:
		tbuf_put_sv(b, ev->ret);
		tbuf_put_str(b, ev->filename.ptr, ev->filename.len);
		tbuf_put_str(b, ev->cwd.ptr, ev->cwd.len);
		tbuf_put_uv(b, ev->argc);
		tbuf_put_uv(b, ev->argv_orig_len);
		tbuf_put_str(b, ev->argv.ptr, ev->argv.len);
		tbuf_put_sv(b, (int64_t)ev->old_tid - (int64_t)ev->tid);
		if (ev->flags & ETR_EVF_ENV) {
			tbuf_put_uv(b, ev->envc);
			tbuf_put_uv(b, ev->env_orig_len);
			tbuf_put_str(b, ev->env.ptr, ev->env.len);
		}
		break;
	case ETR_EV_FORK:
		tbuf_put_sv(b, (int64_t)ev->parent_tid - (int64_t)ev->ppid);
		break;
	case ETR_EV_EXIT:
		tbuf_put_sv(b, ev->exit_code);
		tbuf_put_uv(b, (uint32_t)ev->signal);
		break;
	case ETR_EV_LOST:
		tbuf_put_uv(b, ev->lost_type);
		tbuf_put_uv(b, ev->lost_count);
		break;
	default:
		break;
	}
}

/* ------------------------------------------------------------------ */
/* The sample trace                                                    */
/* ------------------------------------------------------------------ */

static const char tp_exec[] =
    "name: sched_process_exec\nID: 316\nformat:\n"
    "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
    "\tfield:__data_loc char[] filename;\toffset:8;\tsize:4;\tsigned:0;\n"
    "\tfield:pid_t pid;\toffset:12;\tsize:4;\tsigned:1;\n\n"
    "print fmt: \"filename=%s pid=%d old_pid=%d\", __get_str(filename), REC->pid\n";

void build_sample(struct tbuf *out, int level, bool async, uint8_t id_byte)
{
	struct etr_writer_opts o;
	struct etr_clock clk = {.boottime_ns = 5000000000ull,
				.realtime_ns = 1700000000000000000ull,
				.monotonic_ns = 4900000000ull};
	uint8_t btf[300];
	struct etr_writer *w;
	int fd = tmp_fd(), err = 0;

	if (fd < 0)
		abort();
	test_wopts(&o, id_byte);
	o.level = level;
	o.async = async;
	o.chunk_bytes = 700;
	o.flush_interval_ns = UINT64_MAX / 2; /* seal by size only: reproducible */
	w = etr_writer__open_fd(fd, &o);
	if (!w)
		abort();

	err |= etr_writer__write_meta(w, "hostname", "box", 3);
	err |= etr_writer__write_meta(w, "uname", "Linux box 6.1.0-13-amd64 #1 SMP x86_64", 38);
	err |= etr_writer__write_meta(w, "empty", "", 0);
	err |= etr_writer__write_meta(w, "binary", "\0\xff\n", 3);
	err |= etr_writer__write_clock(w, &clk);
	err |=
	    etr_writer__write_tpformat(w, "sched:sched_process_exec", tp_exec, sizeof(tp_exec) - 1);
	err |= etr_writer__write_tpformat(w, "sched:sched_process_fork", "name: x\n", 8);
	for (size_t i = 0; i < sizeof(btf); i++)
		btf[i] = (uint8_t)(i * 131 + (i >> 3));
	err |= etr_writer__write_btf(w, ETR_BTF_SUBSET, btf, sizeof(btf));
	for (uint32_t i = 0; i < 3; i++) {
		struct etr_proc p = {
		    .flags = i,
		    .ts_ns = 4999999000ull + i,
		    .pid = 1 + i * 100,
		    .ppid = i,
		    .uid = 0,
		    .gid = 0,
		    .start_ns = 100 + i,
		    .cgroup_id = 1,
		    .comm = i ? S("bash") : S("systemd"),
		    .exe = i ? S("/usr/bin/bash") : S("/usr/lib/systemd/systemd"),
		    .cwd = S("/"),
		    .argc = i ? 2 : 3,
		    .argv = i ? S("bash\0-l\0") : S("/sbin/init\0splash\0\0"),
		};
		err |= etr_writer__write_proc(w, &p);
	}
	for (unsigned i = 0; i < SAMPLE_EVENTS * 2 / 3; i++) {
		struct etr_event ev;

		sample_event(i, &ev);
		err |= etr_writer__write_event(w, &ev);
	}
	for (unsigned i = 0; i < 3; i++) {
		struct etr_counter c = {.ts_ns = 6000000000ull + i,
					.name = i ? S("lost.exec") : S("lost.fork"),
					.value = i * 1000ull};

		err |= etr_writer__write_counter(w, &c);
	}
	for (unsigned i = SAMPLE_EVENTS * 2 / 3; i < SAMPLE_EVENTS; i++) {
		struct etr_event ev;

		sample_event(i, &ev);
		err |= etr_writer__write_event(w, &ev);
	}
	err |= etr_writer__close(w, 0);
	etr_writer__free(w);
	if (err || slurp_fd(fd, out))
		abort();
	close(fd);
}
