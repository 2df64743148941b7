/* SPDX-License-Identifier: MIT */
/*
 * The fields of a tracefs "format" file:
 *
 *	field:const char * filename;	offset:16;	size:8;	signed:0;
 *
 * The text may come from a trace, so it is read as untrusted: within its
 * length, NUL bytes end it, and an odd line is skipped rather than guessed.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAX_FIELDS 4096

/* The integer after @key within [p, end), or -1. */
static int field_num(const char *p, const char *end, const char *key)
{
	size_t klen = strlen(key);
	long v = 0;
	const char *q;

	for (q = p; q + klen <= end; q++) {
		if (!memcmp(q, key, klen))
			break;
	}
	if (q + klen > end)
		return -1;
	q += klen;
	if (q >= end || !isdigit((unsigned char)*q))
		return -1;
	while (q < end && isdigit((unsigned char)*q) && v < 1000000)
		v = v * 10 + (*q++ - '0');
	return (int)v;
}

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* "const char * filename" -> type "const char *", name "filename";
 * "char comm[16]" -> "char[16]", "comm"; "__data_loc char[] name" -> as is. */
static int split_decl(const char *decl, size_t len, struct probe_arg *a)
{
	const char *end = decl + len, *arr = end, *name_end, *name;
	size_t tlen;
	char *type;

	while (end > decl && isspace((unsigned char)end[-1]))
		end--;
	arr = end;
	if (end > decl && end[-1] == ']') {
		const char *q = end - 1;

		while (q > decl && *q != '[')
			q--;
		if (*q == '[' && q > decl && ident_char(q[-1]))
			arr = q;
	}
	name_end = arr;
	name = name_end;
	while (name > decl && ident_char(name[-1]))
		name--;
	if (name == name_end) {
		/* no name to be found: keep the declaration whole */
		a->name = probe_detail_strndup(decl, len);
		a->type = probe_detail_strdup("");
		return a->name && a->type ? 0 : -ENOMEM;
	}
	a->name = probe_detail_strndup(name, (size_t)(name_end - name));
	tlen = (size_t)(name - decl);
	while (tlen && isspace((unsigned char)decl[tlen - 1]))
		tlen--;
	type = malloc(tlen + (size_t)(end - arr) + 1);
	if (!type || !a->name) {
		free(type);
		return -ENOMEM;
	}
	memcpy(type, decl, tlen);
	memcpy(type + tlen, arr, (size_t)(end - arr));
	type[tlen + (size_t)(end - arr)] = '\0';
	a->type = type;
	return 0;
}

int probe_tp_format_parse(const char *text, size_t len, struct probe_detail *d)
{
	const char *p = text, *end;
	const char *nul = memchr(text, '\0', len);
	size_t n = 0;

	end = nul ? nul : text + len;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *q = p, *semi;
		struct probe_arg *a;
		int err;

		if (!eol)
			eol = end;
		while (q < eol && (*q == ' ' || *q == '\t'))
			q++;
		if ((size_t)(eol - q) > 6 && !memcmp(q, "field:", 6)) {
			q += 6;
			semi = memchr(q, ';', (size_t)(eol - q));
			if (semi && semi > q && n < MAX_FIELDS) {
				a = probe_detail_add_arg(d);
				if (!a)
					return -ENOMEM;
				a->decl = probe_detail_strndup(q, (size_t)(semi - q));
				if (!a->decl)
					return -ENOMEM;
				err = split_decl(q, (size_t)(semi - q), a);
				if (err)
					return err;
				a->offset = field_num(semi, eol, "offset:");
				a->size = field_num(semi, eol, "size:");
				a->is_signed = field_num(semi, eol, "signed:");
				if (a->is_signed > 1)
					a->is_signed = -1;
				a->common = !strncmp(a->name, "common_", 7);
				n++;
			}
		}
		p = eol + 1;
	}
	return 0;
}
