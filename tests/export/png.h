/* SPDX-License-Identifier: MIT */
/* Just enough of PNG to look at what rsvg-convert drew: 8-bit RGB or RGBA,
 * not interlaced (what it writes), decoded with zlib. */
#ifndef EXECREC_TESTS_PNG_H
#define EXECREC_TESTS_PNG_H

#include <stddef.h>
#include <stdint.h>

struct png {
	uint32_t width, height;
	uint8_t *rgba; /* width * height * 4, alpha kept */
};

/* 0, or -1 with a reason in @why. */
int png_read(const char *path, struct png *ret, char *why, size_t why_len);
void png_release(struct png *p);

#endif
