/* SPDX-License-Identifier: MIT */
/*
 * A strict little JSON reader for the tests (RFC 8259: no trailing commas,
 * no control characters in strings, no leading zeros, one value per text).
 * Strings are decoded to bytes; a lone surrogate \udc80..\udcff becomes the
 * byte 0x80..0xff (Python's "surrogateescape"), so the tests can check that
 * bytes that were not UTF-8 come back exactly.
 */
#ifndef EXECREC_TESTS_JSON_H
#define EXECREC_TESTS_JSON_H

#include <stdbool.h>
#include <stddef.h>

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
	enum jtype type;
	bool b;
	double num;
	char *str; /* J_STR: decoded bytes, NUL-terminated */
	size_t len;
	struct jval *items; /* J_ARR, J_OBJ (values) */
	char **keys;	    /* J_OBJ */
	size_t *key_lens;
	size_t n;
};

/* Parse @len bytes; NULL if they are not exactly one JSON value (then
 * *ret_err_off, if given, says where it went wrong). */
struct jval *json_parse(const char *text, size_t len, size_t *ret_err_off);
void json_free(struct jval *v);

/* Member @key of an object, NULL if none (or @v is not an object). */
const struct jval *json_get(const struct jval *v, const char *key);
/* Its string, or NULL if it is not one. */
const char *json_str(const struct jval *v, const char *key);
/* Its number, or @dflt. */
double json_num(const struct jval *v, const char *key, double dflt);

#endif
