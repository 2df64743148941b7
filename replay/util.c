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

#include "common/escape.h"
#include "common/macros.h"
#include "common/parse.h"
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

/* ---- escaping, by common/escape.h ----------------------------------- */

/*
 * @s escaped by @fn straight into the buffer's free room: flushed (a FILE)
 * or grown (in memory) whenever less than a unit of it is left.
 */
static inline __attribute__((always_inline)) void out_escaped(struct rp_out *o, ec_escape_fn *fn,
							      const char *s, size_t len)
{
	while (len) {
		size_t used, n;

		if (o->cap - o->len < EC_ESCAPE_MAX) {
			if (o->f)
				rp_out__flush(o);
			else if (!out_grow(o, len + EC_ESCAPE_MAX))
				return;
		}
		if (o->cap - o->len < EC_ESCAPE_MAX) {
			/* a FILE's buffer smaller than one unit: through the stack */
			char t[64];

			n = fn(t, sizeof(t), s, len, &used);
			rp_out__write(o, t, n);
		} else {
			n = fn(o->buf + o->len, o->cap - o->len, s, len, &used);
			o->len += n;
		}
		s += used;
		len -= used;
	}
}

static void put_shell(struct rp_out *o, const char *s, size_t len, enum ec_shell_quote q)
{
	switch (q) {
	case EC_SHELL_PLAIN:
		/* a plain word, the common case: as it is */
		rp_out__write(o, s, len);
		break;
	case EC_SHELL_SINGLE:
		rp_out__putc(o, '\'');
		rp_out__write(o, s, len);
		rp_out__putc(o, '\'');
		break;
	default:
		rp_out__write(o, "$'", 2);
		out_escaped(o, ec_shell_escape, s, len);
		rp_out__putc(o, '\'');
	}
}

void rp_out__shell(struct rp_out *o, const char *s, size_t len)
{
	put_shell(o, s, len, ec_shell_quote_of(s, len));
}

void rp_out__argv(struct rp_out *o, const struct etr_str *argv, size_t max_bytes)
{
	const unsigned char *b = (const unsigned char *)argv->ptr;
	uint32_t pos = 0, len = argv->len;

	/* no argument can start past max_bytes: no cut */
	if ((!max_bytes || len <= max_bytes) && (len <= o->cap || !o->f)) {
		if (o->cap - o->len < len) {
			if (!o->f && !out_grow(o, len))
				return;
			rp_out__flush(o);
		}
		if (ec_shell_plain_words(o->buf + o->len, b, len)) {
			/* the last NUL ends the last argument */
			o->len += len - (len && !b[len - 1]);
			return;
		}
	}
	/* a cut last argument has no NUL and runs to the end */
	while (pos < len) {
		const unsigned char *nul = memchr(b + pos, '\0', len - pos);
		uint32_t end = nul ? (uint32_t)(nul - b) : len;

		if (pos) {
			rp_out__putc(o, ' ');
			if (max_bytes && pos >= max_bytes) {
				/* the rest would not fit: say that there is more */
				rp_out__write(o, "...", 3);
				return;
			}
		}
		put_shell(o, (const char *)b + pos, end - pos,
			  ec_shell_quote_of((const char *)b + pos, end - pos));
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
	rp_out__putc(o, '"');
	out_escaped(o, ec_json_escape, s, len);
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
	bool quote = ec_csv_needs_quotes(s, len);

	if (quote)
		rp_out__putc(o, '"');
	out_escaped(o, ec_csv_escape, s, len);
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

		if (ec_parse_duration(*s == '+' ? s + 1 : s, &ns))
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
