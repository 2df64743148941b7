/* SPDX-License-Identifier: MIT */
/*
 * Formatting and parsing helpers shared by the subcommands: quoting for the
 * shell, JSON and CSV that never lose a byte, times, durations, names of
 * errno values and signals.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "replay.h"

/* Linux (asm-generic) numbering: the trace may come from another machine,
 * so these are not taken from this machine's libc. */
/* clang-format off */
static const char *const errno_names[] = {
	[1] = "EPERM", [2] = "ENOENT", [3] = "ESRCH",
	[4] = "EINTR", [5] = "EIO", [6] = "ENXIO", [7] = "E2BIG",
	[8] = "ENOEXEC", [9] = "EBADF", [10] = "ECHILD", [11] = "EAGAIN",
	[12] = "ENOMEM", [13] = "EACCES", [14] = "EFAULT", [15] = "ENOTBLK",
	[16] = "EBUSY", [17] = "EEXIST", [18] = "EXDEV", [19] = "ENODEV",
	[20] = "ENOTDIR", [21] = "EISDIR", [22] = "EINVAL", [23] = "ENFILE",
	[24] = "EMFILE", [25] = "ENOTTY", [26] = "ETXTBSY", [27] = "EFBIG",
	[28] = "ENOSPC", [29] = "ESPIPE", [30] = "EROFS", [31] = "EMLINK",
	[32] = "EPIPE", [33] = "EDOM", [34] = "ERANGE", [35] = "EDEADLK",
	[36] = "ENAMETOOLONG", [37] = "ENOLCK", [38] = "ENOSYS", [39] = "ENOTEMPTY",
	[40] = "ELOOP", [42] = "ENOMSG", [43] = "EIDRM", [44] = "ECHRNG",
	[45] = "EL2NSYNC", [46] = "EL3HLT", [47] = "EL3RST", [48] = "ELNRNG",
	[49] = "EUNATCH", [50] = "ENOCSI", [51] = "EL2HLT", [52] = "EBADE",
	[53] = "EBADR", [54] = "EXFULL", [55] = "ENOANO", [56] = "EBADRQC",
	[57] = "EBADSLT", [59] = "EBFONT", [60] = "ENOSTR", [61] = "ENODATA",
	[62] = "ETIME", [63] = "ENOSR", [64] = "ENONET", [65] = "ENOPKG",
	[66] = "EREMOTE", [67] = "ENOLINK", [68] = "EADV", [69] = "ESRMNT",
	[70] = "ECOMM", [71] = "EPROTO", [72] = "EMULTIHOP", [73] = "EDOTDOT",
	[74] = "EBADMSG", [75] = "EOVERFLOW", [76] = "ENOTUNIQ", [77] = "EBADFD",
	[78] = "EREMCHG", [79] = "ELIBACC", [80] = "ELIBBAD", [81] = "ELIBSCN",
	[82] = "ELIBMAX", [83] = "ELIBEXEC", [84] = "EILSEQ", [85] = "ERESTART",
	[86] = "ESTRPIPE", [87] = "EUSERS", [88] = "ENOTSOCK", [89] = "EDESTADDRREQ",
	[90] = "EMSGSIZE", [91] = "EPROTOTYPE", [92] = "ENOPROTOOPT", [93] = "EPROTONOSUPPORT",
	[94] = "ESOCKTNOSUPPORT", [95] = "EOPNOTSUPP", [96] = "EPFNOSUPPORT", [97] = "EAFNOSUPPORT",
	[98] = "EADDRINUSE", [99] = "EADDRNOTAVAIL", [100] = "ENETDOWN", [101] = "ENETUNREACH",
	[102] = "ENETRESET", [103] = "ECONNABORTED", [104] = "ECONNRESET", [105] = "ENOBUFS",
	[106] = "EISCONN", [107] = "ENOTCONN", [108] = "ESHUTDOWN", [109] = "ETOOMANYREFS",
	[110] = "ETIMEDOUT", [111] = "ECONNREFUSED", [112] = "EHOSTDOWN", [113] = "EHOSTUNREACH",
	[114] = "EALREADY", [115] = "EINPROGRESS", [116] = "ESTALE", [117] = "EUCLEAN",
	[118] = "ENOTNAM", [119] = "ENAVAIL", [120] = "EISNAM", [121] = "EREMOTEIO",
	[122] = "EDQUOT", [123] = "ENOMEDIUM", [124] = "EMEDIUMTYPE", [125] = "ECANCELED",
	[126] = "ENOKEY", [127] = "EKEYEXPIRED", [128] = "EKEYREVOKED", [129] = "EKEYREJECTED",
	[130] = "EOWNERDEAD", [131] = "ENOTRECOVERABLE", [132] = "ERFKILL", [133] = "EHWPOISON",
	
};

