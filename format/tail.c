/* SPDX-License-Identifier: MIT */
/*
 * Finding the last complete chunk from the end of a file, by its trailer
 * (SPEC.md, "Finding the last chunk from the end"): what a tool that follows
 * a growing trace, or checks how far a cut trace got, needs without reading
 * the whole file.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define TAIL_BLOCK 65536

static int pread_all(int fd, void *buf, size_t len, uint64_t off)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = pread(fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

/* Does a trailer at @toff (of a file of @fsize bytes) close a good chunk? */
static int check_trailer(int fd, uint64_t fsize, uint64_t toff, const uint8_t *t,
			 struct etr_chunk_loc *loc)
{
	uint8_t h[ETR_CHUNK_HEADER_SIZE];
	uint64_t csize = get_le64(t + CT_LEN), start;
	uint32_t hsize;

	if (memcmp(t + CT_MAGIC, ETR_TRAILER_MAGIC, 4) ||
	    csize < ETR_CHUNK_HEADER_SIZE + ETR_CHUNK_TRAILER_SIZE ||
	    csize > toff + ETR_CHUNK_TRAILER_SIZE - ETR_FILE_HEADER_SIZE ||
	    toff + ETR_CHUNK_TRAILER_SIZE > fsize)
		return 0; /* (a chunk starts after the file header) */
	start = toff + ETR_CHUNK_TRAILER_SIZE - csize;
	if (pread_all(fd, h, sizeof(h), start))
		return 0;
	if (memcmp(h + CH_MAGIC, ETR_CHUNK_MAGIC, 4))
		return 0;
	hsize = get_le32(h + CH_HSIZE);
	/* headers longer than this version's are read by a full reader */
	if (hsize != ETR_CHUNK_HEADER_SIZE ||
	    etr_crc32c(0, h, hsize - 4) != get_le32(h + hsize - 4) ||
	    get_le32(h + hsize - 4) != get_le32(t + CT_HCRC) ||
	    (uint64_t)hsize + get_le32(h + CH_STORED) + ETR_CHUNK_TRAILER_SIZE != csize)
		return 0;
	loc->offset = start;
	loc->size = csize;
	loc->seq = get_le64(h + CH_SEQ);
	loc->type = get_le16(h + CH_TYPE);
	return 1;
}

int etr_file__last_chunk(int fd, struct etr_chunk_loc *ret_loc)
{
	uint8_t buf[TAIL_BLOCK + ETR_CHUNK_TRAILER_SIZE];
	uint64_t fsize, end;
	struct stat st;

	if (fd < 0 || !ret_loc)
		return -EINVAL;
	if (fstat(fd, &st))
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -ESPIPE;
	fsize = (uint64_t)st.st_size;

	/* Scan backward block by block; blocks overlap by a trailer's length
	 * so a trailer that straddles two blocks is still seen whole. */
	end = fsize;
	while (end > ETR_FILE_HEADER_SIZE) {
		uint64_t start = end > TAIL_BLOCK ? end - TAIL_BLOCK : 0;
		size_t len = (size_t)(end - start);
		int err;

		if (start < ETR_FILE_HEADER_SIZE)
			start = ETR_FILE_HEADER_SIZE, len = (size_t)(end - start);
		if (end + ETR_CHUNK_TRAILER_SIZE <= fsize)
			len += ETR_CHUNK_TRAILER_SIZE; /* the overlap */
		else
			len = (size_t)(fsize - start);
		err = pread_all(fd, buf, len, start);
		if (err)
			return err;
		for (size_t i = len >= ETR_CHUNK_TRAILER_SIZE ? len - ETR_CHUNK_TRAILER_SIZE + 1
							      : 0;
		     i-- > 0;) {
			if (buf[i] != 'E' || memcmp(buf + i, ETR_TRAILER_MAGIC, 4))
				continue;
			if (check_trailer(fd, fsize, start + i, buf + i, ret_loc))
				return 0;
		}
		end = start;
	}
	return -ENOENT;
}
