// SPDX-License-Identifier: MIT
/*
 * `execrec record`'s live output: --print formats each event with the code
 * of `execrec timeline --wallclock` (replay/line.c), so the names, quoting
 * and escapes are the same and a process naming itself with control
 * characters cannot write to the terminal; the status line counts events,
 * bytes and losses, and says what the recording still waits for.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "common/color.h"
#include "driver.h"
#include "line.h"
#include "record_view.h"

#define PROG "execrec record"
#define STATUS_EVERY_NS 250000000ull /* 4 refreshes a second at most */
#define PRINT_TIME_WIDTH 15	     /* HH:MM:SS.uuuuuu, as timeline --wallclock */

void record_view__print_header(struct record_view *v)
{
	v->color = driver__want_color(DRV_COLOR_AUTO, fileno(v->out));
	rp_line__header(v->out, "WALLCLOCK", PRINT_TIME_WIDTH);
}

void record_view__event(void *ctx, const struct etr_event *ev)
{
	struct record_view *v = ctx;
	int64_t real = (int64_t)ev->ts_ns + v->boot_to_real_ns;
	time_t secs = real / 1000000000;
	uint64_t dur_ns = UINT64_MAX;
	char ts[32], buf[4096];
	struct rp_out o;
	struct tm tm;

	if (v->status_shown && isatty(fileno(v->out)))
		record_view__clear(v);
	localtime_r(&secs, &tm);
	snprintf(ts, sizeof(ts), "%02d:%02d:%02d.%06d", tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (int)(real % 1000000000 / 1000));
	rp_out__init(&o, v->out, buf, sizeof(buf));
	if (!v->first_ns)
		v->first_ns = ev->ts_ns;
	/* out of memory: durations fall back to the process start */
	(void)rp_durs__note(&v->durs, ev, v->first_ns);
	if (ev->type == ETR_EV_EXIT && !rp_durs__exit(&v->durs, ev, &dur_ns))
		dur_ns = UINT64_MAX;
	rp_line__event(&o, ts, PRINT_TIME_WIDTH, v->color, ev, &dur_ns, NULL);
	rp_out__flush(&o);
	fflush(v->out);
}

void record_view__bytes(char *buf, size_t len, uint64_t b)
{
	if (b >= 10ull << 20)
		snprintf(buf, len, "%.0f MiB", b / 1048576.0);
	else if (b >= 1 << 20)
		snprintf(buf, len, "%.1f MiB", b / 1048576.0);
	else
		snprintf(buf, len, "%.0f KiB", b / 1024.0);
}

void record_view__status(struct record_view *v, struct rec_session *s, uint64_t now)
{
	struct recorder_stats st;
	char b[32], what[160];
	double rate = 0;

	if (!v->status || now < v->next_ns)
		return;
	v->next_ns = now + STATUS_EVERY_NS;
	recorder__stats(rec_session__recorder(s), &st);
	if (now > v->prev_ns)
		rate = (double)(st.events - v->prev_events) * 1e9 / (double)(now - v->prev_ns);
	v->prev_events = st.events;
	v->prev_ns = now;
	record_view__bytes(b, sizeof(b), st.bytes_written);
	fprintf(stderr,
		EC_CLEAR_LINE "%.1fs  %" PRIu64 " events  %.0f/s  %s written  %" PRIu64 " lost",
		(double)(now - v->start_ns) / 1e9, st.events, rate, b, st.lost + st.dropped);
	if (rec_session__waiting(s, what, sizeof(what)) > 0)
		fprintf(stderr, "  waiting for %s", what);
	v->status_shown = true;
}

void record_view__clear(struct record_view *v)
{
	if (v->status_shown)
		fputs(EC_CLEAR_LINE, stderr);
	v->status_shown = false;
}

void record_view__free(struct record_view *v)
{
	rp_durs__free(&v->durs);
}

/* The problems of a kernel name it: "Linux 5.4.0-42: ..." */
static const char *kernel_release(void)
{
	static struct utsname u;

	return uname(&u) ? "(unknown release)" : u.release;
}