static const char *const signal_names[] = {
	[1] = "SIGHUP", [2] = "SIGINT", [3] = "SIGQUIT", [4] = "SIGILL", [5] = "SIGTRAP",
	[6] = "SIGABRT", [7] = "SIGBUS", [8] = "SIGFPE", [9] = "SIGKILL", [10] = "SIGUSR1",
	[11] = "SIGSEGV", [12] = "SIGUSR2", [13] = "SIGPIPE", [14] = "SIGALRM", [15] = "SIGTERM",
	[16] = "SIGSTKFLT", [17] = "SIGCHLD", [18] = "SIGCONT", [19] = "SIGSTOP", [20] = "SIGTSTP",
	[21] = "SIGTTIN", [22] = "SIGTTOU", [23] = "SIGURG", [24] = "SIGXCPU", [25] = "SIGXFSZ",
	[26] = "SIGVTALRM", [27] = "SIGPROF", [28] = "SIGWINCH", [29] = "SIGPOLL", [30] = "SIGPWR",
	[31] = "SIGSYS",
};
/* clang-format on */

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const char *rp_errno_name(int err)
{
	if (err < 0)
		err = -err;
	if ((size_t)err < ARRAY_SIZE(errno_names))
		return errno_names[err];
	return NULL;
}

const char *rp_end_reason(uint32_t status)
{
	switch (status) {
	case ETR_END_NORMAL:
		return NULL;
	case ETR_END_SIZE_LIMIT:
		return "stopped at the size limit (--max-size)";
	case ETR_END_ERROR:
		return "stopped by the recorder's error";
	default:
		return "stopped for a reason this version does not know";
	}
}

const char *rp_end_status_name(uint32_t status)
{
	switch (status) {
	case ETR_END_NORMAL:
		return "normal";
	case ETR_END_SIZE_LIMIT:
		return "size_limit";
	case ETR_END_ERROR:
		return "error";
	default:
		return "unknown";
	}
}

const char *rp_signal_name(int sig)
{
	static _Thread_local char buf[16];

	if (sig > 0 && (size_t)sig < ARRAY_SIZE(signal_names))
		return signal_names[sig];
	/* glibc keeps 32 and 33 for itself; the kernel's SIGRTMIN is 32 */
	if (sig >= 32 && sig <= 64) {
		snprintf(buf, sizeof(buf), "SIGRTMIN+%d", sig - 32);
		return buf;
	}
	return NULL;
}

/*
 * Length of the valid UTF-8 sequence at @p (at most @n bytes), or 0 if the
 * byte there does not start one: no overlong forms, no surrogates, nothing
 * beyond U+10FFFF.
 */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	unsigned c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && p[1] < 0xa0)
			return 0; /* overlong */
		if (c == 0xed && p[1] >= 0xa0)
			return 0; /* surrogate */
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
		    (p[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && p[1] < 0x90)
			return 0;
		if (c == 0xf4 && p[1] >= 0x90)
			return 0;
		return 4;
	}
	return 0;
}

/* Characters that could make text on a terminal lie: C1 controls and the
 * bidirectional overrides (U+202A..U+202E, U+2066..U+2069). */
static bool sneaky(const unsigned char *p, size_t len)
{
	if (len == 2)
		return p[0] == 0xc2 && p[1] < 0xa0;
	if (len == 3 && p[0] == 0xe2)
		return (p[1] == 0x80 && p[2] >= 0xaa && p[2] <= 0xae) ||
		       (p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9);
	return false;
}

/* ---- the output buffer ------------------------------------------ */

void rp_out__init(struct rp_out *o, FILE *f, char *buf, size_t cap)
{
	o->err = 0;
	o->f = f;
	o->buf = buf;
	o->len = 0;
	o->cap = cap;
}

