/* SPDX-License-Identifier: MIT */
/* UTF-8 as the outputs need it: bytes of a trace are not trusted to be text. */
#ifndef EXECREC_COMMON_UTF8_H
#define EXECREC_COMMON_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Length of the valid UTF-8 sequence at @p (of @n bytes available), or 0
 * if the byte there does not start one (or @n is 0): no overlong forms, no
 * surrogates, nothing beyond U+10FFFF. ASCII, NUL included, is 1.
 */
size_t ec_utf8_len(const unsigned char *p, size_t n);

/* Whether all @len bytes at @s are valid UTF-8. */
bool ec_utf8_valid(const char *s, size_t len);

/*
 * Whether the sequence at @p (a valid one of @len bytes) is a character
 * that could make text on a terminal lie: a C1 control (U+0080..U+009F) or
 * a bidirectional override (U+202A..U+202E, U+2066..U+2069).
 */
bool ec_utf8_sneaky(const unsigned char *p, size_t len);

#endif /* EXECREC_COMMON_UTF8_H */
