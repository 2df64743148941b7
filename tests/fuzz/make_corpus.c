/* SPDX-License-Identifier: MIT */
/*
 * Writes the seed corpus of fuzz_reader into a directory: small valid
 * traces (compressed, raw, empty, unfinished, with every record type and
 * things only a later version writes), damaged ones (cut, flipped bits,
 * garbage, a foreign chunk, a newer major version) and a bare EVENTS
 * payload. The committed tests/fuzz/corpus/ was made with:
 *
 *   build/tests/fuzz/make-corpus tests/fuzz/corpus
 *
 * File names carry no .etr extension (.gitignore ignores *.etr).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "etr.h"

struct img {
	uint8_t *data;
	size_t len;
};

/* where the chunks of an image are */
struct loc {
	uint64_t off[64];
	uint32_t size[64];
	uint16_t type[64];
	size_t n;
};

static void die(const char *what)
{
	fprintf(stderr, "make-corpus: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void img_put(struct img *m, const void *p, size_t len)
{
	m->data = realloc(m->data, m->len + len + 1);
	if (!m->data)
		die("realloc");
	memcpy(m->data + m->len, p, len);
	m->len += len;
}

static void slurp(int fd, struct img *m)
{
	uint8_t buf[4096];
	off_t off = 0;
	ssize_t n;

	memset(m, 0, sizeof(*m));
	while ((n = pread(fd, buf, sizeof(buf), off)) > 0) {
		img_put(m, buf, (size_t)n);
		off += n;
	}
	close(fd);
}

static void locate(const struct img *m, struct loc *l)
{
	struct etr_reader *r = etr_reader__open_mem(m->data, m->len, NULL);
	struct etr_chunk c;

	if (!r)
		die("reading back");
	l->n = 0;
	while (etr_reader__next_chunk(r, &c) > 0 && l->n < 64) {
		l->off[l->n] = c.offset;
		l->size[l->n] = ETR_CHUNK_HEADER_SIZE + c.stored_size + ETR_CHUNK_TRAILER_SIZE;
		l->type[l->n] = c.type;
		l->n++;
	}
	etr_reader__free(r);
}

static void save(const char *dir, const char *name, const void *p, size_t len)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, p, len) != (ssize_t)len || close(fd))
		die(path);
	printf("%s (%zu bytes)\n", path, len);
}

static struct etr_writer *open_writer(int *fd, int level, uint8_t id, uint32_t chunk_bytes)
{
	char path[] = "/tmp/make-corpus-XXXXXX";
	struct etr_writer_opts o = {.sz = sizeof(o)};
	struct etr_writer *w;

	*fd = mkstemp(path);
	if (*fd < 0)
		die("mkstemp");
	unlink(path);
	o.level = level;
	o.chunk_bytes = chunk_bytes;
	o.flush_interval_ns = 1ull << 62;
	o.created_ns = 1700000000000000000ull;
	for (int i = 0; i < ETR_TRACE_ID_SIZE; i++)
		o.trace_id[i] = (uint8_t)(id + i);
	w = etr_writer__open_fd(*fd, &o);
	if (!w)
		die("writer");
	return w;
}

#define STR(lit) ((struct etr_str){(lit), sizeof(lit) - 1})