void rp_out__init_mem(struct rp_out *o)
{
	memset(o, 0, sizeof(*o));
}

void rp_out__flush(struct rp_out *o)
{
	if (!o->f)
		return; /* in memory: the text is the caller's */
	/* a write error stays in the FILE (ferror), where the caller looks */
	if (o->len)
		fwrite(o->buf, 1, o->len, o->f);
	o->len = 0;
}

/* In memory: room for @n more bytes, or false (o->err set). */
static bool out_grow(struct rp_out *o, size_t n)
{
	size_t cap = o->cap ? o->cap : 256;
	char *b;

	if (o->err)
		return false;
	if (n <= o->cap - o->len)
		return true;
	while (cap - o->len < n)
		cap *= 2;
	b = realloc(o->buf, cap);
	if (!b) {
		o->err = -ENOMEM;
		return false;
	}
	o->buf = b;
	o->cap = cap;
	return true;
}

void rp_out__write_slow(struct rp_out *o, const void *p, size_t n)
{
	if (!o->f) {
		if (out_grow(o, n)) {
			memcpy(o->buf + o->len, p, n);
			o->len += n;
		}
		return;
	}
	rp_out__flush(o);
	if (n >= o->cap) {
		fwrite(p, 1, n, o->f);
		return;
	}
	memcpy(o->buf, p, n);
	o->len = n;
}

void rp_out__printf(struct rp_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!o->buf && (o->f || !out_grow(o, 256)))
		return; /* (a FILE's buffer is never NULL) */
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < o->cap - o->len) {
		o->len += (size_t)n;
		return;
	}
	/* did not fit: in memory, once more with room; else once more into an
	 * empty buffer, or straight to the FILE */
	if (!o->f) {
		if (out_grow(o, (size_t)n + 1)) {
			va_start(ap, fmt);
			vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
			va_end(ap);
			o->len += (size_t)n;
		}
		return;
	}
	rp_out__flush(o);
	va_start(ap, fmt);
	if ((size_t)n < o->cap)
		o->len = (size_t)vsnprintf(o->buf, o->cap, fmt, ap);
	else
		vfprintf(o->f, fmt, ap);
	va_end(ap);
}

/* Decimal digits of @v, right-aligned to end at @end; returns the first.
 * Two digits a step: a line of the tree has a pid and a duration or two. */
static char *utoa(char *end, uint64_t v)
{
	static const char pairs[] = "00010203040506070809101112131415161718192021222324"
				    "25262728293031323334353637383940414243444546474849"
				    "50515253545556575859606162636465666768697071727374"
				    "75767778798081828384858687888990919293949596979899";

	while (v >= 100) {
		end -= 2;
		memcpy(end, pairs + v % 100 * 2, 2);
		v /= 100;
	}
	if (v >= 10) {
		end -= 2;
		memcpy(end, pairs + v * 2, 2);
	} else {
		*--end = (char)('0' + v);
	}
	return end;
}

void rp_out__u64(struct rp_out *o, uint64_t v)
{
	char d[20], *p = utoa(d + sizeof(d), v);

	rp_out__write(o, p, (size_t)(d + sizeof(d) - p));
}

void rp_out__i64(struct rp_out *o, int64_t v)
{
	char d[24];

	rp_out__write(o, d, rp_fmt_i64(d, v));
}

/* @v (below 10^@n) as exactly @n digits, zero-padded. */
static char *fixed(char *p, uint64_t v, int n)
{
	for (int i = n; i-- > 0; v /= 10)
		p[i] = (char)('0' + v % 10);
	return p + n;
}

/* The @n bytes at @s into @buf of @len bytes, as snprintf would put them:
 * cut to fit, always terminated, nothing at all when @len is 0. */
static void put_cut(char *buf, size_t len, const char *s, size_t n)
{
	if (!len)
		return;
	n = n < len - 1 ? n : len - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
}

/* rp_fmt_duration's text at @d (at most 24 bytes, no NUL); returns its
 * length. Digits by hand: snprintf was a tenth of the tree's time. */
