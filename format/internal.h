/* SPDX-License-Identifier: MIT */
/* Helpers shared by the reader and the writer: byte order, varints, layout. */
#ifndef EXECREC_ETR_INTERNAL_H
#define EXECREC_ETR_INTERNAL_H

#include <stdint.h>
#include <string.h>

#include "common/opts.h"
#include "etr.h"

/* Chunk header and trailer magics, as bytes in the file. */
#define ETR_CHUNK_MAGIC "ETRC"
#define ETR_TRAILER_MAGIC "ETRT"

/* File header field offsets. */
#define FH_MAGIC 0
#define FH_MAJOR 8
#define FH_MINOR 10
#define FH_SIZE 12
#define FH_TRACE_ID 16
#define FH_FLAGS 32
#define FH_CREATED 40
/* bytes 48..59 reserved; the CRC is the last 4 bytes of the header */

/* Chunk header field offsets. */
#define CH_MAGIC 0
#define CH_TYPE 4
#define CH_FLAGS 6
#define CH_HSIZE 8
#define CH_STORED 12
#define CH_RAW 16
#define CH_COUNT 20
#define CH_SEQ 24
#define CH_TAG 32
#define CH_PCRC 40
/* the header CRC is the last 4 bytes of the header */

/* Chunk trailer field offsets. */
#define CT_MAGIC 0
#define CT_HCRC 4
#define CT_LEN 8

#define ETR_CHUNK_F_KNOWN ETR_CHUNK_F_RAW

static inline uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t get_le64(const uint8_t *p)
{
	return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

static inline void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

static inline uint64_t zigzag_enc(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t zigzag_dec(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* The trace tag stored in chunk headers: the first 8 bytes of the trace id. */
static inline uint64_t trace_tag(const uint8_t id[ETR_TRACE_ID_SIZE])
{
	return get_le64(id);
}

/* What a process's start time is stored relative to: the start time last
 * seen for the same pid in this chunk, else the event's own timestamp. */
static inline uint64_t delta_start_ref(const struct etr_delta *d, uint32_t pid, uint64_t ts)
{
	unsigned slot = pid % ETR_START_CACHE;

	return pid && d->cache_pid[slot] == pid ? d->cache_start[slot] : ts;
}

static inline void delta_update(struct etr_delta *d, const struct etr_event *ev)
{
	unsigned slot = ev->pid % ETR_START_CACHE;

	d->prev_ts = ev->ts_ns;
	d->prev_pid = ev->pid;
	d->prev_ppid = ev->ppid;
	d->cache_pid[slot] = ev->pid;
	d->cache_start[slot] = ev->start_ns;
}

/* A bounded cursor over a record body. Reading past its end yields zeros
 * and leaves 'bad' clear: missing trailing fields are allowed (SPEC.md). A
 * field that starts inside the body but does not fit sets 'bad'. 'limit'
 * (>= end) is where readable memory ends: in a chunk, the records after
 * this one may be looked at, so short records need no byte-by-byte path. */
struct dec {
	const uint8_t *p;
	const uint8_t *end;
	const uint8_t *limit;
	int bad;
};

/* Multi-byte and malformed varints; dec_uv() handles the common one-byte case inline. */
static __attribute__((noinline, unused)) uint64_t dec_uv_slow(struct dec *d)
{
	uint64_t v = 0;
	unsigned shift = 0;

	if (d->p >= d->end)
		return 0;
	while (d->p < d->end) {
		uint8_t b = *d->p++;

		if (shift == 63 && b > 1) {
			d->bad = 1;
			return 0;
		}
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
		shift += 7;
		if (shift > 63) {
			d->bad = 1;
			return 0;
		}
	}
	d->bad = 1; /* a varint cut by the end of the body */
	return 0;
}

static inline uint64_t dec_uv(struct dec *d)
{
	const uint8_t *p = d->p;
	uint64_t v, b;

	if (p >= d->end)
		return 0; /* a field this body does not have */
	/* With ten readable bytes no varint can run past them, so the bytes
	 * need no bounds check; whether it ended inside the body is checked
	 * once, after. */
	if (__builtin_expect(d->limit - p < 10, 0))
		return dec_uv_slow(d);
	b = *p++;
	v = b;
	if (b < 0x80)
		goto out;
	v &= 0x7f;
	for (unsigned shift = 7; shift < 63; shift += 7) {
		b = *p++;
		v |= (b & 0x7f) << shift;
		if (b < 0x80)
			goto out;
	}
	b = *p++;
	if (b > 1) {
		d->bad = 1;
		return 0;
	}
	v |= b << 63;
out:
	if (__builtin_expect(p > d->end, 0)) {
		d->bad = 1; /* a varint cut by the end of the body */
		return 0;
	}
	d->p = p;
	return v;
}

static inline int64_t dec_sv(struct dec *d)
{
	return zigzag_dec(dec_uv(d));
}

static inline uint32_t dec_u32(struct dec *d)
{
	uint64_t v = dec_uv(d);

	if (v > UINT32_MAX)
		d->bad = 1;
	return (uint32_t)v;
}

static inline void dec_str(struct dec *d, struct etr_str *s)
{
	uint64_t len;

	s->ptr = "";
	s->len = 0;
	if (d->p >= d->end)
		return; /* a field this body does not have: "", not the body's end */
	len = dec_uv(d);
	if (d->bad)
		return;
	if (len > (uint64_t)(d->end - d->p)) {
		d->bad = 1;
		return;
	}
	s->ptr = (const char *)d->p;
	s->len = (uint32_t)len;
	d->p += len;
}

/* base + delta modulo 2^32: a hostile delta near INT64_MAX must not make
 * a signed overflow (undefined behaviour) of it */
static inline uint32_t add_delta32(uint32_t base, int64_t delta)
{
	return (uint32_t)(base + (uint64_t)delta);
}

/* The common prefix of event records (types 1..63), against and then
 * into the chunk's delta state. */
static inline void dec_prefix(struct dec *d, struct etr_delta *delta, struct etr_event *ev)
{
	ev->flags = dec_u32(d);
	ev->ts_ns = delta->prev_ts + (uint64_t)dec_sv(d);
	ev->pid = add_delta32(delta->prev_pid, dec_sv(d));
	ev->tid = add_delta32(ev->pid, dec_sv(d));
	ev->ppid = add_delta32(delta->prev_ppid, dec_sv(d));
	ev->uid = dec_u32(d);
	ev->gid = dec_u32(d);
	ev->start_ns = delta_start_ref(delta, ev->pid, ev->ts_ns) + (uint64_t)dec_sv(d);
	ev->cgroup_id = dec_uv(d);
	dec_str(d, &ev->comm);
	delta_update(delta, ev);
}

#endif
