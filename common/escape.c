/* SPDX-License-Identifier: MIT */
/* JSON, CSV and shell escaping (escape.h). */
#include <stdint.h>
#include <string.h>

#include "escape.h"
#include "utf8.h"

/* Lowercase, as printf's %x. */
static const char hexdig[] = "0123456789abcdef";

/* Bytes the JSON escaper looks at one by one: controls, DEL, " and \, and
 * the start of anything that is not ASCII. */
static const unsigned char json_special[256] = {
    [0 ... 0x1f] = 1,
    ['"'] = 1,
    ['\\'] = 1,
    [0x7f ... 0xff] = 1,
};

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/*
 * Whether any of the eight bytes of @v is json_special: below 0x20, ", \,
 * DEL, or 0x80 and above. (A borrow can mark a byte above one that
 * matches, never a word with no match.) Strings are mostly plain, so eight
 * bytes a step is most of the scan.
 */
static inline bool special8(uint64_t v)
{
	uint64_t quote = v ^ 0x22 * ONES, bslash = v ^ 0x5c * ONES, del = v ^ 0x7f * ONES;

	return (((v - 0x20 * ONES) & ~v) | ((quote - ONES) & ~quote) | ((bslash - ONES) & ~bslash) |
		((del - ONES) & ~del) | v) &
	       HIGHS;
}

/* The length of the run at @p with no json_special byte (CSV cells have
 * the same ones). */
static inline size_t plain_run(const unsigned char *p, size_t len)
{
	size_t j = 0;

	for (; len - j >= 8; j += 8) {
		uint64_t v;

		memcpy(&v, p + j, 8);
		if (special8(v))
			break;
	}
	while (j < len && !json_special[p[j]])
		j++;
	return j;
}

/*
 * What each byte asks of a shell word, so that one pass of ORs over it
 * tells how to quote: Q_WORD for bytes a word may not hold bare (plain:
 * [A-Za-z0-9_@%+=:,./-]), Q_ESC for those '...' cannot hold either
 * (controls, DEL, the quote itself), Q_HIGH for bytes of multi-byte
 * characters, which must be checked as UTF-8. Wide: ORs straight from
 * memory.
 */
#define Q_WORD 1u
#define Q_ESC 2u
#define Q_HIGH 4u
#define Q_CTL (Q_WORD | Q_ESC)

static const uint32_t quote_class[256] = {
    [0 ... 0x1f] = Q_CTL,   [' ' ... '$'] = Q_WORD, ['&'] = Q_WORD,
    ['\''] = Q_CTL,	    ['(' ... '*'] = Q_WORD, [';' ... '<'] = Q_WORD,
    ['>' ... '?'] = Q_WORD, ['[' ... '^'] = Q_WORD, ['`'] = Q_WORD,
    ['{' ... '~'] = Q_WORD, [0x7f] = Q_CTL,	    [0x80 ... 0xff] = Q_WORD | Q_HIGH,
};

/*
 * The loop of every escaper: runs of bytes that need nothing, found by
 * @run, copied as room allows; between them one unit (a UTF-8 character
 * kept whole, or an escape) written by @unit, whole or not at all. Inlined
 * into each escaper, so @run and @unit are direct calls.
 */
typedef size_t run_fn(const unsigned char *p, size_t len);
/* Writes the unit at @p (@len bytes left, at least 1) to @e (room for
 * EC_ESCAPE_MAX); returns its length and sets *@ret_n to the bytes taken. */
typedef size_t unit_fn(char *e, const unsigned char *p, size_t len, size_t *ret_n);

static inline __attribute__((always_inline)) size_t escape(char *dst, size_t cap, const char *s,
							   size_t len, size_t *ret_used,
							   run_fn *run, unit_fn *unit)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0;

	while (i < len) {
		size_t j = i + run(p + i, len - i), k = j - i < cap - o ? j - i : cap - o, n, elen;
		char e[EC_ESCAPE_MAX];

		memcpy(dst + o, p + i, k);
		o += k;
		i += k;
		if (i < j || i == len)
			break; /* out of room, or done */
		elen = unit(e, p + i, len - i, &n);
		if (elen > cap - o)
			break;
		memcpy(dst + o, e, elen);
		o += elen;
		i += n;
	}
	*ret_used = i;
	return o;
}

