/* SPDX-License-Identifier: MIT */
/* The PNG reader of png.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "png.h"

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint8_t paeth(int a, int b, int c)
{
	int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);

	if (pa <= pb && pa <= pc)
		return (uint8_t)a;
	return (uint8_t)(pb <= pc ? b : c);
}

int png_read(const char *path, struct png *ret, char *why, size_t why_len)
{
	static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	FILE *f = fopen(path, "rb");
	uint8_t *file = NULL, *idat = NULL, *raw = NULL;
	size_t flen = 0, ilen = 0, pos = 8, bpp = 0;
	uLongf rlen;
	uint32_t w = 0, h = 0;
	int rc = -1;

	memset(ret, 0, sizeof(*ret));
	if (!f) {
		snprintf(why, why_len, "cannot open %s", path);
		return -1;
	}
	fseek(f, 0, SEEK_END);
	flen = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	file = malloc(flen ? flen : 1);
	idat = malloc(flen ? flen : 1);
	if (!file || !idat || fread(file, 1, flen, f) != flen) {
		snprintf(why, why_len, "cannot read %s", path);
		goto out;
	}
	if (flen < 8 || memcmp(file, sig, 8)) {
		snprintf(why, why_len, "not a PNG");
		goto out;
	}
	while (pos + 12 <= flen) {
		uint32_t len = be32(file + pos);
		const uint8_t *type = file + pos + 4, *data = file + pos + 8;

		if ((size_t)len > flen - pos - 12) {
			snprintf(why, why_len, "chunk past the end");
			goto out;
		}
		if (!memcmp(type, "IHDR", 4) && len >= 13) {
			w = be32(data);
			h = be32(data + 4);
			if (data[8] != 8 || (data[9] != 6 && data[9] != 2) || data[12] != 0) {
				snprintf(why, why_len,
					 "unsupported PNG: depth %u, color %u, interlace %u",
					 data[8], data[9], data[12]);
				goto out;
			}
			bpp = data[9] == 6 ? 4 : 3;
		} else if (!memcmp(type, "IDAT", 4)) {
			memcpy(idat + ilen, data, len);
			ilen += len;
		} else if (!memcmp(type, "IEND", 4)) {
			break;
		}
		pos += 12 + (size_t)len;
	}
	if (!w || !h || !bpp || (uint64_t)w * h > (1u << 28)) {
		snprintf(why, why_len, "no usable IHDR");
		goto out;
	}
	rlen = (uLongf)h * (1 + w * bpp);
	raw = malloc(rlen);
	ret->rgba = malloc((size_t)w * h * 4);
	if (!raw || !ret->rgba || uncompress(raw, &rlen, idat, ilen) != Z_OK ||
	    rlen != (uLongf)h * (1 + w * bpp)) {
		snprintf(why, why_len, "image data does not inflate to %u x %u", w, h);
		goto out;
	}
	/* undo the filters, row by row, in place */
	for (uint32_t y = 0; y < h; y++) {
		uint8_t *row = raw + (size_t)y * (1 + w * bpp), ft = row[0], *cur = row + 1;
		const uint8_t *prev = y ? raw + (size_t)(y - 1) * (1 + w * bpp) + 1 : NULL;

		for (size_t i = 0; i < (size_t)w * bpp; i++) {
			int a = i >= bpp ? cur[i - bpp] : 0, b = prev ? prev[i] : 0;
			int c = prev && i >= bpp ? prev[i - bpp] : 0;

			switch (ft) {
			case 0:
				break;
			case 1:
				cur[i] = (uint8_t)(cur[i] + a);
				break;
			case 2:
				cur[i] = (uint8_t)(cur[i] + b);
				break;
			case 3:
				cur[i] = (uint8_t)(cur[i] + (a + b) / 2);
				break;
			case 4:
				cur[i] = (uint8_t)(cur[i] + paeth(a, b, c));
				break;
			default:
				snprintf(why, why_len, "bad filter %u in row %u", ft, y);
				goto out;
			}
		}
		for (uint32_t x = 0; x < w; x++) {
			uint8_t *o = ret->rgba + ((size_t)y * w + x) * 4;

			memcpy(o, cur + (size_t)x * bpp, bpp);
			if (bpp == 3)
				o[3] = 255;
		}
	}
	ret->width = w;
	ret->height = h;
	rc = 0;
out:
	if (rc) {
		free(ret->rgba);
		ret->rgba = NULL;
	}
	fclose(f);
	free(file);
	free(idat);
	free(raw);
	return rc;
}

void png_release(struct png *p)
{
	free(p->rgba);
	p->rgba = NULL;
}