static size_t fmt_duration(char *d, uint64_t v)
{
	char num[20], *p = d, *u;
	uint64_t whole, frac = 0, div = 1;
	int fd = 0;
	const char *unit;

	if (v < 1000) {
		whole = v, unit = "ns";
	} else if (v < 1000000) {
		whole = v / 1000, frac = v % 1000 / 100, fd = 1, unit = "us";
	} else if (v < 10000000) {
		whole = v / 1000000, frac = v % 1000000 / 10000, fd = 2, unit = "ms";
	} else if (v < 100000000) {
		whole = v / 1000000, frac = v % 1000000 / 100000, fd = 1, unit = "ms";
	} else if (v < 1000000000) {
		whole = v / 1000000, unit = "ms";
	} else if (v < 60000000000ull) {
		whole = v / 1000000000, frac = v % 1000000000 / 1000000, fd = 3, unit = "s";
	} else {
		/* "2m03s", "1h02m": two units, the second of two digits */
		bool hours = v >= 3600000000000ull;

		div = hours ? 3600000000000ull : 60000000000ull;
		u = utoa(num + sizeof(num), v / div);
		memcpy(p, u, (size_t)(num + sizeof(num) - u));
		p += num + sizeof(num) - u;
		*p++ = hours ? 'h' : 'm';
		p = fixed(p, hours ? v / 60000000000ull % 60 : v / 1000000000 % 60, 2);
		*p++ = hours ? 'm' : 's';
		return (size_t)(p - d);
	}
	u = utoa(num + sizeof(num), whole);
	memcpy(p, u, (size_t)(num + sizeof(num) - u));
	p += num + sizeof(num) - u;
	if (fd) {
		*p++ = '.';
		p = fixed(p, frac, fd);
	}
	while (*unit)
		*p++ = *unit++;
	return (size_t)(p - d);
}

void rp_out__duration(struct rp_out *o, uint64_t ns)
{
	char d[24];

	rp_out__write(o, d, fmt_duration(d, ns));
}

/* ---- shell quoting ------------------------------------------------- */

/*
 * What each byte asks of a shell word, so that one pass of ORs over it
 * tells how to quote: Q_WORD for bytes a word may not hold bare (plain:
 * [A-Za-z0-9_@%+=:,./-]), Q_ESC for those '...' cannot hold either
 * (controls, DEL, the quote itself), Q_HIGH for bytes of multi-byte
 * characters, which must be checked as UTF-8.
 */
#define Q_WORD 1u
#define Q_ESC 2u
#define Q_HIGH 4u

static uint32_t quote_class[256]; /* wide: ORs straight from memory */

/* Built once, on first use (function-local statics cannot be ranges). */
static void quote_class_init(void)
{
	static const char plain[] = "_@%+=:,./-0123456789abcdefghijklmnopqrstuvwxyz"
				    "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

	for (unsigned c = 0; c < 256; c++)
		quote_class[c] = c < 0x20 || c == 0x7f ? Q_WORD | Q_ESC
				 : c >= 0x80	       ? Q_WORD | Q_HIGH
						       : Q_WORD;
	quote_class['\''] = Q_WORD | Q_ESC;
	for (const char *p = plain; *p; p++)
		quote_class[(unsigned char)*p] = 0;
}

/* The OR of the classes of @len bytes: four a step, since arguments are
 * most of what the tree prints. */
static inline unsigned quote_class_of(const unsigned char *p, size_t len)
{
	unsigned a = 0, b = 0;
	size_t i = 0;

	if (__builtin_expect(!quote_class['\''], 0))
		quote_class_init();
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
		n = utf8_len(p + i, len - i);
		if (!n || (quote_class[p[i]] & Q_ESC) || sneaky(p + i, n))
			return false;
	}
	return true;
}

/* Lowercase, as printf's %x. */
static const char hexdig[] = "0123456789abcdef";