static void write_events(struct etr_writer *w, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct etr_event ev = {
		    .ts_ns = 1000000000ull + i * 5000ull - (i % 3 == 2 ? 7000 : 0),
		    .pid = 100 + (i % 5) * 64, /* same start-cache slot */
		    .uid = i % 2 ? 1000 : 0,
		    .gid = 0,
		    .cgroup_id = 4242,
		    .comm = STR("bash"),
		};

		ev.tid = ev.pid + (i % 2);
		ev.ppid = ev.pid - 1;
		ev.start_ns = 900000000ull + ev.pid;
		ev.filename = ev.cwd = ev.argv = ev.env = STR("");
		switch (i % 7) {
		case 0:
		case 1:
			ev.type = i % 7 ? ETR_EV_EXEC_FAIL : ETR_EV_EXEC;
			ev.ret = i % 7 ? -2 : 0;
			ev.filename = STR("/usr/bin/env");
			ev.cwd = STR("/home/u/a dir");
			ev.argv = STR("env\0-i\0\0a b\nc\0\xff\xfe\0");
			ev.argc = 5;
			ev.argv_orig_len = ev.argv.len;
			ev.old_tid = ev.tid;
			if (i % 2 == 0) {
				ev.flags = ETR_EVF_ENV;
				ev.env = STR("PATH=/bin\0X=\0");
				ev.envc = 2;
				ev.env_orig_len = ev.env.len;
			}
			break;
		case 2:
			ev.type = ETR_EV_EXEC;
			ev.flags = ETR_EVF_ARGV_TRUNC;
			ev.filename = STR("/bin/sh");
			ev.argv = STR("sh\0-c\0cut-off-argum");
			ev.argc = 3;
			ev.argv_orig_len = 4096;
			ev.old_tid = ev.tid + 3;
			break;
		case 3:
		case 4:
			ev.type = ETR_EV_FORK;
			ev.flags = i % 7 == 4 ? ETR_EVF_THREAD : 0;
			ev.parent_tid = ev.ppid + 1;
			break;
		case 5:
			ev.type = ETR_EV_EXIT;
			ev.flags = i % 2 ? ETR_EVF_CORE_DUMPED : 0;
			ev.exit_code = i % 2 ? 0 : 1;
			ev.signal = i % 2 ? 11 : 0;
			break;
		case 6:
			memset(&ev, 0, sizeof(ev));
			ev.comm = ev.filename = ev.cwd = ev.argv = ev.env = STR("");
			ev.type = ETR_EV_LOST;
			ev.ts_ns = 1000000000ull + i * 5000ull;
			ev.lost_type = ETR_EV_FORK;
			ev.lost_count = 17;
			break;
		}
		if (etr_writer__write_event(w, &ev))
			die("write_event");
	}
}

/* A trace with every chunk and record type, in chunks of @chunk_bytes. */
static void full_trace(struct img *m, int level, uint8_t id, uint32_t chunk_bytes, bool end)
{
	struct etr_clock clk = {2000000000ull, 1700000000000000000ull, 1900000000ull};
	struct etr_counter ctr = {.ts_ns = 3000000000ull, .name = STR("lost.exec"), .value = 3};
	struct etr_proc p = {.ts_ns = 999,
			     .pid = 1,
			     .ppid = 0,
			     .start_ns = 10,
			     .comm = STR("init"),
			     .exe = STR("/sbin/init"),
			     .cwd = STR("/"),
			     .argc = 2,
			     .argv = STR("/sbin/init\0splash\0")};
	static const uint8_t btf[] = {0x9f, 0xeb, 1, 0, 24, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0};
	struct etr_writer *w;
	int fd;

	w = open_writer(&fd, level, id, chunk_bytes);
	if (etr_writer__write_meta(w, "tool", "execrec 0.1.0", 13) ||
	    etr_writer__write_meta(w, "cmdline", "execrec\0record\0-o\0x", 19) ||
	    etr_writer__write_clock(w, &clk) ||
	    etr_writer__write_tpformat(w, "sched:sched_process_exec",
				       "name: sched_process_exec\nID: 316\n", 33) ||
	    etr_writer__write_btf(w, ETR_BTF_SUBSET, btf, sizeof(btf)) ||
	    etr_writer__write_proc(w, &p))
		die("write");
	write_events(w, 21);
	if (etr_writer__write_counter(w, &ctr))
		die("write_counter");
	write_events(w, 7);
	if (end && etr_writer__close(w, 0))
		die("close");
	etr_writer__free(w);
	slurp(fd, m);
}

