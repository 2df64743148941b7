// SPDX-License-Identifier: MIT
/* The byte buffer of sbuf.h. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"

/* Room for @more bytes and the NUL after them. */
static int reserve(struct rp_sbuf *s, size_t more)
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
	p = realloc(s->p, cap);
	if (!p) {
		s->err = -ENOMEM;
		return s->err;
	}
	s->p = p;
	s->cap = cap;
	return 0;
}

void rp_sbuf__put(struct rp_sbuf *s, const void *data, size_t len)
{
	if (reserve(s, len))
		return;
	if (len)
		memcpy(s->p + s->len, data, len);
	s->len += len;
	s->p[s->len] = '\0';
}

void rp_sbuf__puts(struct rp_sbuf *s, const char *str)
{
	rp_sbuf__put(s, str, strlen(str));
}

void rp_sbuf__putc(struct rp_sbuf *s, char c)
{
	rp_sbuf__put(s, &c, 1);
}

void rp_sbuf__prepend(struct rp_sbuf *s, const char *str)
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

char *rp_sbuf__steal(struct rp_sbuf *s)
{
	char *p;

	if (!s->p)
		rp_sbuf__put(s, "", 0);
	if (s->err) {
		rp_sbuf__free(s);
		return NULL;
	}
	p = s->p;
	*s = (struct rp_sbuf){0};
	return p;
}

void rp_sbuf__free(struct rp_sbuf *s)
{
	free(s->p);
	*s = (struct rp_sbuf){0};
}