/* $'...': runs that need nothing go as they are; the rest escaped. */
static void put_ansi_c(struct rp_out *o, const unsigned char *p, size_t len)
{
	size_t i = 0, run = 0, n;

	rp_out__write(o, "$'", 2);
	while (i < len) {
		unsigned char c = p[i];
		char e[4] = {'\\', 'x', hexdig[c >> 4], hexdig[c & 15]};

		if (!(quote_class[c] & (Q_ESC | Q_HIGH)) && c != '\\') {
			i++;
			run++;
			continue;
		}
		rp_out__write(o, p + i - run, run);
		run = 0;
		if (c >= 0x80) {
			n = utf8_len(p + i, len - i);
			if (n > 1 && !sneaky(p + i, n)) {
				rp_out__write(o, p + i, n);
			} else {
				/* not UTF-8 (one byte), or a sneaky character (all of it) */
				n = n ? n : 1;
				for (size_t k = 0; k < n; k++) {
					e[2] = hexdig[p[i + k] >> 4];
					e[3] = hexdig[p[i + k] & 15];
					rp_out__write(o, e, 4);
				}
			}
			i += n;
			continue;
		}
		switch (c) {
		case '\n':
			rp_out__write(o, "\\n", 2);
			break;
		case '\t':
			rp_out__write(o, "\\t", 2);
			break;
		case '\r':
			rp_out__write(o, "\\r", 2);
			break;
		case '\\':
			rp_out__write(o, "\\\\", 2);
			break;
		case '\'':
			rp_out__write(o, "\\'", 2);
			break;
		default:
			rp_out__write(o, e, 4);
		}
		i++;
	}
	rp_out__write(o, p + i - run, run);
	rp_out__putc(o, '\'');
}

static void put_shell(struct rp_out *o, const char *s, size_t len, unsigned cls)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!cls && len) {
		/* a plain word, the common case: as it is */
		rp_out__write(o, s, len);
	} else if (!(cls & Q_ESC) && (!(cls & Q_HIGH) || utf8_printable(p, len))) {
		rp_out__putc(o, '\'');
		rp_out__write(o, s, len);
		rp_out__putc(o, '\'');
	} else {
		put_ansi_c(o, p, len);
	}
}

void rp_out__shell(struct rp_out *o, const char *s, size_t len)
{
	put_shell(o, s, len, quote_class_of((const unsigned char *)s, len));
}

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* GCC's and clang's vectors: compares give 0 or all ones a byte. */
typedef unsigned char v16 __attribute__((vector_size(16)));

/* The bytes of @v (all below 0x80) that may stand in a plain word, as 0x80
 * each: letters, + , - . / 0-9 :, and _ = @ %. */
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

/*
 * The common case, an argument list of plain words (none empty), is the
 * block itself with its NULs as spaces: copied to @d so, eight bytes a
 * step. False, with @d holding nothing of use, when an argument needs
 * quoting or is empty.
 */
