/* SPDX-License-Identifier: MIT */
/*
 * Formatting and parsing helpers shared by the subcommands: quoting for the
 * shell, JSON and CSV that never lose a byte, times, durations, names of
 * errno values and signals.
 */
#include <errno.h>
#include <fnmatch.h>
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

/* Bytes a shell word may hold unquoted: [A-Za-z0-9_@%+=:,./-]. */
static const uint8_t plain_byte[256] = {
	['_'] = 1, ['@'] = 1, ['%'] = 1, ['+'] = 1, ['='] = 1, [':'] = 1, [','] = 1,
	['.'] = 1, ['/'] = 1, ['-'] = 1,
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1,
	['7'] = 1, ['8'] = 1, ['9'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1,
	['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
	['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1,
	['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1,
	['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
	['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1,
	['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
};

static bool shell_plain(unsigned char c)
{
	return plain_byte[c];
}

void rp_fput_shell(FILE *f, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	bool plain = len > 0, printable = true;
	size_t i, n = 0;

	/* the common case: a plain word, written as it is */
	for (i = 0; i < len && plain_byte[p[i]]; i++)
		;
	if (len && i == len) {
		fwrite(s, 1, len, f);
		return;
	}
	for (i = 0; i < len; i += n) {
		n = utf8_len(p + i, len - i);
		if (!n || p[i] < 0x20 || p[i] == 0x7f || sneaky(p + i, n)) {
			printable = false;
			plain = false;
			break;
		}
		if (n > 1 || !shell_plain(p[i]))
			plain = false;
		if (p[i] == '\'')
			printable = false;
	}
	if (plain) {
		fwrite(s, 1, len, f);
		return;
	}
	if (printable) {
		putc('\'', f);
		fwrite(s, 1, len, f);
		putc('\'', f);
		return;
	}
	fputs("$'", f);
	for (i = 0; i < len; i += n) {
		unsigned char c = p[i];

		n = utf8_len(p + i, len - i);
		if (n > 1 && !sneaky(p + i, n)) {
			fwrite(p + i, 1, n, f);
			continue;
		}
		if (!n)
			n = 1;
		if (n > 1) {
			for (size_t k = 0; k < n; k++)
				fprintf(f, "\\x%02x", p[i + k]);
			continue;
		}
		switch (c) {
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\'':
			fputs("\\'", f);
			break;
		default:
			if (c < 0x20 || c >= 0x7f)
				fprintf(f, "\\x%02x", c);
			else
				putc(c, f);
		}
	}
	putc('\'', f);
}

void rp_fput_argv(FILE *f, const struct etr_str *argv, size_t max_bytes)
{
	struct etr_str arg;
	uint32_t pos = 0, start = 0;

	while (etr_args__next(argv, &pos, &arg)) {
		if (start)
			putc(' ', f);
		if (max_bytes && start >= max_bytes) {
			/* the rest would not fit: say that there is more */
			fputs("...", f);
			return;
		}
		rp_fput_shell(f, arg.ptr, arg.len);
		start = pos ? pos : 1;
	}
}

void rp_fput_json_str(FILE *f, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;

	putc('"', f);
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
			fwrite(p + i - run, 1, run, f);
			run = 0;
		}
		if (c >= 0x80) {
			n = utf8_len(p + i, len - i);
			if (n) {
				fwrite(p + i, 1, n, f);
				i += n;
			} else {
				/* surrogateescape: U+DC80..U+DCFF stand for the bytes */
				fprintf(f, "\\udc%02x", c);
				i++;
			}
			continue;
		}
		switch (c) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		default:
			fprintf(f, "\\u%04x", c);
		}
		i++;
	}
	if (run)
		fwrite(p + i - run, 1, run, f);
	putc('"', f);
}

void rp_fput_json_argv(FILE *f, const struct etr_str *argv)
{
	struct etr_str arg;
	uint32_t pos = 0;
	bool first = true;

	putc('[', f);
	while (etr_args__next(argv, &pos, &arg)) {
		if (!first)
			putc(',', f);
		first = false;
		rp_fput_json_str(f, arg.ptr, arg.len);
	}
	putc(']', f);
}

void rp_fput_csv_str(FILE *f, const char *s, size_t len)
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
		putc('"', f);
	for (i = 0; i < len; i += n) {
		n = utf8_len(p + i, len - i);
		if (!n || p[i] < 0x20 || p[i] == 0x7f) {
			fprintf(f, "\\x%02x", p[i]);
			n = 1;
		} else if (p[i] == '\\') {
			fputs("\\\\", f);
		} else if (p[i] == '"') {
			fputs("\"\"", f);
		} else {
			fwrite(p + i, 1, n, f);
		}
	}
	if (quote)
		putc('"', f);
}

void rp_fmt_iso(char *buf, size_t len, uint64_t realtime_ns)
{
	time_t sec = (time_t)(realtime_ns / 1000000000ull);
	struct tm tm;

	gmtime_r(&sec, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%09lluZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (unsigned long long)(realtime_ns % 1000000000ull));
}

void rp_fmt_duration(char *buf, size_t len, uint64_t ns)
{
	unsigned long long v = ns;

	if (v < 1000)
		snprintf(buf, len, "%lluns", v);
	else if (v < 1000000)
		snprintf(buf, len, "%llu.%lluus", v / 1000, v % 1000 / 100);
	else if (v < 10000000)
		snprintf(buf, len, "%llu.%02llums", v / 1000000, v % 1000000 / 10000);
	else if (v < 100000000)
		snprintf(buf, len, "%llu.%llums", v / 1000000, v % 1000000 / 100000);
	else if (v < 1000000000)
		snprintf(buf, len, "%llums", v / 1000000);
	else if (v < 60000000000ull)
		snprintf(buf, len, "%llu.%03llus", v / 1000000000, v % 1000000000 / 1000000);
	else if (v < 3600000000000ull)
		snprintf(buf, len, "%llum%02llus", v / 60000000000ull, v / 1000000000 % 60);
	else
		snprintf(buf, len, "%lluh%02llum", v / 3600000000000ull, v / 60000000000ull % 60);
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
