/* SPDX-License-Identifier: MIT */
/*
 * Damage: every truncation point, every single-bit flip, garbage between
 * chunks, chunks of another trace, missing and repeated chunks, sizes
 * beyond the limits, frames that pass the CRC but do not decompress.
 * Whatever the damage: never a crash, never a record that was not written,
 * every chunk that was not touched comes back unchanged.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "etr-test.h"

/* chunk header field offsets (SPEC.md, "Chunks") */
#define CH_TYPE 4
#define CH_FLAGS 6
#define CH_HSIZE 8
#define CH_STORED 12
#define CH_RAW 16
#define CH_SEQ 24
#define CH_TAG 32
#define CH_PCRC 40
#define CH_HCRC 44

/* The samples, compressed (level 3) and raw, and how they read. */
static struct sample {
	int level;
	struct tbuf file;
	struct rd_result ref;
} samples[2] = {{.level = 3}, {.level = -1}};

static int damage_init(void)
{
	for (int i = 0; i < 2; i++) {
		build_sample(&samples[i].file, samples[i].level, false, 11);
		rd_mem(samples[i].file.data, samples[i].file.len, &samples[i].ref);
		if (!samples[i].ref.opened || samples[i].ref.n_probs || !samples[i].ref.ended ||
		    samples[i].ref.n_chunks < 10)
			return -1;
	}
	return 0;
}

static int damage_cleanup(void)
{
	for (int i = 0; i < 2; i++) {
		rd_free(&samples[i].ref);
		tbuf_free(&samples[i].file);
	}
	return 0;
}