static bool plain_argv(char *d, const unsigned char *b, uint32_t len)
{
	uint64_t prev = 0x80; /* the byte before the first counts as a NUL */
	uint32_t i = 0;

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

void rp_out__argv(struct rp_out *o, const struct etr_str *argv, size_t max_bytes)
{
	const unsigned char *b = (const unsigned char *)argv->ptr;
	uint32_t pos = 0, len = argv->len;

	if (__builtin_expect(!quote_class['\''], 0))
		quote_class_init();
	/* no argument can start past max_bytes: no cut */
	if ((!max_bytes || len <= max_bytes) && (len <= o->cap || !o->f)) {
		if (o->cap - o->len < len) {
			if (!o->f && !out_grow(o, len))
				return;
			rp_out__flush(o);
		}
		if (plain_argv(o->buf + o->len, b, len)) {
			/* the last NUL ends the last argument */
			o->len += len - (len && !b[len - 1]);
			return;
		}
	}
	/* a cut last argument has no NUL and runs to the end */
	while (pos < len) {
		const unsigned char *nul = memchr(b + pos, '\0', len - pos);
		uint32_t end = nul ? (uint32_t)(nul - b) : len;
		unsigned cls = quote_class_of(b + pos, end - pos);

		if (pos) {
			rp_out__putc(o, ' ');
			if (max_bytes && pos >= max_bytes) {
				/* the rest would not fit: say that there is more */
				rp_out__write(o, "...", 3);
				return;
			}
		}
		put_shell(o, (const char *)b + pos, end - pos, cls);
		pos = end < len ? end + 1 : end;
	}
}

/* An rp_out__ writer, to a FILE through a buffer on the stack. */
#define FPUT_VIA_OUT(f, call)                                                                      \
	do {                                                                                       \
		char buf_[1024];                                                                   \
		struct rp_out o_;                                                                  \
                                                                                                   \
		rp_out__init(&o_, (f), buf_, sizeof(buf_));                                        \
		call;                                                                              \
		rp_out__flush(&o_);                                                                \
	} while (0)

void rp_fput_shell(FILE *f, const char *s, size_t len)
{
	FPUT_VIA_OUT(f, rp_out__shell(&o_, s, len));
}

void rp_fput_argv(FILE *f, const struct etr_str *argv, size_t max_bytes)
{
	FPUT_VIA_OUT(f, rp_out__argv(&o_, argv, max_bytes));
}

void rp_out__json_str(struct rp_out *o, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;

	rp_out__putc(o, '"');
	while (i < len) {
		unsigned char c = p[i];
		size_t n;

		/* the common case: printable ASCII, written in runs */
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			i++;
			run++;
			continue;
		}
		if (run) {
			rp_out__write(o, p + i - run, run);
			run = 0;
		}
		if (c >= 0x80) {
			n = utf8_len(p + i, len - i);
			if (n) {
				rp_out__write(o, p + i, n);
				i += n;
			} else {
				/* surrogateescape: U+DC80..U+DCFF stand for the bytes */
				rp_out__write(o, "\\udc", 4);
				rp_out__putc(o, hexdig[c >> 4]);
				rp_out__putc(o, hexdig[c & 15]);
				i++;
			}
			continue;
		}
		switch (c) {
		case '"':
			rp_out__write(o, "\\\"", 2);
			break;
		case '\\':
			rp_out__write(o, "\\\\", 2);
			break;
		case '\n':
			rp_out__write(o, "\\n", 2);
			break;
		case '\t':
			rp_out__write(o, "\\t", 2);
			break;
		case '\r':
			rp_out__write(o, "\\r", 2);
			break;
		default:
			rp_out__write(o, "\\u00", 4);
			rp_out__putc(o, hexdig[c >> 4]);
			rp_out__putc(o, hexdig[c & 15]);
		}
		i++;
	}
	if (run)
		rp_out__write(o, p + i - run, run);
	rp_out__putc(o, '"');
}

void rp_out__json_argv(struct rp_out *o, const struct etr_str *argv)
{
	struct etr_str arg;
	uint32_t pos = 0;
	bool first = true;

	rp_out__putc(o, '[');
	while (etr_args__next(argv, &pos, &arg)) {
		if (!first)
			rp_out__putc(o, ',');
		first = false;
		rp_out__json_str(o, arg.ptr, arg.len);
	}
	rp_out__putc(o, ']');
}

void rp_out__csv_str(struct rp_out *o, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	bool quote = false;
	size_t i, n;

	for (i = 0; i < len; i++)
		if (p[i] == ',' || p[i] == '"' || p[i] == ' ') {
			quote = true;
			break;
		}
	if (quote)
		rp_out__putc(o, '"');
	for (i = 0; i < len; i += n) {
		n = utf8_len(p + i, len - i);
		if (!n || p[i] < 0x20 || p[i] == 0x7f) {
			rp_out__write(o, "\\x", 2);
			rp_out__putc(o, hexdig[p[i] >> 4]);
			rp_out__putc(o, hexdig[p[i] & 15]);
			n = 1;
		} else if (p[i] == '\\') {
			rp_out__write(o, "\\\\", 2);
		} else if (p[i] == '"') {
			rp_out__write(o, "\"\"", 2);
		} else {
			rp_out__write(o, p + i, n);
		}
	}
	if (quote)
		rp_out__putc(o, '"');
}

void rp_out__csv_argv(struct rp_out *o, const struct etr_str *argv)
{
	struct rp_out m;

	/* the JSON array first, then doubled quotes inside one quoted cell */
	rp_out__init_mem(&m);
	rp_out__json_argv(&m, argv);
	rp_out__putc(o, '"');
	for (size_t i = 0, run = 0; i <= m.len; i++) {
		if (i < m.len && m.buf[i] != '"') {
			run++;
			continue;
		}
		rp_out__write(o, m.buf + i - run, run);
		run = 0;
		if (i < m.len)
			rp_out__write(o, "\"\"", 2);
	}
	rp_out__putc(o, '"');
	free(m.buf);
}

void rp_fput_json_str(FILE *f, const char *s, size_t len)
{
	FPUT_VIA_OUT(f, rp_out__json_str(&o_, s, len));
}

