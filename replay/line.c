// SPDX-License-Identifier: MIT
/*
 * One event as a line of text (line.h): `execrec timeline`'s format, shared
 * with `execrec record --print`.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/color.h"
#include "line.h"

static const char *event_color(const struct etr_event *ev)
{
	switch (ev->type) {
	case ETR_EV_EXEC:
		return EC_COLOR_GREEN;
	case ETR_EV_EXEC_FAIL:
		return EC_COLOR_RED;
	case ETR_EV_EXIT:
		return ev->signal ? EC_COLOR_BOLDRED : ev->exit_code ? EC_COLOR_RED : "";
	case ETR_EV_LOST:
		return EC_COLOR_YELLOW;
	case ETR_EV_FORK:
	case RP_EV_PROC:
		return EC_COLOR_DIM;
	default:
		return "";
	}
}

static void put_spaces(struct rp_out *o, size_t n)
{
	static const char sp[] = "                ";

	for (size_t k; n; n -= k) {
		k = n < sizeof(sp) - 1 ? n : sizeof(sp) - 1;
		rp_out__write(o, sp, k);
	}
}

/* @s, then spaces up to @width columns (printf's %-*s). */
static void put_left(struct rp_out *o, const char *s, size_t len, size_t width)
{
	rp_out__write(o, s, len);
	if (len < width)
		put_spaces(o, width - len);
}

/* Spaces, then @s, to end at @width columns (printf's %*s). */
static void put_right(struct rp_out *o, const char *s, size_t len, size_t width)
{
	if (len < width)
		put_spaces(o, width - len);
	rp_out__write(o, s, len);
}

static void put_num_right(struct rp_out *o, int64_t v, size_t width)
{
	char b[24];

	put_right(o, b, rp_fmt_i64(b, v), width);
}

/* What the RET column says of @ev, into @ret (at least 40 bytes). */
static size_t fmt_ret(const struct etr_event *ev, char *ret, size_t len)
{
	switch (ev->type) {
	case ETR_EV_EXEC:
		ret[0] = '0';
		return 1;
	case ETR_EV_EXEC_FAIL: {
		const char *en = rp_errno_name(ev->ret);

		if (en)
			return (size_t)snprintf(ret, len, "%s", en);
		return (size_t)snprintf(ret, len, "%d", ev->ret);
	}
	case ETR_EV_EXIT:
		if (ev->signal) {
			const char *sn = rp_signal_name(ev->signal);
			const char *core = ev->flags & ETR_EVF_CORE_DUMPED ? "+core" : "";

			if (sn)
				return (size_t)snprintf(ret, len, "%s%s", sn, core);
			return (size_t)snprintf(ret, len, "sig%d%s", ev->signal, core);
		}
		return rp_fmt_i64(ret, ev->exit_code);
	default:
		return 0;
	}
}

void rp_line__header(FILE *f, const char *time_title, size_t time_width)
{
	fprintf(f, "%-*s %-9s %7s %7s %-13s %8s  %s\n", (int)time_width, time_title, "EVENT", "PID",
		"PPID", "RET", "DURATION", "ARGS");
}

void rp_line__event(struct rp_out *o, const char *time, size_t time_width, bool color,
		    const struct etr_event *ev, const uint64_t *dur_ns,
		    const struct etr_str *exit_argv)
{
	char ret[40], dur[24] = "";
	const char *col = color ? event_color(ev) : "";
	const char *name = rp_event_name(ev);
	size_t nret;

	nret = fmt_ret(ev, ret, sizeof(ret));
	if (nret >= sizeof(ret))
		nret = sizeof(ret) - 1; /* snprintf's cut */
	if (ev->type == ETR_EV_EXIT && dur_ns) {
		if (*dur_ns != UINT64_MAX)
			rp_fmt_duration(dur, sizeof(dur), *dur_ns);
	} else if (ev->type == ETR_EV_EXIT && ev->start_ns && ev->ts_ns >= ev->start_ns)
		rp_fmt_duration(dur, sizeof(dur), ev->ts_ns - ev->start_ns);

	put_left(o, time, strlen(time), time_width);
	rp_out__putc(o, ' ');
	rp_out__puts(o, col);
	put_left(o, name, strlen(name), 9);
	if (ev->type == ETR_EV_LOST) {
		rp_out__puts(o, color ? EC_COLOR_RESET : "");
		rp_out__write(o, "       -       -  ", 18);
		if (ev->flags & RP_EVF_DAMAGE)
			rp_out__puts(o, "events missing here: the file is damaged\n");
		else
			rp_out__printf(o, "%" PRIu64 " %s event%s lost here\n", ev->lost_count,
				       ev->lost_type ? rp_event_name(&(struct etr_event){
							   .type = ev->lost_type})
						     : "",
				       ev->lost_count == 1 ? "" : "s");
		return;
	}
	rp_out__puts(o, color && *col ? EC_COLOR_RESET : "");
	rp_out__putc(o, ' ');
	put_num_right(o, ev->pid, 7);
	rp_out__putc(o, ' ');
	put_num_right(o, ev->ppid, 7);
	rp_out__putc(o, ' ');
	put_left(o, ret, nret, 13);
	rp_out__putc(o, ' ');
	put_right(o, dur, strlen(dur), 8);
	rp_out__write(o, "  ", 2);
	switch (ev->type) {
	case ETR_EV_EXEC_FAIL:
		rp_out__shell(o, ev->filename.ptr, ev->filename.len);
		rp_out__write(o, ": ", 2);
		/* fall through */
	case ETR_EV_EXEC:
	case RP_EV_PROC:
		rp_out__argv(o, &ev->argv, 0);
		if (ev->flags & ETR_EVF_ARGV_TRUNC)
			rp_out__printf(o, " ...[cut, %" PRIu32 " bytes in all]", ev->argv_orig_len);
		if (ev->type == ETR_EV_EXEC && ev->old_tid && ev->old_tid != ev->pid)
			rp_out__printf(o, "  (exec from thread %" PRIu32 ")", ev->old_tid);
		break;
	default:
		if (ev->type == ETR_EV_EXIT && exit_argv && exit_argv->len) {
			rp_out__argv(o, exit_argv, 0);
			break;
		}
		rp_out__shell(o, ev->comm.ptr, ev->comm.len);
		if (ev->type == ETR_EV_FORK && (ev->flags & ETR_EVF_THREAD))
			rp_out__printf(o, "  (thread %" PRIu32 ")", ev->tid);
		if (ev->type > ETR_EV__MAX_KNOWN && ev->type != RP_EV_PROC)
			rp_out__printf(o, "  (event type %u)", ev->type);
		break;
	}
	rp_out__putc(o, '\n');
}
