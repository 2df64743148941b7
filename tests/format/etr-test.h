/* SPDX-License-Identifier: MIT */
/*
 * Shared by the format/ suites: a file image in memory, a reader that
 * collects everything it sees (chunks copied, problems in order), a
 * deterministic sample trace, and an encoder written from the record
 * layout independently of format/writer.c, for hand-made records.
 */
#ifndef EXECREC_TESTS_ETR_TEST_H
#define EXECREC_TESTS_ETR_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <CUnit/CUnit.h>

#include "etr.h"

/* One registration function per area (called by the runner's main). */
void register_roundtrip(void);
void register_damage(void);
void register_compat(void);
void register_io(void);
void register_limit(void);
void register_walk(void);

/* A growable byte buffer: a file image or a record body. */
struct tbuf {
	uint8_t *data;
	size_t len;
	size_t cap;
};
void tbuf_put(struct tbuf *b, const void *p, size_t len);
void tbuf_put_u8(struct tbuf *b, uint8_t v);
void tbuf_put_uv(struct tbuf *b, uint64_t v); /* LEB128 */
void tbuf_put_sv(struct tbuf *b, int64_t v);  /* zigzag + LEB128 */
void tbuf_put_str(struct tbuf *b, const void *p, size_t len);
void tbuf_free(struct tbuf *b);

/* An unlinked temporary file (mkstemp), open read-write. */
int tmp_fd(void);
/* The whole content of @fd into @out (from offset 0). 0 or -errno. */
int slurp_fd(int fd, struct tbuf *out);

/* Writer options with a fixed trace id and creation time. */
void test_wopts(struct etr_writer_opts *o, uint8_t id_byte);

/* What a reader saw, copied out of it. */
struct rd_chunk {
	uint16_t type;
	uint16_t flags;
	uint64_t seq;
	uint64_t offset;
	uint32_t stored_size;
	uint32_t raw_size;
	uint32_t record_count;
	uint8_t *data;
	size_t size;
	/* records in the chunk that failed to decode with their decoder */
	unsigned bad_records;
	unsigned records;
};

struct rd_result {
	bool opened;
	int open_errno;
	struct etr_open_error oerr;
	struct etr_file_info info;
	struct rd_chunk *chunks;
	size_t n_chunks;
	struct etr_problem *probs;
	size_t n_probs;
	int next_err; /* last etr_reader__next_chunk() result: 0 or -errno */
	bool ended;
	struct etr_reader_stats stats;
};

void rd_collect(struct etr_reader *r, struct rd_result *res);
void rd_mem(const void *buf, size_t len, struct rd_result *res);
void rd_fd(int fd, struct rd_result *res);
void rd_free(struct rd_result *res);
/* Problems of @kind in @res. */
size_t rd_count(const struct rd_result *res, enum etr_problem_kind kind);
bool rd_chunk_equal(const struct rd_chunk *a, const struct rd_chunk *b);
/* Print a result (for the message of a failed check). */
void rd_dump(const char *what, const struct rd_result *res);

/* Decode every record of a chunk with its decoder; bad ones counted. */
unsigned chunk_check_records(uint16_t type, const uint8_t *data, size_t size,
			     unsigned *ret_records);
/* A chunk struct over a copied payload, ready for record iteration. */
void chunk_over(struct etr_chunk *c, uint16_t type, const uint8_t *data, size_t size);
/* The END record of an END chunk; false (with a failed assertion) if the
 * chunk is not one or its record does not decode. */
bool end_record(const struct rd_chunk *ch, struct etr_end *end);

/* Strings in test tables. */
#define S(lit) ((struct etr_str){.ptr = (lit), .len = sizeof(lit) - 1})
bool str_eq(struct etr_str a, struct etr_str b);

/* Events: the i-th event of the sample, all types, every field in use. */
void sample_event(unsigned i, struct etr_event *ev);
/* The event as the reader returns it: fields of other types zero, env only
 * with ETR_EVF_ENV, string pointers ignored by event_equal. */
void event_expect(const struct etr_event *in, struct etr_event *out);
bool event_equal(const struct etr_event *a, const struct etr_event *b);
void event_print(const char *what, const struct etr_event *ev);

/* The delta state of an EVENTS chunk as SPEC.md defines it ("EVENTS
 * chunk"), kept by the test's own encoder; all zero at a chunk's start. */
struct enc_state {
	uint64_t prev_ts;
	uint32_t prev_pid;
	uint32_t prev_ppid;
	uint32_t cache_pid[64];
	uint64_t cache_start[64];
};
/* Encode the body of a prefixed event record (types 1..63) the way SPEC.md
 * lays it out; of a type it does not know, the prefix only. */
void enc_event_body(struct tbuf *b, const struct etr_event *ev, struct enc_state *st);
/* A whole record: type, length, body. */
void enc_record(struct tbuf *b, uint8_t type, const struct tbuf *body);

/*
 * The sample trace: every chunk type, several EVENTS chunks sealed by size,
 * compressed and raw chunks, an END chunk. @level as etr_writer_opts.level.
 */
#define SAMPLE_EVENTS 60
void build_sample(struct tbuf *out, int level, bool async, uint8_t id_byte);

/* Report loop failures once: LOOP_FAIL prints the first few. */
#define LOOP_FAIL(nfail, ...)                                                                      \
	do {                                                                                       \
		if ((nfail)++ < 5) {                                                               \
			fprintf(stderr, "\n    %s:%d: ", __FILE__, __LINE__);                      \
			fprintf(stderr, __VA_ARGS__);                                              \
		}                                                                                  \
	} while (0)

#endif
