/* SPDX-License-Identifier: MIT */
/* The options the analyzer subcommands share. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "cli.h"

int rp_cli__option(struct rp_cli *c, int opt, const char *arg, char *err, size_t err_len)
{
	static const char *const names[] = {
	    [RP_OPT_PID - RP_OPT_PID] = "pid",
	    [RP_OPT_SUBTREE - RP_OPT_PID] = "subtree",
	    [RP_OPT_COMM - RP_OPT_PID] = "comm",
	    [RP_OPT_GREP - RP_OPT_PID] = "grep",
	    [RP_OPT_UID - RP_OPT_PID] = "uid",
	    [RP_OPT_FAILED - RP_OPT_PID] = "failed",
	    [RP_OPT_SINCE - RP_OPT_PID] = "since",
	    [RP_OPT_UNTIL - RP_OPT_PID] = "until",
	    [RP_OPT_MIN_DURATION - RP_OPT_PID] = "min-duration",
	    [RP_OPT_UNIT - RP_OPT_PID] = "unit",
	};

	switch (opt) {
	case RP_OPT_PID ... RP_OPT_UNIT:
		if (!c->filter) {
			c->filter = rp_filter__new();
			if (!c->filter)
				return -ENOMEM;
		}
		return rp_filter__set(c->filter, names[opt - RP_OPT_PID], arg, err, err_len) ?: 1;
	case RP_OPT_JSON:
	case RP_OPT_CSV:
		/* one output format: the last of two is not what was meant */
		if (c->format != RP_FMT_TEXT &&
		    c->format != (opt == RP_OPT_JSON ? RP_FMT_JSON : RP_FMT_CSV)) {
			snprintf(err, err_len, "--json and --csv do not go together: choose one");
			return -EINVAL;
		}
		c->format = opt == RP_OPT_JSON ? RP_FMT_JSON : RP_FMT_CSV;
		return 1;
	case RP_OPT_COLOR:
		if (!arg || !strcmp(arg, "always"))
			c->color_mode = "always";
		else if (!strcmp(arg, "never"))
			c->color_mode = "never";
		else if (!strcmp(arg, "auto"))
			c->color_mode = NULL;
		else {
			snprintf(err, err_len, "--color: '%s' is not always, never or auto", arg);
			return -EINVAL;
		}
		return 1;
	case RP_OPT_NO_COLOR:
		c->color_mode = "never";
		return 1;
	case RP_OPT_WALLCLOCK:
		c->wallclock = true;
		return 1;
	case RP_OPT_PATH_MISSES:
		c->path_misses = true;
		return 1;
	case RP_OPT_REORDER:
		if (ec_parse_duration(arg, &c->reorder_ns) || !c->reorder_ns) {
			snprintf(err, err_len, "--reorder-window: '%s' is not a duration (10ms)",
				 arg);
			return -EINVAL;
		}
		return 1;
	default:
		return 0;
	}
}

const char *rp_cli__trace_path(int argc, char **argv, int first, const char *cmd, char *err,
			       size_t err_len)
{
	if (first == argc - 1)
		return argv[first];
	snprintf(err, err_len, "%s\nUsage: execrec %s [OPTIONS] FILE",
		 first >= argc ? "no trace file given" : "one trace file at a time", cmd);
	return NULL;
}

struct rp_trace *rp_cli__open(const struct rp_cli *c, const char *path,
			      const struct rp_trace_opts *opts, char *err, size_t err_len)
{
	struct rp_trace_opts o = {.sz = sizeof(o)};
	struct rp_trace *t;

	if (opts)
		memcpy(&o, opts, opts->sz < sizeof(o) ? opts->sz : sizeof(o));
	o.sz = sizeof(o);
	o.reorder_ns = c->reorder_ns;
	o.path_misses = c->path_misses;
	t = rp_trace__open(path, &o);
	if (!t) {
		int e = errno;

		rp_open_error_str(err, err_len, path, e);
		errno = e;
	}
	return t;
}

int rp_cli__bind(struct rp_cli *c, const struct rp_trace *t, const struct etr_event *ev, char *err,
		 size_t err_len)
{
	if (c->filter_bound || (ev && ev->type == RP_EV_PROC))
		return 0;
	c->filter_bound = true;
	return rp_filter__bind(c->filter, t, err, err_len) ? -EINVAL : 0;
}

void rp_cli__filter_help(FILE *f)
{
	fputs("Filters:\n"
	      "      --pid PID[,PID]     only these processes\n"
	      "      --subtree PID[,PID] these processes and their descendants\n",
	      f);
	rp_cli__filter_help_rest(f);
}

void rp_cli__filter_help_rest(FILE *f)
{
	fputs("      --comm GLOB         processes whose command name matches (fnmatch)\n"
	      "      --grep REGEX        processes whose arguments match (extended regex)\n"
	      "      --uid UID           processes of this numeric uid\n"
	      "      --failed            failed execs, non-zero exits, deaths by signal\n"
	      "      --since TIME        from TIME: seconds from the start (2.5, 300ms) or\n"
	      "                          wall clock (11:43:54, 2026-11-25 11:43:54, @EPOCH)\n"
	      "      --until TIME        up to TIME, as --since\n"
	      "      --min-duration D    processes that lived at least D (1.5, 200ms, 2m)\n"
	      "      --unit GLOB         processes of the systemd units (or cgroup paths)\n"
	      "                          that match (foo.service, 'systemd-*')\n",
	      f);
}

void rp_cli__output_help(FILE *f, bool csv)
{
	fputs("Output:\n"
	      "      --json              JSON lines (schema in README.md)\n",
	      f);
	if (csv)
		fputs("      --csv               CSV with the same columns\n", f);
	fputs("      --color[=WHEN]      always, never or auto (default: auto, a terminal\n"
	      "                          without NO_COLOR)\n"
	      "      --no-color          same as --color=never\n"
	      "      --reorder-window D  how far events may be out of order (default 10ms)\n"
	      "      --path-misses       show the failed execs of $PATH searches too (by\n"
	      "                          default left out: ENOENT, ENOTDIR or EACCES of a\n"
	      "                          process that then runs a program of that name)\n",
	      f);
}

void rp_cli__fmt_time(const struct rp_cli *c, const struct rp_trace *t, uint64_t ts_ns, char *buf,
		      size_t len)
{
	if (c->wallclock && rp_trace__has_clock(t)) {
		uint64_t rt = rp_trace__realtime(t, ts_ns);
		time_t sec = (time_t)(rt / 1000000000ull);
		struct tm tm;

		localtime_r(&sec, &tm);
		snprintf(buf, len, "%02d:%02d:%02d.%06llu", tm.tm_hour, tm.tm_min, tm.tm_sec,
			 (unsigned long long)(rt % 1000000000ull / 1000));
	} else {
		rp_fmt_reltime(buf, len, ts_ns, rp_trace__first_ns(t));
	}
}

void rp_cli__print_stats(FILE *f, const char *cmd, const struct rp_trace *t, uint64_t processes,
			 size_t bytes, size_t string_bytes)
{
	struct rp_trace_stats st;
	struct rusage ru;
	double cpu;

	rp_trace__stats(t, &st);
	getrusage(RUSAGE_SELF, &ru);
	cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	      ru.ru_stime.tv_usec / 1e6;
	fprintf(f,
		"stats %s: events %" PRIu64 " held_max %" PRIu64 " late %" PRIu64
		" processes %" PRIu64
		" model_bytes %zu string_bytes %zu cpu_s %.3f maxrss_kb %ld\n",
		cmd, st.events, st.held_max, st.late, processes, bytes, string_bytes, cpu,
		ru.ru_maxrss);
}