int main(int argc, char **argv)
{
	struct img m, d, other;
	struct loc l, lo;
	const char *dir;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIRECTORY\n", argv[0]);
		return 2;
	}
	dir = argv[1];

	full_trace(&m, 3, 1, 512, true);
	save(dir, "valid-zstd", m.data, m.len);
	locate(&m, &l);

	/* cut inside the fourth chunk */
	save(dir, "truncated", m.data, l.off[3] + l.size[3] / 2);
	/* a bit of a payload, a bit of a chunk header, a bit of the file header */
	d.data = malloc(m.len);
	memcpy(d.data, m.data, m.len);
	d.data[l.off[3] + ETR_CHUNK_HEADER_SIZE + 5] ^= 0x20;
	d.data[l.off[5] + 13] ^= 0x01;
	save(dir, "bitflips", d.data, m.len);
	memcpy(d.data, m.data, m.len);
	d.data[20] ^= 0x80;
	save(dir, "header-damaged", d.data, m.len);
	/* a newer major version (with a good CRC) */
	memcpy(d.data, m.data, m.len);
	d.data[8] = 2;
	{
		uint32_t crc = etr_crc32c(0, d.data, ETR_FILE_HEADER_SIZE - 4);

		for (int i = 0; i < 4; i++)
			d.data[ETR_FILE_HEADER_SIZE - 4 + i] = (uint8_t)(crc >> (8 * i));
	}
	save(dir, "major-2", d.data, m.len);
	free(d.data);

	/* garbage before the third chunk */
	memset(&d, 0, sizeof(d));
	img_put(&d, m.data, l.off[2]);
	img_put(&d, "garbage ETRC garbage \x00\x01\x02\x03\xff garbage", 36);
	img_put(&d, m.data + l.off[2], m.len - l.off[2]);
	save(dir, "garbage", d.data, d.len);
	free(d.data);

	/* a chunk of another trace before the fifth chunk */
	full_trace(&other, 3, 77, 512, true);
	locate(&other, &lo);
	memset(&d, 0, sizeof(d));
	img_put(&d, m.data, l.off[4]);
	img_put(&d, other.data + lo.off[4], lo.size[4]);
	img_put(&d, m.data + l.off[4], m.len - l.off[4]);
	save(dir, "foreign-chunk", d.data, d.len);
	free(d.data);
	free(other.data);

	/* the decompressed payload of an EVENTS chunk, for the record decoders */
	{
		struct etr_reader *r = etr_reader__open_mem(m.data, m.len, NULL);
		struct etr_chunk c;

		while (etr_reader__next_chunk(r, &c) > 0)
			if (c.type == ETR_CHUNK_EVENTS) {
				save(dir, "payload-events", c.data, c.size);
				break;
			}
		etr_reader__free(r);
	}
	free(m.data);

	full_trace(&m, -1, 2, 4096, true);
	save(dir, "valid-raw", m.data, m.len);
	free(m.data);

	full_trace(&m, 3, 3, 1 << 20, false);
	save(dir, "no-end", m.data, m.len);
	free(m.data);

	/* an empty recording */
	{
		struct etr_writer *w;
		int fd;

		w = open_writer(&fd, 3, 4, 0);
		if (etr_writer__close(w, 0))
			die("close");
		etr_writer__free(w);
		slurp(fd, &m);
		save(dir, "empty-recording", m.data, m.len);
		free(m.data);
	}

	/* what only a later minor version writes: unknown chunk, record and
	 * event types, trailing fields */
	{
		struct etr_writer *w;
		int fd;
		/* type 40 with the common prefix, then a field of its own */
		static const uint8_t ev40[] = {0x00, 0x80, 0x94, 0xeb, 0xdc, 0x03, 0xc8,
					       0x01, 0x02, 0xc6, 0x01, 0x00, 0x00, 0x00,
					       0x00, 0x02, 'h',	 'i',  0x05};
		/* an EXIT with a trailing field */
		static const uint8_t exit4[] = {0x00, 0x02, 0x02, 0x00, 0x01, 0x00, 0x00,
						0x00, 0x00, 0x00, 0x02, 0x00, 0x09, 0x2a};

		w = open_writer(&fd, 3, 5, 0);
		if (etr_writer__write_meta(w, "k", "v", 1) ||
		    etr_writer__write_raw(w, ETR_CHUNK_META, 77, "\x01\x02", 2) ||
		    etr_writer__write_raw(w, 99, 1, "unknown chunk", 13) ||
		    etr_writer__write_raw(w, ETR_CHUNK_EVENTS, 40, ev40, sizeof(ev40)) ||
		    etr_writer__write_raw(w, ETR_CHUNK_EVENTS, 200, "\x01\x02\x03", 3) ||
		    etr_writer__write_raw(w, ETR_CHUNK_EVENTS, ETR_EV_EXIT, exit4, sizeof(exit4)) ||
		    etr_writer__write_raw(w, ETR_CHUNK_STATS, 1, "\x05\x01x\x07\x63", 5) ||
		    etr_writer__close(w, 0))
			die("write_raw");
		etr_writer__free(w);
		slurp(fd, &m);
		save(dir, "later-version", m.data, m.len);
		free(m.data);
	}
	return 0;
}
