/* SPDX-License-Identifier: MIT */
/*
 * A growable byte buffer, one copy for replay/ and the libraries over it.
 * Zero-initialize it ({0}, or set .max first); p is NUL-terminated after the
 * first put. On the first failure it records err and ignores every later
 * put, so a caller checks err once at the end.
 */
#ifndef EXECREC_REPLAY_SBUF_H
#define EXECREC_REPLAY_SBUF_H

#include <stddef.h>

struct rp_sbuf {
	char *p;
	size_t len; /* bytes held, the NUL after them not counted */
	size_t cap;
	size_t max; /* most bytes it may take, its NUL counted; 0: no bound */
	int err;    /* 0, -ENOMEM, or -E2BIG (past max) */
};

void rp_sbuf__put(struct rp_sbuf *s, const void *data, size_t len);
void rp_sbuf__puts(struct rp_sbuf *s, const char *str);
void rp_sbuf__putc(struct rp_sbuf *s, char c);
/* @str in front of what is there. */
void rp_sbuf__prepend(struct rp_sbuf *s, const char *str);
/* Hand the NUL-terminated bytes over ("" if none were put) and reset @s;
 * NULL (and @s freed) after an error. */
char *rp_sbuf__steal(struct rp_sbuf *s);
/* Free the bytes and reset @s (keeping nothing, not even max). */
void rp_sbuf__free(struct rp_sbuf *s);

#endif /* EXECREC_REPLAY_SBUF_H */
