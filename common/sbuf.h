/* SPDX-License-Identifier: MIT */
/*
 * A growable byte buffer, one copy for every layer.
 * Zero-initialize it ({0}, or set .max first); p is NUL-terminated after the
 * first put. On the first failure it records err and ignores every later
 * put, so a caller checks err once at the end.
 */
#ifndef EXECREC_COMMON_SBUF_H
#define EXECREC_COMMON_SBUF_H

#include <stdarg.h>
#include <stddef.h>

struct ec_sbuf {
	char *p;
	size_t len; /* bytes held, the NUL after them not counted */
	size_t cap;
	size_t max; /* most bytes it may take, its NUL counted; 0: no bound */
	int err;    /* 0, -ENOMEM, or -E2BIG (past max) */
};

void ec_sbuf__put(struct ec_sbuf *s, const void *data, size_t len);
void ec_sbuf__puts(struct ec_sbuf *s, const char *str);
void ec_sbuf__putc(struct ec_sbuf *s, char c);
/* printf into the buffer, after what is there. */
__attribute__((format(printf, 2, 3))) void ec_sbuf__printf(struct ec_sbuf *s, const char *fmt, ...);
/* @str in front of what is there. */
void ec_sbuf__prepend(struct ec_sbuf *s, const char *str);
/* Hand the NUL-terminated bytes over ("" if none were put) and reset @s;
 * NULL (and @s freed) after an error. */
char *ec_sbuf__steal(struct ec_sbuf *s);
/* Free the bytes and reset @s (keeping nothing, not even max). */
void ec_sbuf__free(struct ec_sbuf *s);

#endif /* EXECREC_COMMON_SBUF_H */