/* \ and two hex digits after @pre (1 or 3 bytes); returns the length. */
static inline size_t hex_escape(char *e, const char *pre, size_t npre, unsigned char c)
{
	e[0] = '\\';
	memcpy(e + 1, pre, npre);
	e[1 + npre] = hexdig[c >> 4];
	e[2 + npre] = hexdig[c & 15];
	return 3 + npre;
}

/* A valid multi-byte UTF-8 character at @p, copied to @e: its length, or 0. */
static inline size_t utf8_unit(char *e, const unsigned char *p, size_t len)
{
	size_t n = p[0] >= 0x80 ? ec_utf8_len(p, len) : 0;

	if (n)
		memcpy(e, p, n);
	return n;
}

/* The letter of C's escape for \n, \t and \r, or 0. */
static inline char c_letter(unsigned char c)
{
	return c == '\n' ? 'n' : c == '\t' ? 't' : c == '\r' ? 'r' : 0;
}

static size_t json_unit(char *e, const unsigned char *p, size_t len, size_t *ret_n)
{
	unsigned char c = p[0];

	if ((*ret_n = utf8_unit(e, p, len)))
		return *ret_n;
	*ret_n = 1;
	e[0] = '\\';
	e[1] = c == '"' || c == '\\' ? (char)c : c_letter(c);
	if (e[1])
		return 2;
	/* a control byte (\u00XX), or surrogateescape: U+DC80..U+DCFF stand
	 * for bytes that are not UTF-8 */
	return hex_escape(e, c >= 0x80 ? "udc" : "u00", 3, c);
}

size_t ec_json_escape(char *dst, size_t cap, const char *s, size_t len, size_t *ret_used)
{
	return escape(dst, cap, s, len, ret_used, plain_run, json_unit);
}

bool ec_csv_needs_quotes(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == ' ')
			return true;
	return false;
}

static size_t csv_unit(char *e, const unsigned char *p, size_t len, size_t *ret_n)
{
	unsigned char c = p[0];

	if ((*ret_n = utf8_unit(e, p, len)))
		return *ret_n;
	*ret_n = 1;
	if (c == '\\' || c == '"') {
		e[0] = e[1] = (char)c; /* \\, and "" inside the quotes */
		return 2;
	}
	return hex_escape(e, "x", 1, c);
}

size_t ec_csv_escape(char *dst, size_t cap, const char *s, size_t len, size_t *ret_used)
{
	return escape(dst, cap, s, len, ret_used, plain_run, csv_unit);
}

/* The OR of the classes of @len bytes: four a step, since arguments are
 * most of what the tree prints. */
static inline unsigned quote_class_of(const unsigned char *p, size_t len)
{
	unsigned a = 0, b = 0;
	size_t i = 0;

	for (; i + 4 <= len; i += 4) {
		a |= quote_class[p[i]] | quote_class[p[i + 1]];
		b |= quote_class[p[i + 2]] | quote_class[p[i + 3]];
	}
	for (; i < len; i++)
		a |= quote_class[p[i]];
	return a | b;
}

/* With bytes >= 0x80: whether all is valid UTF-8 and printable. */
static bool utf8_printable(const unsigned char *p, size_t len)
{
	for (size_t i = 0, n; i < len; i += n) {
		n = ec_utf8_len(p + i, len - i);
		if (!n || (quote_class[p[i]] & Q_ESC) || ec_utf8_sneaky(p + i, n))
			return false;
	}
	return true;
}

enum ec_shell_quote ec_shell_quote_of(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned cls = quote_class_of(p, len);

	if (!cls && len)
		return EC_SHELL_PLAIN;
	if (!(cls & Q_ESC) && (!(cls & Q_HIGH) || utf8_printable(p, len)))
		return EC_SHELL_SINGLE;
	return EC_SHELL_ANSI_C;
}

/* The run of bytes $'...' holds as they are. */
static inline size_t shell_run(const unsigned char *p, size_t len)
{
	size_t j = 0;

	while (j < len && !(quote_class[p[j]] & (Q_ESC | Q_HIGH)) && p[j] != '\\')
		j++;
	return j;
}

