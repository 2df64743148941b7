/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target of etr_file__last_chunk(), the backward scan by chunk
 * trailers (format/tail.c): the input is a file; whatever it holds, the
 * chunk found lies within it and its header and trailer check out the way
 * the forward reader sees them.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "etr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_tail: check failed: %s (line %d)\n", #cond,          \
				__LINE__);                                                         \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	struct etr_chunk_loc loc;
	int err;

	if (fd < 0) {
		fd = memfd_create("fuzz-tail", 0);
		if (fd < 0)
			abort();
	}
	if (ftruncate(fd, 0) || (size && pwrite(fd, data, size, 0) != (ssize_t)size))
		abort();
	err = etr_file__last_chunk(fd, &loc);
	CHECK(err == 0 || err == -ENOENT || err == -EIO);
	if (err)
		return 0;
	/* within the file, after the file header, a whole chunk */
	CHECK(loc.offset >= ETR_FILE_HEADER_SIZE);
	CHECK(loc.size >= ETR_CHUNK_HEADER_SIZE + ETR_CHUNK_TRAILER_SIZE);
	CHECK(loc.offset + loc.size <= size);
	CHECK(!memcmp(data + loc.offset, "ETRC", 4));
	CHECK(!memcmp(data + loc.offset + loc.size - ETR_CHUNK_TRAILER_SIZE, "ETRT", 4));
	CHECK(le32(data + loc.offset + 8) + le32(data + loc.offset + 12) +
		  (uint64_t)ETR_CHUNK_TRAILER_SIZE ==
	      loc.size);
	CHECK(etr_crc32c(0, data + loc.offset, ETR_CHUNK_HEADER_SIZE - 4) ==
	      le32(data + loc.offset + ETR_CHUNK_HEADER_SIZE - 4));
	return 0;
}