int record_view__failure(struct record_view *v, const struct rec_session_failure *f,
			 const struct recorder_opts *ro)
{
	const char *why = strerror(-f->err);
	char detail[256];

	switch (f->step) {
	case REC_STEP_OUTPUT:
		if (f->err == -EEXIST)
			fprintf(stderr, PROG ": %s exists; use --force to overwrite it\n",
				v->output);
		else if (f->err == -ELOOP)
			fprintf(stderr,
				PROG ": %s is a symbolic link; refusing to write through it\n",
				v->output);
		else
			fprintf(stderr, PROG ": cannot create %s: %s\n", v->output, why);
		return 1;
	case REC_STEP_SIGNALS:
		fprintf(stderr, PROG ": cannot install signal handlers: %s\n", why);
		return 1;
	case REC_STEP_CMD:
		if (f->err == -ENOENT) {
			fprintf(stderr, PROG ": %s: command not found\n", v->cmd);
			return 127;
		}
		fprintf(stderr, PROG ": cannot start %s: %s\n", v->cmd, why);
		return 1;
	case REC_STEP_RECORDER:
		recorder__problem_detail(ro, f->problem, -f->err, detail, sizeof(detail));
		fprintf(stderr, PROG ": Linux %s: %s (%s)\n", kernel_release(),
			recorder__problem_str(f->problem), detail);
		return 1;
	case REC_STEP_FOLLOW:
		if (v->cmd)
			fprintf(stderr, PROG ": cannot follow %s: %s\n", v->cmd, why);
		else
			fprintf(stderr, PROG ": cannot follow process %d: %s\n", (int)f->pid,
				f->err == -ESRCH ? "no such process" : why);
		return 1;
	case REC_STEP_BEGIN:
		if (f->err != -EFBIG)
			break;
		fprintf(stderr,
			PROG ": --max-size %s is too small: the start of the trace (metadata, "
			     "kernel types, processes) needs %" PRIu64 " KiB; nothing recorded\n",
			v->max_size_arg, (f->size_needed + 1023) / 1024);
		return 2;
	case REC_STEP_RELEASE:
		fprintf(stderr, PROG ": cannot release %s: %s\n", v->cmd, why);
		return 1;
	}
	fprintf(stderr, PROG ": writing %s: %s\n", v->output, why);
	return 1;
}

void record_view__summary(struct record_view *v, struct rec_session *s, uint64_t t_start)
{
	struct rec_session_result res;
	struct recorder_stats st;
	char b[32], what[160];

	record_view__clear(v);
	rec_session__result(s, &res);
	recorder__stats(rec_session__recorder(s), &st);
	if (res.cmd_exec_err)
		fprintf(stderr, PROG ": cannot run %s: %s\n", v->cmd, strerror(-res.cmd_exec_err));
	if (res.write_err)
		fprintf(stderr,
			PROG ": writing %s: %s; recording stopped, the trace is readable up to its "
			     "last complete chunk\n",
			v->output, strerror(-res.write_err));
	if (res.finish_err)
		fprintf(stderr,
			PROG ": finishing %s: %s; the trace is readable up to its last complete "
			     "chunk\n",
			v->output, strerror(-res.finish_err));
	if (res.move_err)
		fprintf(stderr, PROG ": cannot move %s to %s: %s; it stays where it is\n",
			v->output, v->move_to, strerror(-res.move_err));
	if (v->quiet)
		return;
	record_view__bytes(b, sizeof(b), st.bytes_written);
	if (res.stop == REC_STOP_SIZE)
		fprintf(stderr,
			PROG ": %s reached --max-size %s; stopped there: %" PRIu64
			     " events that did not fit are counted as lost\n",
			v->output, v->max_size_arg, st.dropped);
	if (res.left_running && rec_session__waiting(s, what, sizeof(what)))
		fprintf(stderr, PROG ": stopped while %s was still running\n", what);
	fprintf(stderr, PROG ": %" PRIu64 " events, %" PRIu64 " lost", st.events - st.dropped,
		st.lost + st.dropped);
	if (st.dropped)
		fprintf(stderr, " (%" PRIu64 " past --max-size)", st.dropped);
	fprintf(stderr, ", %s written to %s (ready %.2f s after start)\n", b,
		res.moved ? v->move_to : v->output,
		st.ready_ns > t_start ? (double)(st.ready_ns - t_start) / 1e9 : 0.0);
}