static uint64_t chunk_end(const struct rd_chunk *c)
{
	return c->offset + ETR_CHUNK_HEADER_SIZE + c->stored_size + ETR_CHUNK_TRAILER_SIZE;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* After editing a chunk at @off in place: make its CRCs and trailer agree
 * (@stored: the payload size it had before the edit). */
static void fix_chunk(uint8_t *file, uint64_t off, uint32_t stored, bool payload_too)
{
	uint8_t *h = file + off;
	uint32_t hcrc;

	if (payload_too)
		put32(h + CH_PCRC, etr_crc32c(0, h + ETR_CHUNK_HEADER_SIZE, stored));
	hcrc = etr_crc32c(0, h, ETR_CHUNK_HEADER_SIZE - 4);
	put32(h + CH_HCRC, hcrc);
	put32(h + ETR_CHUNK_HEADER_SIZE + stored + 4, hcrc);
}

/*
 * Does @res hold exactly the reference chunks, except those in [skip_from,
 * skip_to)? Prints the first difference.
 */
static bool same_chunks_except(const struct rd_result *res, const struct rd_result *ref,
			       size_t skip_from, size_t skip_to)
{
	size_t j = 0;

	for (size_t i = 0; i < ref->n_chunks; i++) {
		if (i >= skip_from && i < skip_to)
			continue;
		if (j >= res->n_chunks) {
			fprintf(stderr, "\n      chunk %zu missing", i);
			return false;
		}
		if (!rd_chunk_equal(&res->chunks[j], &ref->chunks[i])) {
			fprintf(stderr, "\n      chunk %zu differs (read as #%zu)", i, j);
			return false;
		}
		if (res->chunks[j].bad_records)
			return false;
		j++;
	}
	if (j != res->n_chunks) {
		fprintf(stderr, "\n      %zu chunks more than written", res->n_chunks - j);
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* Truncation                                                          */
/* ------------------------------------------------------------------ */

/*
 * Every prefix of the file: exactly the chunks that end at or before the
 * cut, plus one "truncated" problem at the offset of the chunk that was cut
 * (none at a chunk boundary); clean end only with the END chunk.
 */
static void truncation_case(const struct sample *s)
{
	const struct rd_result *ref = &s->ref;
	unsigned nfail = 0;

	for (size_t len = 0; len <= s->file.len; len++) {
		struct rd_result res;
		size_t complete = 0;
		bool boundary = len == ETR_FILE_HEADER_SIZE;
		uint8_t *copy = malloc(len ? len : 1);

		/* a copy of exactly len bytes, so ASan sees any overread */
		memcpy(copy, s->file.data, len);
		rd_mem(copy, len, &res);
		for (size_t i = 0; i < ref->n_chunks; i++) {
			if (chunk_end(&ref->chunks[i]) <= len)
				complete = i + 1;
			if (chunk_end(&ref->chunks[i]) == len)
				boundary = true;
		}
		if (len < ETR_FILE_HEADER_SIZE) {
			/* no complete header: refused; a cut magic is a cut trace */
			if (res.opened)
				LOOP_FAIL(nfail, "prefix %zu: opened", len);
			else if (len > 0 &&
				 (res.open_errno != EBADMSG || res.oerr.kind != ETR_PROB_TRUNCATED))
				LOOP_FAIL(nfail, "prefix %zu: errno %d kind %d", len,
					  res.open_errno, res.oerr.kind);
		} else if (!res.opened) {
			LOOP_FAIL(nfail, "prefix %zu: not opened (errno %d)", len, res.open_errno);
		} else {
			bool ok = res.n_chunks == complete && res.next_err == 0 &&
				  same_chunks_except(&res, ref, complete, ref->n_chunks);

			if (boundary)
				ok = ok && res.n_probs == 0;
			else
				ok = ok && res.n_probs == 1 &&
				     res.probs[0].kind == ETR_PROB_TRUNCATED &&
				     res.probs[0].offset == ref->chunks[complete].offset;
			ok = ok && res.ended == (len == s->file.len);
			ok = ok && res.stats.chunks == complete;
			if (!ok) {
				LOOP_FAIL(nfail, "prefix %zu (level %d): want %zu chunks%s", len,
					  s->level, complete, boundary ? ", no problem" : "");
				rd_dump("got", &res);
			}
		}
		rd_free(&res);
		free(copy);
	}
	CU_ASSERT_EQUAL(nfail, 0);
}

static void test_truncation_zstd(void)
{
	truncation_case(&samples[0]);
}

static void test_truncation_raw(void)
{
	truncation_case(&samples[1]);
}

/*
 * The same through a file descriptor (the reader's sliding window), and
 * etr_file__last_chunk() on every prefix: the last complete chunk.
 */
static void test_truncation_fd_and_tail(void)
{
	const struct sample *s = &samples[0];
	const struct rd_result *ref = &s->ref;
	unsigned nfail = 0;
	int fd = tmp_fd();

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(pwrite(fd, s->file.data, s->file.len, 0) == (ssize_t)s->file.len);
	for (size_t len = s->file.len + 1; len-- > 0;) {
		struct etr_chunk_loc loc;
		struct rd_result res;
		size_t complete = 0;
		int err;

		CU_ASSERT_FATAL(ftruncate(fd, (off_t)len) == 0);
		for (size_t i = 0; i < ref->n_chunks; i++)
			if (chunk_end(&ref->chunks[i]) <= len)
				complete = i + 1;

		err = etr_file__last_chunk(fd, &loc);
		if (complete == 0 && err != -ENOENT)
			LOOP_FAIL(nfail, "tail of prefix %zu: %d, want -ENOENT", len, err);
		if (complete > 0) {
			const struct rd_chunk *want = &ref->chunks[complete - 1];

			if (err || loc.offset != want->offset || loc.seq != want->seq ||
			    loc.type != want->type || loc.offset + loc.size != chunk_end(want))
				LOOP_FAIL(nfail, "tail of prefix %zu: err %d off %llu, want %llu",
					  len, err, (unsigned long long)loc.offset,
					  (unsigned long long)want->offset);
		}

		if (len < ETR_FILE_HEADER_SIZE)
			continue;
		CU_ASSERT_FATAL(lseek(fd, 0, SEEK_SET) == 0);
		rd_fd(fd, &res);
		if (!res.opened || res.n_chunks != complete ||
		    !same_chunks_except(&res, ref, complete, ref->n_chunks) || res.n_probs > 1 ||
		    res.ended != (len == s->file.len) || res.stats.bytes_read != len) {
			LOOP_FAIL(nfail, "fd prefix %zu: want %zu chunks", len, complete);
			rd_dump("got", &res);
		}
		rd_free(&res);
	}
	CU_ASSERT_EQUAL(nfail, 0);
	/* not a regular file */
	{
		int p[2];
		struct etr_chunk_loc loc;

		CU_ASSERT_FATAL(pipe(p) == 0);
		CU_ASSERT_EQUAL(etr_file__last_chunk(p[0], &loc), -ESPIPE);
		CU_ASSERT_EQUAL(etr_file__last_chunk(-1, &loc), -EINVAL);
		close(p[0]);
		close(p[1]);
	}
	close(fd);
}

/* ------------------------------------------------------------------ */
/* Bit flips                                                           */
/* ------------------------------------------------------------------ */

/*
 * Flip each bit of the file in turn. A flip in the magic: the file is not
 * a trace. In the rest of the file header: reported, every chunk still
 * read. In chunk k: one problem at k's offset, covering k; k is skipped;
 * every other chunk reads as written.
 */
static void bitflip_case(const struct sample *s)
{
	const struct rd_result *ref = &s->ref;
	uint8_t *copy = malloc(s->file.len);
	unsigned nfail = 0;
	size_t k = 0;

	CU_ASSERT_FATAL(copy != NULL);
	memcpy(copy, s->file.data, s->file.len);
	for (size_t byte = 0; byte < s->file.len; byte++) {
		while (k < ref->n_chunks && chunk_end(&ref->chunks[k]) <= byte)
			k++;
		for (int bit = 0; bit < 8; bit++) {
			struct rd_result res;
			bool ok;

			copy[byte] ^= (uint8_t)(1u << bit);
			rd_mem(copy, s->file.len, &res);
			copy[byte] ^= (uint8_t)(1u << bit);

			if (byte < ETR_MAGIC_SIZE) {
				ok = !res.opened && res.open_errno == EINVAL &&
				     res.oerr.kind == ETR_PROB_BAD_MAGIC;
			} else if (byte < ETR_FILE_HEADER_SIZE) {
				ok = res.opened && res.n_probs >= 1 &&
				     res.probs[0].kind == ETR_PROB_HEADER_CHECKSUM &&
				     res.probs[0].offset == 0 && res.ended &&
				     same_chunks_except(&res, ref, 0, 0);
				/*
				 * Known limit (SPEC.md, "Reading the header", step 2):
				 * a flip in header_size that makes it larger than the
				 * whole file reads as a cut header, and the file is
				 * refused. Only possible for files under 4 KiB.
				 */
				if (!res.opened && byte >= 12 && byte < 16) {
					uint32_t hs = get32(s->file.data + 12) ^
						      (1u << ((byte - 12) * 8 + bit));

					ok = hs <= ETR_MAX_FILE_HEADER && hs > s->file.len &&
					     res.oerr.kind == ETR_PROB_TRUNCATED;
				}
			} else {
				const struct rd_chunk *c = &ref->chunks[k];
				/*
				 * A header_size of the last chunk made larger than
				 * the bytes left cannot be told from a header cut
				 * by the end of the file: "truncated" is fair.
				 */
				bool cut_like = k + 1 == ref->n_chunks &&
						byte >= c->offset + CH_HSIZE &&
						byte < c->offset + CH_HSIZE + 4;

				ok = res.opened && res.n_probs == 1 &&
				     res.probs[0].offset == c->offset &&
				     res.probs[0].length == chunk_end(c) - c->offset &&
				     (res.probs[0].kind != ETR_PROB_TRUNCATED || cut_like) &&
				     res.probs[0].kind != ETR_PROB_SEQUENCE_GAP &&
				     res.ended == (k + 1 < ref->n_chunks) &&
				     res.stats.bad_chunks +
					     (res.probs[0].kind == ETR_PROB_GARBAGE ||
					      res.probs[0].kind == ETR_PROB_CHUNK_HEADER ||
					      res.probs[0].kind == ETR_PROB_TRUNCATED) ==
					 1 &&
				     same_chunks_except(&res, ref, k, k + 1);
			}
			if (!ok) {
				LOOP_FAIL(nfail, "flip of byte %zu bit %d (level %d, chunk %zu)",
					  byte, bit, s->level, k);
				rd_dump("got", &res);
			}
			rd_free(&res);
		}
	}
	CU_ASSERT_EQUAL(nfail, 0);
	free(copy);
}

static void test_bitflip_zstd(void)
{
	bitflip_case(&samples[0]);
}

static void test_bitflip_raw(void)
{
	bitflip_case(&samples[1]);
}

/* A small file: an empty recording, every bit. */
static void test_bitflip_small(void)
{
	struct sample s = {.level = 3};
	struct etr_writer_opts o;
	struct etr_writer *w;
	int fd = tmp_fd();

	test_wopts(&o, 12);
	w = etr_writer__open_fd(fd, &o);
	CU_ASSERT_FATAL(w != NULL);
	CU_ASSERT_EQUAL(etr_writer__write_meta(w, "k", "v", 1), 0);
	CU_ASSERT_EQUAL(etr_writer__close(w, 0), 0);
	etr_writer__free(w);
	CU_ASSERT_FATAL(slurp_fd(fd, &s.file) == 0);
	close(fd);
	rd_mem(s.file.data, s.file.len, &s.ref);
	CU_ASSERT_EQUAL_FATAL(s.ref.n_chunks, 2);
	bitflip_case(&s);
	rd_free(&s.ref);
	tbuf_free(&s.file);
}

/* ------------------------------------------------------------------ */
/* Garbage, foreign chunks, missing chunks                             */
/* ------------------------------------------------------------------ */

/* @file with @len bytes of @junk inserted at @at. */
static void splice(struct tbuf *out, const struct tbuf *file, size_t at, const void *junk,
		   size_t len)
{
	memset(out, 0, sizeof(*out));
	tbuf_put(out, file->data, at);
	tbuf_put(out, junk, len);
	tbuf_put(out, file->data + at, file->len - at);
}

static void garbage_case(const void *junk, size_t len, size_t before_chunk)
{
	const struct sample *s = &samples[0];
	size_t at =
	    before_chunk < s->ref.n_chunks ? s->ref.chunks[before_chunk].offset : s->file.len;
	struct rd_result res;
	struct tbuf f;

	splice(&f, &s->file, at, junk, len);
	rd_mem(f.data, f.len, &res);
	CU_ASSERT(res.opened);
	CU_ASSERT(same_chunks_except(&res, &s->ref, 0, 0));
	CU_ASSERT(res.ended);
	CU_ASSERT_EQUAL(res.n_probs, 1);
	if (res.n_probs == 1) {
		CU_ASSERT_EQUAL(res.probs[0].kind,
				len < ETR_CHUNK_HEADER_SIZE && before_chunk >= s->ref.n_chunks
				    ? ETR_PROB_TRUNCATED
				    : ETR_PROB_GARBAGE);
		CU_ASSERT_EQUAL(res.probs[0].offset, at);
		CU_ASSERT_EQUAL(res.probs[0].length, len);
	} else {
		rd_dump("garbage", &res);
	}
	CU_ASSERT_EQUAL(res.stats.bad_chunks, 0);
	rd_free(&res);
	tbuf_free(&f);
}

static void test_garbage(void)
{
	uint8_t junk[5000], zeros[4096] = {0};
	uint8_t fake[300];
	const struct sample *s = &samples[0];

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)((i * 2654435761u) >> 13);
	CU_ASSERT_PTR_NULL(memmem(junk, sizeof(junk), "ETRC", 4));

	garbage_case(junk, 1, 3);
	garbage_case(junk, 3, 3);
	garbage_case(junk, 47, 3);
	garbage_case(junk, 100, 3);
	garbage_case(junk, sizeof(junk), 3);
	garbage_case(zeros, sizeof(zeros), 3);
	/* before the first chunk, right after the file header */
	garbage_case(junk, 100, 0);
	/* after the END chunk; fewer than a chunk header's bytes look cut */
	garbage_case(junk, 100, s->ref.n_chunks);
	garbage_case(zeros, 10, s->ref.n_chunks);

	/* junk that holds chunk magics, even a copy of a chunk's first bytes */
	memcpy(fake, junk, sizeof(fake));
	memcpy(fake + 10, "ETRC", 4);
	memcpy(fake + 100, s->file.data + s->ref.chunks[2].offset, 40); /* not its CRC */
	memcpy(fake + 296, "ETRC", 4);
	garbage_case(fake, sizeof(fake), 4);
}

/* A chunk of another trace spliced in is reported and skipped. */
static void test_foreign_chunk(void)
{
	const struct sample *s = &samples[0];
	struct tbuf other, f;
	struct rd_result ro, res;
	const struct rd_chunk *oc;

	build_sample(&other, 3, false, 99);
	rd_mem(other.data, other.len, &ro);
	CU_ASSERT_FATAL(ro.n_chunks > 6);

	/* inserted between chunks 4 and 5 */
	oc = &ro.chunks[5];
	splice(&f, &s->file, s->ref.chunks[5].offset, other.data + oc->offset,
	       chunk_end(oc) - oc->offset);
	rd_mem(f.data, f.len, &res);
	CU_ASSERT(same_chunks_except(&res, &s->ref, 0, 0));
	CU_ASSERT_EQUAL_FATAL(res.n_probs, 1);
	CU_ASSERT_EQUAL(res.probs[0].kind, ETR_PROB_FOREIGN_CHUNK);
	CU_ASSERT_EQUAL(res.probs[0].offset, s->ref.chunks[5].offset);
	CU_ASSERT_EQUAL(res.probs[0].seq, 5);
	CU_ASSERT_EQUAL(res.probs[0].length, chunk_end(oc) - oc->offset);
	CU_ASSERT(res.ended);
	CU_ASSERT_EQUAL(res.stats.bad_chunks, 1);
	rd_free(&res);
	tbuf_free(&f);

	/* in place of chunk 5 (same seq): reported, 5 missing, no gap reported */
	memset(&f, 0, sizeof(f));
	tbuf_put(&f, s->file.data, s->ref.chunks[5].offset);
	tbuf_put(&f, other.data + oc->offset, chunk_end(oc) - oc->offset);
	tbuf_put(&f, s->file.data + chunk_end(&s->ref.chunks[5]),
		 s->file.len - chunk_end(&s->ref.chunks[5]));
	rd_mem(f.data, f.len, &res);
	CU_ASSERT(same_chunks_except(&res, &s->ref, 5, 6));
	CU_ASSERT_EQUAL(res.n_probs, 1);
	CU_ASSERT_EQUAL(rd_count(&res, ETR_PROB_FOREIGN_CHUNK), 1);
	rd_free(&res);
	tbuf_free(&f);

	/* two whole traces concatenated: the second one is foreign throughout */
	memset(&f, 0, sizeof(f));
	tbuf_put(&f, s->file.data, s->file.len);
	tbuf_put(&f, other.data, other.len);
	rd_mem(f.data, f.len, &res);
	CU_ASSERT(same_chunks_except(&res, &s->ref, 0, 0));
	CU_ASSERT_EQUAL(rd_count(&res, ETR_PROB_FOREIGN_CHUNK), ro.n_chunks);
	CU_ASSERT_EQUAL(rd_count(&res, ETR_PROB_GARBAGE), 1); /* its file header */
	CU_ASSERT_EQUAL(res.n_probs, ro.n_chunks + 1);
	rd_free(&res);
	tbuf_free(&f);

	rd_free(&ro);
	tbuf_free(&other);
}

/* A chunk cut out cleanly: the sequence gap tells. A repeated chunk too. */
static void test_sequence_gap(void)
{
	const struct sample *s = &samples[0];
	const struct rd_chunk *c3 = &s->ref.chunks[3], *c4 = &s->ref.chunks[4];
	struct rd_result res;
	struct tbuf f = {0};

	tbuf_put(&f, s->file.data, c3->offset);
	tbuf_put(&f, s->file.data + chunk_end(c3), s->file.len - chunk_end(c3));
	rd_mem(f.data, f.len, &res);
	CU_ASSERT(same_chunks_except(&res, &s->ref, 3, 4));
	CU_ASSERT_EQUAL_FATAL(res.n_probs, 1);
	CU_ASSERT_EQUAL(res.probs[0].kind, ETR_PROB_SEQUENCE_GAP);
	CU_ASSERT_EQUAL(res.probs[0].offset, c3->offset);
	CU_ASSERT_EQUAL(res.probs[0].seq, 4);
	CU_ASSERT(res.ended);
	rd_free(&res);
	tbuf_free(&f);

	/* chunk 3 twice: reported; the copy is returned (SPEC: "the chunk is used") */
	tbuf_put(&f, s->file.data, chunk_end(c3));
	tbuf_put(&f, s->file.data + c3->offset, s->file.len - c3->offset);
	rd_mem(f.data, f.len, &res);
	CU_ASSERT_EQUAL(res.n_chunks, s->ref.n_chunks + 1);
	CU_ASSERT(res.n_probs >= 1);
	CU_ASSERT(rd_count(&res, ETR_PROB_SEQUENCE_GAP) >= 1);
	if (res.n_probs)
		CU_ASSERT_EQUAL(res.probs[0].offset, c4->offset);
	rd_free(&res);
	tbuf_free(&f);
}

/* Edit a chunk's header fields and fix its CRCs: the checks behind the CRC. */
static void edited_case(size_t k, void (*edit)(uint8_t *h), bool fix_payload,
			enum etr_problem_kind want, bool resyncs)
{
	const struct sample *s = &samples[0];
	const struct rd_chunk *c = &s->ref.chunks[k];
	struct rd_result res;
	struct tbuf f = {0};

	tbuf_put(&f, s->file.data, s->file.len);
	edit(f.data + c->offset);
	fix_chunk(f.data, c->offset, c->stored_size, fix_payload);
	rd_mem(f.data, f.len, &res);
	CU_ASSERT(same_chunks_except(&res, &s->ref, k, k + 1));
	CU_ASSERT_EQUAL(res.n_probs, 1);
	if (res.n_probs >= 1) {
		CU_ASSERT_EQUAL(res.probs[0].kind, want);
		CU_ASSERT_EQUAL(res.probs[0].offset, c->offset);
		if (!resyncs)
			CU_ASSERT_EQUAL(res.probs[0].length, chunk_end(c) - c->offset);
	}
	if (res.n_probs != 1 || res.probs[0].kind != want)
		rd_dump("edited", &res);
	CU_ASSERT(res.ended);
	rd_free(&res);
	tbuf_free(&f);
}

static void ed_flag_reserved(uint8_t *h)
{
	h[CH_FLAGS] |= 0x02;
}

static void ed_flag_high(uint8_t *h)
{
	h[CH_FLAGS + 1] |= 0x80;
}

static void ed_raw_huge(uint8_t *h)
{
	put32(h + CH_RAW, ETR_MAX_CHUNK_RAW + 1);
}

static void ed_stored_huge(uint8_t *h)
{
	put32(h + CH_STORED, ETR_MAX_CHUNK_STORED + 1);
}

static void ed_raw_flag_size(uint8_t *h)
{
	/* a raw chunk whose sizes differ */
	put32(h + CH_RAW, get32(h + CH_RAW) + 1);
}

static void ed_raw_off_by_one(uint8_t *h)
{
	put32(h + CH_RAW, get32(h + CH_RAW) - 1);
}

static void ed_raw_zero(uint8_t *h)
{
	put32(h + CH_RAW, 0);
}

static void ed_set_raw_flag(uint8_t *h)
{
	/* claims raw, is a zstd frame: sizes differ, so beyond the limits */
	h[CH_FLAGS] |= ETR_CHUNK_F_RAW;
}

static void ed_payload_byte(uint8_t *h)
{
	/* a byte in the middle of the zstd frame, the CRC made to agree */
	h[ETR_CHUNK_HEADER_SIZE + get32(h + CH_STORED) / 2] ^= 0x10;
}

static void ed_payload_checksum(uint8_t *h)
{
	/* the last byte of the frame is zstd's content checksum */
	h[ETR_CHUNK_HEADER_SIZE + get32(h + CH_STORED) - 1] ^= 0x01;
}

static void ed_hsize_small(uint8_t *h)
{
	put32(h + CH_HSIZE, 47);
}

static void ed_hsize_huge(uint8_t *h)
{
	put32(h + CH_HSIZE, ETR_MAX_CHUNK_HEADER + 4);
}

static void ed_tag(uint8_t *h)
{
	h[CH_TAG + 7] ^= 1;
}

static void ed_type_unknown(uint8_t *h)
{
	put16(h + CH_TYPE, 0xfffe);
}

static void test_edited_headers(void)
{
	const struct sample *s = &samples[0];
	size_t zk = SIZE_MAX, rk = SIZE_MAX;

	/* a compressed EVENTS chunk and a raw chunk of the sample */
	for (size_t i = 0; i < s->ref.n_chunks; i++) {
		if (zk == SIZE_MAX && s->ref.chunks[i].type == ETR_CHUNK_EVENTS &&
		    !(s->ref.chunks[i].flags & ETR_CHUNK_F_RAW))
			zk = i;
		if (rk == SIZE_MAX && (s->ref.chunks[i].flags & ETR_CHUNK_F_RAW) &&
		    i + 1 < s->ref.n_chunks)
			rk = i;
	}
	CU_ASSERT_FATAL(zk != SIZE_MAX && rk != SIZE_MAX);

	edited_case(zk, ed_flag_reserved, false, ETR_PROB_UNSUPPORTED_CHUNK, false);
	edited_case(zk, ed_flag_high, false, ETR_PROB_UNSUPPORTED_CHUNK, false);
	edited_case(zk, ed_raw_huge, false, ETR_PROB_CHUNK_LIMIT, true);
	edited_case(zk, ed_stored_huge, false, ETR_PROB_CHUNK_LIMIT, true);
	edited_case(rk, ed_raw_flag_size, false, ETR_PROB_CHUNK_LIMIT, true);
	edited_case(zk, ed_set_raw_flag, false, ETR_PROB_CHUNK_LIMIT, true);
	edited_case(zk, ed_raw_off_by_one, false, ETR_PROB_DECOMPRESS, false);
	edited_case(zk, ed_raw_zero, false, ETR_PROB_DECOMPRESS, false);
	/* Behind a payload CRC made to agree, the reader trusts the stored
	 * bytes and skips zstd's content checksum (SPEC.md): a flipped
	 * checksum byte goes unnoticed and the chunk reads as written; a
	 * flipped byte of the frame either does not decompress or gives
	 * other records. Either way the other chunks are untouched. */
	{
		const struct rd_chunk *c = &s->ref.chunks[zk];
		struct rd_result res;
		struct tbuf f = {0};

		tbuf_put(&f, s->file.data, s->file.len);
		ed_payload_checksum(f.data + c->offset);
		fix_chunk(f.data, c->offset, c->stored_size, true);
		rd_mem(f.data, f.len, &res);
		CU_ASSERT_EQUAL(res.n_probs, 0);
		CU_ASSERT(same_chunks_except(&res, &s->ref, 0, 0));
		rd_free(&res);
		tbuf_free(&f);

		tbuf_put(&f, s->file.data, s->file.len);
		ed_payload_byte(f.data + c->offset);
		fix_chunk(f.data, c->offset, c->stored_size, true);
		rd_mem(f.data, f.len, &res);
		CU_ASSERT(res.n_probs <= 1);
		if (res.n_probs) {
			CU_ASSERT_EQUAL(res.probs[0].kind, ETR_PROB_DECOMPRESS);
			CU_ASSERT_EQUAL(res.probs[0].offset, c->offset);
			CU_ASSERT(same_chunks_except(&res, &s->ref, zk, zk + 1));
		} else {
			CU_ASSERT_EQUAL(res.n_chunks, s->ref.n_chunks);
		}
		CU_ASSERT(res.ended);
		rd_free(&res);
		tbuf_free(&f);
	}
	edited_case(zk, ed_hsize_small, false, ETR_PROB_CHUNK_HEADER, true);
	edited_case(zk, ed_hsize_huge, false, ETR_PROB_CHUNK_HEADER, true);
	edited_case(zk, ed_tag, false, ETR_PROB_FOREIGN_CHUNK, false);

	/* an unknown chunk type is no damage: returned, for the caller to skip */
	{
		struct rd_result res;
		struct tbuf f = {0};

		tbuf_put(&f, s->file.data, s->file.len);
		ed_type_unknown(f.data + s->ref.chunks[zk].offset);
		fix_chunk(f.data, s->ref.chunks[zk].offset, s->ref.chunks[zk].stored_size, false);
		rd_mem(f.data, f.len, &res);
		CU_ASSERT_EQUAL(res.n_probs, 0);
		CU_ASSERT_EQUAL_FATAL(res.n_chunks, s->ref.n_chunks);
		CU_ASSERT_EQUAL(res.chunks[zk].type, 0xfffe);
		for (size_t i = 0; i < res.n_chunks; i++)
			if (i != zk)
				CU_ASSERT(rd_chunk_equal(&res.chunks[i], &s->ref.chunks[i]));
		rd_free(&res);
		tbuf_free(&f);
	}
}

/* Damage to every chunk at once but the END: the reader still ends cleanly
 * and reports one problem per chunk. */
static void test_every_chunk_damaged(void)
{
	const struct sample *s = &samples[0];
	struct rd_result res;
	struct tbuf f = {0};

	tbuf_put(&f, s->file.data, s->file.len);
	for (size_t i = 0; i + 1 < s->ref.n_chunks; i++)
		f.data[s->ref.chunks[i].offset + ETR_CHUNK_HEADER_SIZE] ^= 0xff;
	rd_mem(f.data, f.len, &res);
	CU_ASSERT_EQUAL(res.n_chunks, 1);
	CU_ASSERT_EQUAL(res.n_probs, s->ref.n_chunks - 1);
	CU_ASSERT_EQUAL(rd_count(&res, ETR_PROB_CHUNK_CHECKSUM), s->ref.n_chunks - 1);
	CU_ASSERT(res.ended);
	CU_ASSERT_EQUAL(res.stats.bad_chunks, s->ref.n_chunks - 1);
	rd_free(&res);
	tbuf_free(&f);
}

void register_damage(void)
{
	CU_pSuite s = CU_add_suite("format: damage", damage_init, damage_cleanup);

	CU_add_test(s, "every truncation point, zstd", test_truncation_zstd);
	CU_add_test(s, "every truncation point, raw", test_truncation_raw);
	CU_add_test(s, "every truncation point via fd, last chunk from the end",
		    test_truncation_fd_and_tail);
	CU_add_test(s, "every bit flipped, zstd", test_bitflip_zstd);
	CU_add_test(s, "every bit flipped, raw", test_bitflip_raw);
	CU_add_test(s, "every bit flipped, small file", test_bitflip_small);
	CU_add_test(s, "garbage between chunks", test_garbage);
	CU_add_test(s, "chunk of another trace", test_foreign_chunk);
	CU_add_test(s, "chunk missing or repeated", test_sequence_gap);
	CU_add_test(s, "edited headers with good CRCs", test_edited_headers);
	CU_add_test(s, "every chunk damaged", test_every_chunk_damaged);
}
