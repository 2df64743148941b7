/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target of the .etr reader (libFuzzer's LLVMFuzzerTestOneInput).
 *
 * Every input is used three ways:
 *  1. as a whole file: open_mem, every chunk, every record, every decoder,
 *     and the same through the walker (etr_walk);
 *  2. the same with its checksums made to agree (file header CRC, chunk
 *     header and payload CRCs, trailer copies), so that mutations get past
 *     the CRCs into decompression and record decoding inside real framing;
 *  3. as the decompressed payload of a chunk of every type, straight into
 *     the record decoders.
 * It checks what the reader promises beyond not crashing: a chunk lies
 * within the input, its payload has the size its header says, decoded
 * strings lie within the payload, problems lie within the input.
 *
 * Built by tests/fuzz/meson.build twice: with -fsanitize=fuzzer (only with
 * -Dfuzz=true and clang), and always with fuzz_main.c, which replays a
 * corpus through the same function as an ordinary test.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_reader: check failed: %s (line %d)\n", #cond,        \
				__LINE__);                                                         \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* Something the compiler cannot drop, so every string byte is read. */
static volatile uint32_t sink;

struct span {
	const uint8_t *lo, *hi;
};

static void touch(const struct span *in, const struct etr_str *s)
{
	uint32_t h = 0;

	CHECK(s->ptr != NULL);
	if (!s->len)
		return;
	CHECK((const uint8_t *)s->ptr >= in->lo && (const uint8_t *)s->ptr + s->len <= in->hi);
	for (uint32_t i = 0; i < s->len; i++)
		h = h * 31 + (uint8_t)s->ptr[i];
	sink += h;
}

static void walk_args(const struct span *in, const struct etr_str *block)
{
	struct etr_str a;
	uint32_t pos = 0, n = 0;

	touch(in, block);
	while (etr_args__next(block, &pos, &a)) {
		CHECK(pos <= block->len);
		touch(in, &a);
		CHECK(++n <= block->len);
	}
	CHECK(pos == block->len);
}

/* Every record of a payload, with every decoder. */
static void decode_payload(uint16_t type, const uint8_t *data, size_t size)
{
	struct span in = {data, data + size};
	struct etr_chunk c;
	struct etr_record rec;
	uint32_t n = 0;
	int err;

	memset(&c, 0, sizeof(c));
	c.type = type;
	c.data = data;
	c.size = size;
	if (type == ETR_CHUNK_EVENTS) {
		struct etr_event ev;

		while ((err = etr_chunk__next_event(&c, &ev)) > 0) {
			touch(&in, &ev.comm);
			touch(&in, &ev.filename);
			touch(&in, &ev.cwd);
			walk_args(&in, &ev.argv);
			walk_args(&in, &ev.env);
			sink += (uint32_t)ev.ts_ns + ev.pid + ev.tid + ev.ppid;
			sink += (uint32_t)etr_event_type__str(ev.type)[0];
		}
		CHECK(err == 0 || err == -EBADMSG);
		CHECK(c.pos <= c.size);
		/* start over: the framing alone */
		c.pos = 0;
		c.records_read = 0;
	}
	while ((err = etr_chunk__next_record(&c, &rec)) > 0) {
		struct etr_str a, b;
		struct etr_clock clk;
		struct etr_proc proc;
		struct etr_counter ctr;
		struct etr_end end;
		struct etr_cgroup cg;
		uint32_t kind;

		CHECK(rec.body >= data && rec.body + rec.len <= data + size);
		CHECK(rec.offset < size);
		n++;
		if (!etr_record__meta(&rec, &a, &b)) {
			touch(&in, &a);
			touch(&in, &b);
		}
		if (!etr_record__clock(&rec, &clk))
			sink += (uint32_t)clk.boottime_ns;
		if (!etr_record__tpformat(&rec, &a, &b)) {
			touch(&in, &a);
			touch(&in, &b);
		}
		if (!etr_record__btf(&rec, &kind, &a))
			touch(&in, &a);
		if (!etr_record__proc(&rec, &proc)) {
			touch(&in, &proc.comm);
			touch(&in, &proc.exe);
			touch(&in, &proc.cwd);
			walk_args(&in, &proc.argv);
		}
		if (!etr_record__counter(&rec, &ctr))
			touch(&in, &ctr.name);
		if (!etr_record__end(&rec, &end))
			sink += end.status;
		if (!etr_record__cgroup(&rec, &cg))
			touch(&in, &cg.path);
	}
	CHECK(err == 0 || err == -EBADMSG);
	CHECK(c.records_read == n);
	CHECK(c.pos <= c.size);
}

static void on_problem(void *ctx, const struct etr_problem *p)
{
	size_t size = *(const size_t *)ctx;

	CHECK(p->kind >= ETR_PROB_TRUNCATED && p->kind <= ETR_PROB_IO);
	CHECK(p->offset <= size);
	CHECK(p->length <= size);
	sink += (uint32_t)etr_problem__str(p->kind)[0];
}

static void read_file(const uint8_t *data, size_t size)
{
	struct etr_reader_opts o = {
	    .sz = sizeof(o), .problem_cb = on_problem, .problem_ctx = &size};
	struct etr_reader_stats st;
	struct etr_reader *r;
	struct etr_chunk c;
	uint64_t chunks = 0, prev_end = 0;
	bool saw_end = false;
	int err;

	r = etr_reader__open_mem(data, size, &o);
	if (!r) {
		const struct etr_open_error *oe = etr_reader__open_error();

		CHECK(oe->kind >= ETR_PROB_TRUNCATED && oe->kind <= ETR_PROB_IO);
		return;
	}
	CHECK(etr_reader__info(r)->header_size >= ETR_FILE_HEADER_SIZE);
	while ((err = etr_reader__next_chunk(r, &c)) > 0) {
		uint64_t end =
		    c.offset + ETR_CHUNK_HEADER_SIZE + c.stored_size + ETR_CHUNK_TRAILER_SIZE;

		/* never invented: a chunk is bytes of the input, in order */
		CHECK(c.offset >= prev_end && end <= size);
		CHECK(c.raw_size <= ETR_MAX_CHUNK_RAW);
		CHECK(c.data != NULL && c.size == c.raw_size);
		prev_end = end;
		chunks++;
		saw_end |= c.type == ETR_CHUNK_END;
		sink += (uint32_t)etr_chunk_type__str(c.type)[0];
		decode_payload(c.type, c.data, c.size);
	}
	CHECK(err == 0);
	CHECK(etr_reader__next_chunk(r, &c) == 0);
	CHECK(etr_reader__ended_cleanly(r) == saw_end);
	etr_reader__stats(r, &st);
	CHECK(st.chunks == chunks);
	CHECK(st.bytes_read == size);
	etr_reader__free(r);
}

/* The same file through the walker (etr_walk): every item within the input
 * and its chunk, every decoded string within the chunk's payload, a chunk's
 * end for each chunk, BAD_RECORD only as its chunk ends. */
static void walk_file(const uint8_t *data, size_t size)
{
	struct etr_walk_opts o = {.sz = sizeof(o), .problem_cb = on_problem, .problem_ctx = &size};
	struct etr_walk_item it;
	struct etr_event ev;
	struct etr_walk *w;
	uint64_t chunks = 0, ends = 0;
	bool in_chunk = false;
	int err;

	w = etr_walk__open_mem(data, size, &o);
	if (!w)
		return;
	while ((err = etr_walk__next(w, &it, (chunks & 1) ? &ev : NULL)) > 0) {
		const struct etr_chunk *c = it.chunk;
		struct span in = {c->data, c->data + c->size};

		CHECK(c->offset < size && c->data != NULL);
		if (it.rec.body)
			CHECK(it.rec.body >= in.lo && it.rec.body + it.rec.len <= in.hi &&
			      it.rec.offset + it.rec.len <= c->size);
		switch (it.kind) {
		case ETR_WALK_CHUNK:
			CHECK(!in_chunk);
			in_chunk = true;
			chunks++;
			break;
		case ETR_WALK_CHUNK_END:
			CHECK(in_chunk);
			in_chunk = false;
			ends++;
			break;
		case ETR_WALK_EVENT:
			CHECK(c->type == ETR_CHUNK_EVENTS && it.ev);
			touch(&in, &it.ev->comm);
			touch(&in, &it.ev->filename);
			touch(&in, &it.ev->cwd);
			walk_args(&in, &it.ev->argv);
			walk_args(&in, &it.ev->env);
			break;
		case ETR_WALK_META:
			touch(&in, &it.meta.key);
			touch(&in, &it.meta.value);
			break;
		case ETR_WALK_TPFORMAT:
			touch(&in, &it.tpformat.name);
			touch(&in, &it.tpformat.text);
			break;
		case ETR_WALK_BTF:
			touch(&in, &it.btf.data);
			break;
		case ETR_WALK_PROC:
			touch(&in, &it.proc.comm);
			touch(&in, &it.proc.exe);
			touch(&in, &it.proc.cwd);
			walk_args(&in, &it.proc.argv);
			break;
		case ETR_WALK_COUNTER:
			touch(&in, &it.counter.name);
			break;
		case ETR_WALK_CGROUP:
			touch(&in, &it.cgroup.path);
			break;
		case ETR_WALK_CLOCK:
		case ETR_WALK_END:
		case ETR_WALK_BAD:
		case ETR_WALK_UNKNOWN:
			CHECK(in_chunk);
			break;
		default:
			CHECK(!"an item of no known kind");
		}
	}
	CHECK(err == 0);
	CHECK(!in_chunk && chunks == ends);
	CHECK(etr_walk__next(w, &it, NULL) == 0);
	etr_walk__free(w);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Make the checksums of a file image agree with its bytes (SPEC.md). */
static void fix_crcs(uint8_t *d, size_t size)
{
	size_t pos = ETR_FILE_HEADER_SIZE;

	if (size >= ETR_FILE_HEADER_SIZE) {
		uint32_t hs = le32(d + 12);

		if (hs >= ETR_FILE_HEADER_SIZE && hs <= ETR_MAX_FILE_HEADER && hs <= size) {
			put_le32(d + hs - 4, etr_crc32c(0, d, hs - 4));
			pos = hs;
		}
	}
	while (pos + ETR_CHUNK_HEADER_SIZE <= size) {
		uint32_t hs, stored, hcrc;
		uint8_t *h = d + pos, *t;

		if (memcmp(h, "ETRC", 4)) {
			pos++;
			continue;
		}
		hs = le32(h + 8);
		stored = le32(h + 12);
		if (hs < ETR_CHUNK_HEADER_SIZE || hs > ETR_MAX_CHUNK_HEADER ||
		    (uint64_t)pos + hs + stored + ETR_CHUNK_TRAILER_SIZE > size) {
			pos++;
			continue;
		}
		put_le32(h + 40, etr_crc32c(0, h + hs, stored));
		hcrc = etr_crc32c(0, h, hs - 4);
		put_le32(h + hs - 4, hcrc);
		t = h + hs + stored;
		memcpy(t, "ETRT", 4);
		put_le32(t + 4, hcrc);
		put_le32(t + 8, hs + stored + ETR_CHUNK_TRAILER_SIZE);
		put_le32(t + 12, 0);
		pos += hs + stored + ETR_CHUNK_TRAILER_SIZE;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t types[] = {ETR_CHUNK_META,     ETR_CHUNK_TPFORMAT, ETR_CHUNK_BTF,
					 ETR_CHUNK_PROCSNAP, ETR_CHUNK_EVENTS,	 ETR_CHUNK_STATS,
					 ETR_CHUNK_END,	     ETR_CHUNK_CGROUP,	 99};
	uint8_t *copy;

	/* an exact-size copy: ASan sees any read past the end */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);

	read_file(copy, size);
	walk_file(copy, size);
	if (size <= (4u << 20)) {
		fix_crcs(copy, size);
		read_file(copy, size);
		walk_file(copy, size);
		memcpy(copy, data, size);
	}
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		decode_payload(types[i], copy, size);
	free(copy);
	return 0;
}
