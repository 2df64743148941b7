/* SPDX-License-Identifier: MIT */
/*
 * Escaping a byte string for JSON, CSV and the shell, one copy of each rule
 * for every output of execrec. None loses a byte: what is not valid UTF-8
 * comes back exactly from the escaped text.
 *
 * The escapers write into memory the caller provides (an output buffer's
 * free room), as many whole units (a byte, a UTF-8 character, an escape)
 * as fit, and say how much of the input they took; the caller makes room
 * and calls again until the input is used up. With at least EC_ESCAPE_MAX
 * bytes of room each call takes something.
 */
#ifndef EXECREC_COMMON_ESCAPE_H
#define EXECREC_COMMON_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

/* Most bytes one unit of any escaper writes ("\udcff"). */
#define EC_ESCAPE_MAX 6

/*
 * The common signature: escape from @s (@len bytes) into @dst (@cap bytes);
 * returns the bytes written and sets *@ret_used to the input bytes taken.
 */
typedef size_t ec_escape_fn(char *dst, size_t cap, const char *s, size_t len, size_t *ret_used);

/*
 * The inside of a JSON string (no quotes). Valid UTF-8 goes as it is; ",
 * \ and the control characters (below 0x20, and DEL) are escaped: \n, \t,
 * \r, \", \\ or \u00XX. Each byte that is not part of valid UTF-8 becomes
 * the lone surrogate \udc80..\udcff (Python's "surrogateescape"), so
 * json.loads(s).encode("utf-8", "surrogateescape") gives the bytes back.
 */
ec_escape_fn ec_json_escape;

/*
 * The inside of a CSV cell: valid UTF-8 as it is, a backslash as \\, a
 * control byte, DEL or a byte that is not UTF-8 as \xNN, a quote doubled
 * (cells holding one are quoted: ec_csv_needs_quotes).
 */
ec_escape_fn ec_csv_escape;
/* Whether a cell of these bytes is written in quotes (RFC 4180): it holds
 * a comma, a quote or a space. */
bool ec_csv_needs_quotes(const char *s, size_t len);

/* How a shell word is quoted, bash's printf %q style. */
enum ec_shell_quote {
	EC_SHELL_PLAIN,	 /* as it is: [A-Za-z0-9_@%+=:,./-], at least one */
	EC_SHELL_SINGLE, /* '...': printable text (and the empty word) */
	EC_SHELL_ANSI_C, /* $'...' through ec_shell_escape: anything else */
};
enum ec_shell_quote ec_shell_quote_of(const char *s, size_t len);
/*
 * The inside of $'...': \n, \t, \r, \\, \' and \xNN (lowercase) for other
 * control bytes, DEL, bytes that are not UTF-8 and characters that could
 * make a terminal lie (ec_utf8_sneaky); valid printable UTF-8 as it is.
 */
ec_escape_fn ec_shell_escape;

/*
 * The fast path of argument lists, which are most of what the outputs
 * print: if every argument of the argv block @b (@len bytes, "a\0b\0",
 * the last NUL optional) is a plain shell word and none is empty, copy the
 * block to @d with its NULs as spaces and return true (the caller drops a
 * trailing space). False, with @d holding nothing of use, otherwise. @d
 * has room for @len bytes.
 */
bool ec_shell_plain_words(char *d, const void *b, size_t len);

#endif /* EXECREC_COMMON_ESCAPE_H */
