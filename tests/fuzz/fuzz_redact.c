/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target of the redaction engine (redact/): every input is
 *  1. a trace, copied with redactor__copy() into memory-backed output, and
 *     the copy read back: it must be a trace whose every chunk is good;
 *  2. an argument block, an environment block and a plain string, redacted:
 *     what comes back lies in the input or the redactor's memory, and a
 *     second pass over it finds nothing new (tags are left alone).
 * Replayed over the seed corpus by fuzz_main.c as an ordinary test.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "etr.h"
#include "redact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_redact: check failed: %s (line %d)\n", #cond,        \
				__LINE__);                                                         \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

static const uint8_t key[REDACT_KEY_SIZE] = "fuzz-redact-key!";

static void copy_trace(struct redactor *r, const uint8_t *data, size_t size)
{
	struct etr_writer_opts wo = {.sz = sizeof(wo), .level = -1};
	struct redact_copy_stats st;
	struct etr_reader *in, *back;
	struct etr_reader_stats rs;
	struct etr_writer *w;
	struct etr_chunk ch;
	const char *meta[] = {"redact.rules", "all", NULL};
	int fd = memfd_create("fuzz-redact", MFD_CLOEXEC);
	off_t end;

	CHECK(fd >= 0);
	in = etr_reader__open_mem(data, size, NULL);
	if (!in) {
		close(fd);
		return;
	}
	w = etr_writer__open_fd(fd, &wo);
	CHECK(w);
	CHECK(redactor__copy(r, in, w, meta, &st) == 0);
	etr_writer__free(w);
	etr_reader__free(in);
	end = lseek(fd, 0, SEEK_END);
	CHECK(end > 0);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	back = etr_reader__open_fd(fd, NULL);
	CHECK(back);
	while (etr_reader__next_chunk(back, &ch) == 1)
		;
	etr_reader__stats(back, &rs);
	CHECK(rs.problems == 0);
	CHECK(etr_reader__ended_cleanly(back) == st.ended);
	etr_reader__free(back);
	close(fd);
}

static void strings(struct redactor *r, const uint8_t *data, size_t size)
{
	struct etr_str in = {(const char *)data, (uint32_t)size}, out, again;
	int n;

	if (size > (1u << 20))
		return;
	n = redactor__argv(r, &in, &out);
	CHECK(n >= 0);
	CHECK(n > 0 || out.ptr == in.ptr);
	CHECK(redactor__argv(r, &out, &again) == 0 || n == 0);
	n = redactor__env(r, &in, &out);
	CHECK(n >= 0);
	n = redactor__str(r, in.ptr, in.len, &out);
	CHECK(n >= 0);
	CHECK(redactor__str(r, out.ptr, out.len, &again) == 0 || n == 0);
	redactor__reset(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct redactor *r;

	if (!r) {
		struct redactor_opts o = {.sz = sizeof(o), .key = key};

		r = redactor__new(&o);
		CHECK(r);
	}
	copy_trace(r, data, size);
	strings(r, data, size);
	return 0;
}
