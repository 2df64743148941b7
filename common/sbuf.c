// SPDX-License-Identifier: MIT
/* The byte buffer (sbuf.h). */
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"

/* Room for @more bytes and the NUL after them. */
static int reserve(struct ec_sbuf *s, size_t more)
{
	size_t need, cap;
	char *p;

	if (s->err)
		return s->err;
	if (more > SIZE_MAX - 1 - s->len) {
		s->err = -ENOMEM;
		return s->err;
	}
	need = s->len + more + 1;
	if (s->max && need > s->max) {
		s->err = -E2BIG;
		return s->err;
	}
	if (need <= s->cap)
		return 0;
	cap = s->cap ? s->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	/* never room past max: the fast paths below check cap alone */
	if (s->max && cap > s->max)
		cap = s->max;
	p = realloc(s->p, cap);
	if (!p) {
		s->err = -ENOMEM;
		return s->err;
	}
	s->p = p;
	s->cap = cap;
	return 0;
}

void ec_sbuf__put(struct ec_sbuf *s, const void *data, size_t len)
{
	/* cap - len is at least 1 (the NUL) once anything was put */
	if ((s->err || len >= s->cap - s->len) && reserve(s, len))
		return;
	if (len)
		memcpy(s->p + s->len, data, len);
	s->len += len;
	s->p[s->len] = '\0';
}

void ec_sbuf__puts(struct ec_sbuf *s, const char *str)
{
	ec_sbuf__put(s, str, strlen(str));
}

void ec_sbuf__putc(struct ec_sbuf *s, char c)
{
	/* one byte at a time is how diff's normalization writes */
	if (!s->err && s->cap - s->len > 1) {
		s->p[s->len++] = c;
		s->p[s->len] = '\0';
		return;
	}
	ec_sbuf__put(s, &c, 1);
}

void ec_sbuf__printf(struct ec_sbuf *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (s->err)
		return;
	va_start(ap, fmt);
	n = vsnprintf(s->p ? s->p + s->len : NULL, s->p ? s->cap - s->len : 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (!s->p || (size_t)n >= s->cap - s->len) {
		/* did not fit: once more with room (the cut copy undone if none) */
		if (reserve(s, (size_t)n)) {
			if (s->p)
				s->p[s->len] = '\0';
			return;
		}
		va_start(ap, fmt);
		vsnprintf(s->p + s->len, s->cap - s->len, fmt, ap);
		va_end(ap);
	}
	s->len += (size_t)n;
}

void ec_sbuf__prepend(struct ec_sbuf *s, const char *str)
{
	size_t n = strlen(str);

	if (reserve(s, n))
		return;
	if (s->len)
		memmove(s->p + n, s->p, s->len);
	memcpy(s->p, str, n);
	s->len += n;
	s->p[s->len] = '\0';
}

char *ec_sbuf__steal(struct ec_sbuf *s)
{
	char *p;

	if (!s->p)
		ec_sbuf__put(s, "", 0);
	if (s->err) {
		ec_sbuf__free(s);
		return NULL;
	}
	p = s->p;
	*s = (struct ec_sbuf){0};
	return p;
}

void ec_sbuf__free(struct ec_sbuf *s)
{
	free(s->p);
	*s = (struct ec_sbuf){0};
}