void rp_fput_json_argv(FILE *f, const struct etr_str *argv)
{
	FPUT_VIA_OUT(f, rp_out__json_argv(&o_, argv));
}

void rp_fput_csv_str(FILE *f, const char *s, size_t len)
{
	FPUT_VIA_OUT(f, rp_out__csv_str(&o_, s, len));
}

void rp_fput_csv_argv(FILE *f, const struct etr_str *argv)
{
	FPUT_VIA_OUT(f, rp_out__csv_argv(&o_, argv));
}

void rp_fmt_iso(char *buf, size_t len, uint64_t realtime_ns)
{
	time_t sec = (time_t)(realtime_ns / 1000000000ull);
	struct tm tm;
	char d[32], *p = d;

	if (!gmtime_r(&sec, &tm)) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = 70;
	}
	/* "%04d-%02d-%02dT%02d:%02d:%02d.%09lluZ" by hand: once per row of
	 * a JSON or CSV export, where snprintf was a quarter of the time (a
	 * 64-bit count of nanoseconds ends in the year 2554: four digits) */
	p = fixed(p, (uint64_t)(tm.tm_year + 1900), 4);
	*p++ = '-';
	p = fixed(p, (uint64_t)(tm.tm_mon + 1), 2);
	*p++ = '-';
	p = fixed(p, (uint64_t)tm.tm_mday, 2);
	*p++ = 'T';
	p = fixed(p, (uint64_t)tm.tm_hour, 2);
	*p++ = ':';
	p = fixed(p, (uint64_t)tm.tm_min, 2);
	*p++ = ':';
	p = fixed(p, (uint64_t)tm.tm_sec, 2);
	*p++ = '.';
	p = fixed(p, realtime_ns % 1000000000ull, 9);
	*p++ = 'Z';
	put_cut(buf, len, d, (size_t)(p - d));
}

void rp_fmt_reltime(char *buf, size_t len, uint64_t ts_ns, uint64_t first_ns)
{
	uint64_t d = ts_ns >= first_ns ? ts_ns - first_ns : first_ns - ts_ns;
	char b[32], *p;

	/* "%c%llu.%06llu" by hand: once per line of a timeline, where
	 * snprintf was a fifth of the time */
	fixed(b + sizeof(b) - 6, d % 1000000000ull / 1000, 6);
	b[sizeof(b) - 7] = '.';
	p = utoa(b + sizeof(b) - 7, d / 1000000000ull);
	*--p = ts_ns >= first_ns ? '+' : '-';
	put_cut(buf, len, p, (size_t)(b + sizeof(b) - p));
}

void rp_fmt_duration(char *buf, size_t len, uint64_t ns)
{
	char d[24];

	put_cut(buf, len, d, fmt_duration(d, ns));
}

