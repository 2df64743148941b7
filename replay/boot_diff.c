/* SPDX-License-Identifier: MIT */
/*
 * Two boots compared by unit: which units are new or gone, which now fail,
 * which take longer. Units are matched by name; a cgroup outside any unit
 * by its path.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/macros.h"
#include "boot.h"

static const char *const change_names[] = {"NEW", "GONE", "NOW-FAILS", "SLOWER"};
static const char *const change_keys[] = {"new", "gone", "fails", "slower"};

static uint64_t span(const struct rp_boot_unit *u)
{
	return u->last_ns > u->first_ns ? u->last_ns - u->first_ns : 0;
}

static void put_procs(struct rp_out *o, const struct rp_boot_unit *u, bool json)
{
	if (json) {
		rp_out__puts(o, ",\"processes\":");
		rp_out__u64(o, u->procs);
		rp_out__puts(o, ",\"busiest\":[");
		for (size_t k = 0; k < RP_BOOT_BUSIEST && u->busiest[k].count; k++) {
			if (k)
				rp_out__putc(o, ',');
			rp_out__json_str(o, u->busiest[k].name, strlen(u->busiest[k].name));
		}
		rp_out__puts(o, "],\"failed\":[");
		for (uint32_t k = 0; k < u->nfails && k < RP_BOOT_FAILS; k++) {
			const struct rp_boot_fail *fl = &u->fails[k];

			if (k)
				rp_out__putc(o, ',');
			rp_out__puts(o, "{\"name\":");
			rp_out__json_str(o, fl->name, strlen(fl->name));
			rp_out__printf(o,
				       ",\"pid\":%" PRIu32 ",\"exit_code\":%" PRId32
				       ",\"signal\":%" PRId32 ",\"failed_execs\":%" PRIu32 "}",
				       fl->pid, fl->exit_code, fl->signal, fl->failed_execs);
		}
		rp_out__putc(o, ']');
		return;
	}
	rp_out__printf(o, "  %" PRIu32 " process%s:", u->procs, u->procs == 1 ? "" : "es");
	for (size_t k = 0; k < RP_BOOT_BUSIEST && u->busiest[k].count; k++)
		rp_out__printf(o, " %s(%" PRIu32 ")", u->busiest[k].name, u->busiest[k].count);
	for (uint32_t k = 0; k < u->nfails && k < RP_BOOT_FAILS; k++) {
		const struct rp_boot_fail *fl = &u->fails[k];
		const char *sig = fl->signal ? rp_signal_name(fl->signal) : NULL;

		rp_out__printf(o, "\n    %s (pid %" PRIu32 "):", fl->name, fl->pid);
		if (fl->failed_execs)
			rp_out__printf(o, " %" PRIu32 " failed exec%s", fl->failed_execs,
				       fl->failed_execs == 1 ? "" : "s");
		if (fl->signal)
			rp_out__printf(o, " killed by %s", sig ? sig : "a signal");
		else if (fl->exit_code)
			rp_out__printf(o, " exit %" PRId32, fl->exit_code);
	}
	if (u->nfails > RP_BOOT_FAILS)
		rp_out__printf(o, "\n    ... %" PRIu32 " more", u->nfails - RP_BOOT_FAILS);
}

static void change(struct rp_out *o, enum rp_boot_change c, const struct rp_boot_unit *b,
		   const struct rp_boot_unit *n, bool json)
{
	const struct rp_boot_unit *u = n ? n : b;
	char s1[32], s2[32];

	if (json) {
		rp_out__printf(o, "{\"change\":\"%s\",\"unit\":", change_keys[c]);
		rp_out__json_str(o, u->name, strlen(u->name));
		if (c == RP_BOOT_SLOWER)
			rp_out__printf(o, ",\"base_span_ns\":%" PRIu64 ",\"new_span_ns\":%" PRIu64,
				       span(b), span(n));
		put_procs(o, u, true);
		rp_out__puts(o, "}\n");
		return;
	}
	rp_out__printf(o, "%-10s %s", change_names[c], u->name);
	if (c == RP_BOOT_SLOWER) {
		rp_fmt_duration(s1, sizeof(s1), span(b));
		rp_fmt_duration(s2, sizeof(s2), span(n));
		rp_out__printf(o, "  %s -> %s (x%.1f)", s1, s2,
			       (double)span(n) / (double)(span(b) ? span(b) : 1));
	}
	rp_out__putc(o, '\n');
	put_procs(o, u, false);
	rp_out__putc(o, '\n');
}

unsigned rp_boot__diff(const struct rp_boot *base, const struct rp_boot *nw, double threshold,
		       uint64_t min_delta_ns, bool json, FILE *f)
{
	unsigned mask = 0, n = 0;
	char lb[1024];
	struct rp_out o;

	rp_out__init(&o, f, lb, sizeof(lb));
	for (size_t i = 0; i < rp_boot__count(nw); i++) {
		const struct rp_boot_unit *u = rp_boot__unit(nw, i);
		const struct rp_boot_unit *b = rp_boot__find(base, u->name);

		if (!b) {
			change(&o, RP_BOOT_NEW, NULL, u, json);
			mask |= 1u << RP_BOOT_NEW;
			n++;
			continue;
		}
		if (rp_boot_unit__failed(u) && !rp_boot_unit__failed(b)) {
			change(&o, RP_BOOT_NOW_FAILS, b, u, json);
			mask |= 1u << RP_BOOT_NOW_FAILS;
			n++;
		}
		/* a unit still running at the end has no span of its own */
		if (!u->running && !b->running && u->last_ns && b->last_ns &&
		    (double)span(u) > threshold * (double)span(b) &&
		    span(u) - span(b) >= min_delta_ns) {
			change(&o, RP_BOOT_SLOWER, b, u, json);
			mask |= 1u << RP_BOOT_SLOWER;
			n++;
		}
	}
	for (size_t i = 0; i < rp_boot__count(base); i++) {
		const struct rp_boot_unit *b = rp_boot__unit(base, i);

		if (!rp_boot__find(nw, b->name)) {
			change(&o, RP_BOOT_GONE, b, NULL, json);
			mask |= 1u << RP_BOOT_GONE;
			n++;
		}
	}
	if (!json)
		rp_out__printf(&o, "%u change%s by unit (%zu units before, %zu now)\n", n,
			       n == 1 ? "" : "s", rp_boot__count(base), rp_boot__count(nw));
	rp_out__flush(&o);
	return mask;
}

int rp_boot__diff_classes(const char *list, unsigned *ret_mask, char *err, size_t err_len)
{
	/* in the order of enum rp_boot_change */
	static const char *const keys[] = {"new", "gone", "fails", "slower"};
	unsigned mask = *ret_mask;

	for (const char *s = list; *s;) {
		size_t n = strcspn(s, ",");
		bool ok = n == 3 && !strncmp(s, "all", 3);

		if (ok)
			mask |= (1u << ARRAY_SIZE(keys)) - 1;
		for (size_t k = 0; k < ARRAY_SIZE(keys) && !ok; k++)
			if (strlen(keys[k]) == n && !strncmp(s, keys[k], n)) {
				mask |= 1u << k;
				ok = true;
			}
		if (!ok && n) {
			snprintf(
			    err, err_len,
			    "--fail-on: unknown class '%.*s' with --by-unit (new, gone, fails, "
			    "slower, all)",
			    (int)n, s);
			return -EINVAL;
		}
		s += n + (s[n] == ',');
	}
	if (!mask) {
		snprintf(err, err_len, "--fail-on: no class given");
		return -EINVAL;
	}
	*ret_mask = mask;
	return 0;
}
