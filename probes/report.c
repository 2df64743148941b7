/* SPDX-License-Identifier: MIT */
/*
 * What a listing could not cover, one line for the user per type whose
 * list is missing or not the whole truth: a source that is not there or
 * not readable, a fallback source, a trace that stores only part of what
 * a kernel has, a kernel that cannot attach the type.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

void probe_say(probe_msg_fn msg, void *ctx, const char *fmt, ...)
{
	char line[4096 + 512];
	va_list ap;

	if (!msg)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	msg(ctx, line);
}

static bool any_wants(struct probe_pattern *const *pats, size_t n, enum probe_type t)
{
	for (size_t i = 0; i < n; i++) {
		if (probe_pattern__wants(pats[i], t))
			return true;
	}
	return false;
}

static bool hidden(const struct probe_list_opts *o, const int *supported, int t)
{
	return supported[t] == 0 && !o->all;
}

/* Why a type's list is missing, for a trace source. */
static void trace_missing(probe_msg_fn msg, void *ctx, const struct probe_trace_info *ti,
			  const char *in, enum probe_type t, int err, const char *what)
{
	bool fn = t == PROBE_KPROBE || t == PROBE_KFUNC;

	if (err == -EINVAL && ti->btf_error)
		probe_say(msg, ctx,
			  "%s: the stored BTF is damaged (%s, at byte %" PRIu64 "): no %s", in,
			  ti->btf_error, ti->btf_error_offset, what);
	else if (err == -ENODATA && fn)
		probe_say(msg, ctx, "%s holds %s: no %s from it (record with --btf=full)", in,
			  ti->btf_kind ? "only a BTF subset" : "no BTF", what);
	else if (err == -ENODATA && t == PROBE_TRACEPOINT)
		probe_say(msg, ctx, "%s stores no tracepoint formats", in);
	else if (err == -ENODATA && t == PROBE_RAWTRACEPOINT)
		probe_say(msg, ctx, "%s stores no BTF and no tracepoint formats: no %s", in, what);
	else if (err == -ENODATA)
		probe_say(msg, ctx,
			  "software and hardware events are not stored in a trace (they "
			  "depend on the CPU and the kernel's configuration)");
	else
		probe_say(msg, ctx, "%s: %s: no %s", in, strerror(-err), what);
}

/* Why a type's list is missing, live. */
static void live_missing(probe_msg_fn msg, void *ctx, const struct probe_status *st,
			 enum probe_type t, const char *what)
{
	if (t == PROBE_TRACEPOINT && st->err == -ENOENT)
		probe_say(msg, ctx,
			  "tracefs is not mounted, so no tracepoints; mount it with: "
			  "mount -t tracefs nodev /sys/kernel/tracing");
	else if (st->err == -ENOENT && t != PROBE_TRACEPOINT)
		probe_say(msg, ctx, "no kernel BTF (%s): no %s", st->path, what);
	else if (st->err == -EACCES || st->err == -EPERM)
		probe_say(msg, ctx, "%s: %s: no %s (run as root)", st->path ? st->path : "?",
			  strerror(-st->err), what);
	else
		probe_say(msg, ctx, "%s: %s: no %s", st->path ? st->path : "?", strerror(-st->err),
			  what);
}

/*
 * One line per type whose list is missing or not the whole
 * truth. kprobe and kfunc share their causes, so they share the line, as
 * do software and hardware in a trace.
 */
int probe_list_report(struct probe_src *src, const struct probe_list_opts *o,
		      struct probe_pattern *const *pats, size_t npats, const int *supported,
		      const char *const *why, const size_t *counts, probe_msg_fn msg, void *ctx)
{
	static const char *const plural[PROBE_TYPE__NR] = {
	    "tracepoints",     "kprobes",	  "kfuncs",  "raw tracepoints",
	    "software events", "hardware events", "uprobes", "usdt probes",
	};
	const struct probe_trace_info *ti = probe_src__trace_info(src);
	bool fn_both = any_wants(pats, npats, PROBE_KPROBE) && any_wants(pats, npats, PROBE_KFUNC);
	bool said_fn = false, said_perf = false;
	int missing = 0;

	for (int t = 0; t < PROBE_TYPE__NR; t++) {
		const struct probe_status *st = probe_src__status(src, t);
		bool fn = t == PROBE_KPROBE || t == PROBE_KFUNC;
		bool perf = t == PROBE_SOFTWARE || t == PROBE_HARDWARE;
		const char *what = fn && fn_both ? "kprobes or kfuncs" : plural[t];

		if (!any_wants(pats, npats, t))
			continue;
		if (!ti && supported[t] == 0) {
			/* the kernel cannot attach them: said plainly, once */
			probe_say(msg, ctx, "%s: not supported by this kernel: %s%s", plural[t],
				  why[t] ? why[t] : "?",
				  o->all ? "; listed for --all, each marked" : "");
			missing += !o->all;
			continue;
		}
		if (t == PROBE_UPROBE || t == PROBE_USDT)
			continue;
		if ((fn && said_fn) || (perf && said_perf))
			continue;
		if (st->err) {
			if (ti)
				trace_missing(msg, ctx, ti, o->input, t, st->err, what);
			else
				live_missing(msg, ctx, st, t, what);
			said_fn |= fn;
			said_perf |= perf && ti;
			missing++;
			continue;
		}
		if (t == PROBE_TRACEPOINT && ti && st->partial && (counts[t] || o->count))
			probe_say(msg, ctx,
				  "%s stores the formats of %" PRIu32 " tracepoint%s (those its "
				  "recorder uses), not every tracepoint of that kernel",
				  o->input, ti->nr_tpformats, ti->nr_tpformats == 1 ? "" : "s");
		if (!ti && supported[t] < 0 && (counts[t] || o->count))
			probe_say(msg, ctx, "%s: cannot tell whether this kernel attaches them: %s",
				  plural[t], why[t] ? why[t] : strerror(-supported[t]));
		/* a caveat about listed probes, when some are */
		if (fn && st->partial &&
		    (counts[PROBE_KPROBE] || counts[PROBE_KFUNC] || o->count)) {
			/* the other of the two shares this line, if it is listed */
			said_fn = fn_both && !hidden(o, supported, PROBE_KPROBE) &&
				  !hidden(o, supported, PROBE_KFUNC);
			if (fn_both && said_fn)
				what = "kprobes and kfuncs";
			else
				what = plural[t];
			if (ti)
				probe_say(msg, ctx,
					  "%s listed from the BTF stored in %s: a trace does not "
					  "say which were traceable, some may not have been",
					  what, o->input);
			else if (st->fallback_err && st->origin == PROBE_ORIGIN_BTF)
				probe_say(msg, ctx,
					  "%s unreadable (%s): %s listed from the kernel BTF's "
					  "functions; some may not be attachable",
					  st->fallback_path, strerror(-st->fallback_err), what);
			else if (st->fallback_err)
				probe_say(msg, ctx,
					  "%s unreadable (%s): %s listed from the text symbols "
					  "of %s; some may not be attachable",
					  st->fallback_path, strerror(-st->fallback_err), what,
					  st->path);
		}
		if (t == PROBE_RAWTRACEPOINT && st->partial && ti && (counts[t] || o->count))
			probe_say(
			    msg, ctx, "%s holds %s: raw tracepoints limited to those", o->input,
			    ti->btf_kind ? "only a BTF subset" : "no BTF, only tracepoint formats");
	}
	return missing;
}