static size_t shell_unit(char *e, const unsigned char *p, size_t len, size_t *ret_n)
{
	unsigned char c = p[0];
	size_t n = utf8_unit(e, p, len);

	if (n > 1 && !ec_utf8_sneaky(p, n)) {
		*ret_n = n;
		return n;
	}
	/* One byte at a time, also of a sneaky character: the bytes after its
	 * first are continuation bytes, escaped the same way. */
	*ret_n = 1;
	e[0] = '\\';
	e[1] = c == '\\' || c == '\'' ? (char)c : c_letter(c);
	return e[1] ? 2 : hex_escape(e, "x", 1, c);
}

size_t ec_shell_escape(char *dst, size_t cap, const char *s, size_t len, size_t *ret_used)
{
	return escape(dst, cap, s, len, ret_used, shell_run, shell_unit);
}

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* GCC's and clang's vectors: compares give 0 or all ones a byte. */
typedef unsigned char v16 __attribute__((vector_size(16)));

/* The bytes of @v (all below 0x80) that may stand in a plain word, as 0x80
 * each: letters, + , - . / 0-9 :, and _ = @ % (quote_class's zeros). */
static inline uint64_t plain8(uint64_t v)
{
	uint64_t l = v | 0x20 * ONES; /* upper case as lower */
	uint64_t letter = (l + 0x1f * ONES) & ~(l + 0x05 * ONES);
	uint64_t punct = (v + 0x55 * ONES) & ~(v + 0x45 * ONES); /* 0x2b..0x3a */
	/* a byte equals c when its XOR with c is 0 */
	uint64_t under = ~((v ^ 0x5f * ONES) + 0x7f * ONES);
	uint64_t equal = ~((v ^ 0x3d * ONES) + 0x7f * ONES);
	uint64_t at = ~((v ^ 0x40 * ONES) + 0x7f * ONES);
	uint64_t percent = ~((v ^ 0x25 * ONES) + 0x7f * ONES);

	return (letter | punct | under | equal | at | percent) & HIGHS;
}
#endif

bool ec_shell_plain_words(char *d, const void *block, size_t len)
{
	const unsigned char *b = (const unsigned char *)block;
	uint64_t prev = 0x80; /* the byte before the first counts as a NUL */
	size_t i = 0;

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* sixteen bytes a step where the compiler has vectors (SSE2, NEON) */
	for (; len - i >= 16; i += 16) {
		v16 v, ok, nul;
		uint64_t lo, hi, z0, z1;

		memcpy(&v, b + i, 16);
		nul = (v16)(v == 0);
		ok = (v16)((v16)((v | 0x20) - 'a') < 26) | (v16)((v16)(v - 0x2b) < 16) |
		     (v16)(v == '_') | (v16)(v == '=') | (v16)(v == '@') | (v16)(v == '%') | nul;
		memcpy(&lo, &ok, 8);
		memcpy(&hi, (char *)&ok + 8, 8);
		if ((lo & hi) != ~0ull)
			return false; /* (bytes >= 0x80 are in no class) */
		memcpy(&lo, &nul, 8);
		memcpy(&hi, (char *)&nul + 8, 8);
		z0 = lo & HIGHS;
		z1 = hi & HIGHS;
		/* no NUL right after a NUL */
		if ((z0 & (z0 << 8 | prev)) || (z1 & (z1 << 8 | z0 >> 56)))
			return false;
		prev = z1 >> 56;
		v += nul & ' ';
		memcpy(d + i, &v, 16);
	}
	for (; len - i >= 8; i += 8) {
		uint64_t v, z;

		memcpy(&v, b + i, 8);
		if (v & HIGHS)
			return false;
		z = ~((v + 0x7f * ONES) | v) & HIGHS; /* 0x80 at each NUL */
		/* every byte plain or a NUL, and no NUL right after a NUL */
		if ((plain8(v) | z) != HIGHS || (z & (z << 8 | prev)))
			return false;
		prev = z >> 56;
		v += (z >> 7) * ' ';
		memcpy(d + i, &v, 8);
	}
#endif
	for (; i < len; i++) {
		unsigned char c = b[i];

		if (!c) {
			if (prev)
				return false;
			d[i] = ' ';
		} else if (quote_class[c]) {
			return false;
		} else {
			d[i] = (char)c;
		}
		prev = !c;
	}
	return true;
}
