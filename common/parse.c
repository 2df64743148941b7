/* SPDX-License-Identifier: MIT */
/* Durations, sizes and pid lists (parse.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "macros.h"
#include "parse.h"

int ec_parse_duration(const char *s, uint64_t *ret_ns)
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

	/* strtod would take these: a sign, spaces, "inf", "nan", hex */
	if (!s || !((*s >= '0' && *s <= '9') || *s == '.'))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !(v >= 0) || strpbrk(s, "xXpP"))
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (!strcmp(end, units[i].unit)) {
			double ns = v * units[i].mult;

			/* below 2^64, with room for the rounding */
			if (ns >= 18446744073709549568.0)
				return -ERANGE;
			*ret_ns = (uint64_t)(ns + 0.5);
			return 0;
		}
	}
	return -EINVAL;
}

int ec_parse_count(const char *s, uint64_t max, uint64_t *ret)
{
	unsigned long long v;
	char *end;

	/* strtoull takes "-1" as ULLONG_MAX, and spaces and '+': digits only */
	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno || v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}

int ec_parse_size(const char *s, uint64_t *ret_bytes)
{
	static const char units[] = "KMGT";
	unsigned long long v;
	const char *u;
	unsigned shift = 0;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL; /* no sign, no spaces */
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (errno || end == s)
		return -EINVAL;
	if (*end) {
		char c = *end >= 'a' && *end <= 'z' ? (char)(*end - 'a' + 'A') : *end;

		u = strchr(units, c);
		if (!u || !c)
			return -EINVAL;
		shift = 10 * (unsigned)(u - units + 1);
		end++;
		if (*end && strcmp(end, "iB") && strcmp(end, "B"))
			return -EINVAL;
	}
	if (shift && v > UINT64_MAX >> shift)
		return -ERANGE;
	*ret_bytes = (uint64_t)v << shift;
	return 0;
}

int ec_parse_pids(const char *s, uint32_t **list, size_t *n)
{
	size_t count = 1, have = *n;
	uint32_t *l;

	if (!s || !*s)
		return -EINVAL;
	for (const char *p = s; *p; p++)
		count += *p == ',';
	if (count > (SIZE_MAX / sizeof(**list)) - have)
		return -ENOMEM;
	/* check all before appending any: a bad list leaves *list as it was */
	for (const char *p = s;;) {
		uint64_t v = 0;
		const char *start = p;

		for (; *p >= '0' && *p <= '9'; p++) {
			v = v * 10 + (uint64_t)(*p - '0');
			if (v > UINT32_MAX)
				return -ERANGE;
		}
		if (p == start || (*p && *p != ','))
			return -EINVAL;
		if (!*p++)
			break;
	}
	l = realloc(*list, (have + count) * sizeof(*l));
	if (!l)
		return -ENOMEM;
	*list = l;
	for (const char *p = s; *p; p += *p == ',') {
		char *end;

		l[have++] = (uint32_t)strtoul(p, &end, 10);
		p = end;
	}
	*n = have;
	return 0;
}