size_t rp_fmt_i64(char *buf, int64_t v)
{
	char d[24], *p = utoa(d + sizeof(d), v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
	size_t n;

	if (v < 0)
		*--p = '-';
	n = (size_t)(d + sizeof(d) - p);
	memcpy(buf, p, n);
	return n;
}

bool rp_glob_match(const char *pattern, const char *s, size_t len)
{
	char small[256], *z = small;
	bool ok;

	if (len >= sizeof(small)) {
		z = malloc(len + 1);
		if (!z)
			return false;
	}
	if (len) /* s may be NULL for an empty string */
		memcpy(z, s, len);
	z[len] = '\0';
	ok = fnmatch(pattern, z, 0) == 0;
	if (z != small)
		free(z);
	return ok;
}

char *rp_memdup0(const void *p, size_t n)
{
	char *s = n < SIZE_MAX ? malloc(n + 1) : NULL;

	if (s) {
		if (n)
			memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

struct etr_str rp_basename(struct etr_str path)
{
	struct etr_str b = path;

	for (uint32_t i = path.len; i > 0; i--) {
		if (path.ptr[i - 1] == '/') {
			if (i == path.len)
				continue; /* "dir/" keeps its name below */
			b.ptr = path.ptr + i;
			b.len = path.len - i;
			break;
		}
	}
	return b;
}

/* ---- parsing ----------------------------------------------------- */

int rp_parse_duration(const char *s, uint64_t *ret_ns)
{
	static const struct {
		const char *unit;
		double mult;
	} units[] = {
	    {"ns", 1},	 {"us", 1e3},	{"ms", 1e6},   {"s", 1e9}, {"sec", 1e9},
	    {"m", 60e9}, {"min", 60e9}, {"h", 3600e9}, {"", 1e9},
	};
	char *end;
	double v;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0)
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (!strcmp(end, units[i].unit)) {
			double ns = v * units[i].mult;

			if (ns > 1.8e19)
				return -EINVAL;
			*ret_ns = (uint64_t)(ns + 0.5);
			return 0;
		}
	}
	return -EINVAL;
}

/* Reads @n digits at *p into *v. */
static bool digits(const char **p, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return false;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return true;
}

int rp_parse_time(const char *s, uint64_t day_realtime_ns, bool *ret_relative, int64_t *ret_ns)
{
	struct tm tm = {0};
	const char *p = s;
	uint64_t frac = 0;
	bool has_date = false, utc = false;
	long offset = 0;
	time_t sec;
	int v;

	if (!s || !*s)
		return -EINVAL;
	if (*s == '@') {
		char *end;
		double e;

		errno = 0;
		e = strtod(s + 1, &end);
		if (errno || end == s + 1 || *end || e < 0)
			return -EINVAL;
		*ret_relative = false;
		*ret_ns = (int64_t)(e * 1e9 + 0.5);
		return 0;
	}
	if (!strchr(s, ':') && !(strlen(s) >= 10 && s[4] == '-' && s[7] == '-')) {
		uint64_t ns;

		if (rp_parse_duration(*s == '+' ? s + 1 : s, &ns))
			return -EINVAL;
		*ret_relative = true;
		*ret_ns = (int64_t)ns;
		return 0;
	}

	/* [YYYY-MM-DD[ T]]HH:MM[:SS[.frac]][Z|+hh:mm|-hh:mm] */
	if (strlen(p) >= 10 && p[4] == '-' && p[7] == '-') {
		if (!digits(&p, 4, &v))
			return -EINVAL;
		tm.tm_year = v - 1900;
		p++;
		if (!digits(&p, 2, &v))
			return -EINVAL;
		tm.tm_mon = v - 1;
		p++;
		if (!digits(&p, 2, &v))
			return -EINVAL;
		tm.tm_mday = v;
		has_date = true;
		if (*p == ' ' || *p == 'T')
			p++;
		else if (*p)
			return -EINVAL;
	}
	if (*p) {
		if (!digits(&p, 2, &tm.tm_hour) || *p++ != ':' || !digits(&p, 2, &tm.tm_min))
			return -EINVAL;
		if (*p == ':') {
			p++;
			if (!digits(&p, 2, &tm.tm_sec))
				return -EINVAL;
			if (*p == '.' || *p == ',') {
				uint64_t scale = 100000000;

				p++;
				if (*p < '0' || *p > '9')
					return -EINVAL;
				while (*p >= '0' && *p <= '9') {
					frac += (uint64_t)(*p - '0') * scale;
					scale /= 10;
					p++;
				}
			}
		}
	}
	if (*p == 'Z') {
		utc = true;
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1, hh, mm = 0;

		p++;
		if (!digits(&p, 2, &hh))
			return -EINVAL;
		if (*p == ':')
			p++;
		if (*p && !digits(&p, 2, &mm))
			return -EINVAL;
		utc = true;
		offset = sign * (hh * 3600L + mm * 60L);
	}
	if (*p || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
		return -EINVAL;

	if (!has_date) {
		/* a time of day: on the day the trace started */
		time_t day =
		    day_realtime_ns ? (time_t)(day_realtime_ns / 1000000000ull) : time(NULL);
		struct tm d;

		if (utc)
			gmtime_r(&day, &d);
		else
			localtime_r(&day, &d);
		tm.tm_year = d.tm_year;
		tm.tm_mon = d.tm_mon;
		tm.tm_mday = d.tm_mday;
	}
	tm.tm_isdst = -1;
	sec = utc ? timegm(&tm) - offset : mktime(&tm);
	if (sec == (time_t)-1 || sec < 0)
		return -EINVAL;
	*ret_relative = false;
	*ret_ns = (int64_t)((uint64_t)sec * 1000000000ull + frac);
	return 0;
}
