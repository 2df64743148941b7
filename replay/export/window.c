/* SPDX-License-Identifier: MIT */
/* The chart's --since and --until, read against the trace. */
#include <errno.h>
#include <stdio.h>

#include "export.h"

/* @s against @t: boot-time ns (0 = not given). */
static int resolve(const struct rp_trace *t, const char *opt, const char *s, uint64_t *ret_ns,
		   char *err, size_t err_len)
{
	uint64_t first = rp_trace__first_ns(t);
	bool rel;
	int64_t v;

	if (!s) {
		*ret_ns = 0;
		return 0;
	}
	if (rp_parse_time(s, rp_trace__has_clock(t) ? rp_trace__realtime(t, first) : 0, &rel, &v)) {
		snprintf(err, err_len, "%s: '%s' is not a time (2.5, 300ms, 11:43:54)", opt, s);
		return -EINVAL;
	}
	if (rel) {
		*ret_ns = v < 0 && (uint64_t)-v > first ? 1 : first + (uint64_t)v;
		return 0;
	}
	if (!rp_trace__has_clock(t)) {
		snprintf(err, err_len,
			 "%s: the trace has no clock anchors: give seconds from the start", opt);
		return -ENOENT;
	}
	*ret_ns = rp_trace__boottime(t, (uint64_t)v);
	return 0;
}

int rx_chart__set_window_str(struct rx_chart *c, const struct rp_trace *t, const char *since,
			     const char *until, char *err, size_t err_len)
{
	uint64_t since_ns, until_ns;
	int r;

	r = resolve(t, "--since", since, &since_ns, err, err_len);
	if (!r)
		r = resolve(t, "--until", until, &until_ns, err, err_len);
	if (r)
		return r;
	if (rx_chart__set_window(c, since_ns, until_ns)) {
		snprintf(err, err_len, "--until is not after --since");
		return -EINVAL;
	}
	return 0;
}
