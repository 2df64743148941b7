/* SPDX-License-Identifier: MIT */
/* The command-line driver of the analyzer subcommands (driver.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "driver.h"
#include "common/parse.h"

bool driver__parse(struct driver *d, const struct driver_cmd *cmd, void *ctx, int argc, char **argv)
{
	char optstring[64], err[512];
	int opt, r;

	d->cmd = cmd;
	d->ctx = ctx;
	d->stopped = true;
	d->status = DRV_EXIT_USAGE;
	/* ':' first: a missing value is told apart from an unknown option */
	snprintf(optstring, sizeof(optstring), ":%s", cmd->shortopts ? cmd->shortopts : "");
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, optstring, cmd->longopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			cmd->help(stdout);
			d->status = DRV_EXIT_OK;
			return false;
		case ':':
		case '?':
			driver__option_error(cmd->name, opt, argv, cmd->longopts);
			return false;
		}
		r = cmd->option ? cmd->option(d, opt, optarg) : DRV_SHARED;
		if (r == DRV_SHARED) {
			r = driver__option(d, opt, optarg, err, sizeof(err));
			if (r == -EINVAL)
				driver__err(d, "%s", err);
			else if (r == 0) /* in the table, handled by no one */
				r = driver__err(d, "option '%s' is not handled", argv[optind - 1]);
		}
		if (r == -ENOMEM) {
			driver__err(d, "%s", strerror(ENOMEM));
			d->status = driver__fail_status(d);
		}
		if (r < 0)
			return false;
	}
	d->stopped = false;
	d->status = DRV_EXIT_OK;
	return true;
}

int driver__option(struct driver *d, int opt, const char *arg, char *err, size_t err_len)
{
	static const char *const names[] = {
	    [DRV_OPT_PID - DRV_OPT_PID] = "pid",
	    [DRV_OPT_SUBTREE - DRV_OPT_PID] = "subtree",
	    [DRV_OPT_COMM - DRV_OPT_PID] = "comm",
	    [DRV_OPT_GREP - DRV_OPT_PID] = "grep",
	    [DRV_OPT_UID - DRV_OPT_PID] = "uid",
	    [DRV_OPT_FAILED - DRV_OPT_PID] = "failed",
	    [DRV_OPT_SINCE - DRV_OPT_PID] = "since",
	    [DRV_OPT_UNTIL - DRV_OPT_PID] = "until",
	    [DRV_OPT_MIN_DURATION - DRV_OPT_PID] = "min-duration",
	    [DRV_OPT_UNIT - DRV_OPT_PID] = "unit",
	};

	switch (opt) {
	case DRV_OPT_PID ... DRV_OPT_UNIT:
		if (!d->filter) {
			d->filter = rp_filter__new();
			if (!d->filter)
				return -ENOMEM;
		}
		return rp_filter__set(d->filter, names[opt - DRV_OPT_PID], arg, err, err_len) ?: 1;
	case DRV_OPT_JSON:
	case DRV_OPT_CSV:
		/* one output format: the last of two is not what was meant */
		if (d->format != DRV_FMT_TEXT &&
		    d->format != (opt == DRV_OPT_JSON ? DRV_FMT_JSON : DRV_FMT_CSV)) {
			snprintf(err, err_len, "--json and --csv do not go together: choose one");
			return -EINVAL;
		}
		d->format = opt == DRV_OPT_JSON ? DRV_FMT_JSON : DRV_FMT_CSV;
		return 1;
	case DRV_OPT_COLOR:
		if (!arg || !strcmp(arg, "always"))
			d->color = DRV_COLOR_ALWAYS;
		else if (!strcmp(arg, "never"))
			d->color = DRV_COLOR_NEVER;
		else if (!strcmp(arg, "auto"))
			d->color = DRV_COLOR_AUTO;
		else {
			snprintf(err, err_len, "--color: '%s' is not always, never or auto", arg);
			return -EINVAL;
		}
		return 1;
	case DRV_OPT_NO_COLOR:
		d->color = DRV_COLOR_NEVER;
		return 1;
	case DRV_OPT_WALLCLOCK:
		d->wallclock = true;
		return 1;
	case DRV_OPT_PATH_MISSES:
		d->path_misses = true;
		return 1;
	case DRV_OPT_STATS:
		d->stats = true;
		return 1;
	case DRV_OPT_REORDER:
		if (ec_parse_duration(arg, &d->reorder_ns) || !d->reorder_ns) {
			snprintf(err, err_len, "--reorder-window: '%s' is not a duration (10ms)",
				 arg);
			return -EINVAL;
		}
		return 1;
	default:
		return 0;
	}
}

int driver__err(const struct driver *d, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "execrec %s: ", d->cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -EINVAL;
}

bool driver__operand(struct driver *d, int argc, char **argv)
{
	if (optind == argc - 1) {
		d->path = argv[optind];
		return true;
	}
	fprintf(stderr, "execrec %s: %s\nUsage: execrec %s [OPTIONS] %s\n", d->cmd->name,
		optind >= argc ? "no trace file given" : "one trace file at a time", d->cmd->name,
		d->cmd->operands);
	d->stopped = true;
	d->status = DRV_EXIT_USAGE;
	return false;
}

const char *driver__open_why(int err)
{
	return err == EINVAL	? "not an execrec trace"
	       : err == ENOTSUP ? "made by a newer execrec (format major version)"
	       : err == EBADMSG ? "damaged file header"
				: strerror(err);
}

struct rp_trace *driver__open_trace(const struct driver *d, const char *path,
				    const struct rp_trace_opts *opts)
{
	struct rp_trace_opts o = {.sz = sizeof(o)};
	struct rp_trace *t;
	char err[512];

	if (opts)
		o = *opts;
	o.sz = sizeof(o);
	if (d->reorder_ns)
		o.reorder_ns = d->reorder_ns;
	o.path_misses = o.path_misses || d->path_misses;
	t = rp_trace__open(path, &o);
	if (!t) {
		int e = errno;

		rp_open_error_str(err, sizeof(err), path, e);
		driver__err(d, "%s", err);
		errno = e;
	}
	return t;
}

bool driver__open(struct driver *d, int argc, char **argv, const struct rp_trace_opts *opts)
{
	if (!d->path && !driver__operand(d, argc, argv))
		return false;
	d->trace = driver__open_trace(d, d->path, opts);
	if (!d->trace) {
		d->stopped = true;
		d->status = driver__fail_status(d);
		return false;
	}
	return true;
}

int driver__bind(struct driver *d)
{
	char err[512];

	if (d->filter_bound)
		return 0;
	d->filter_bound = true;
	if (!rp_filter__bind(d->filter, d->trace, err, sizeof(err)))
		return 0;
	return driver__err(d, "%s", err);
}

int driver__next(struct driver *d, const struct etr_event **ret_ev)
{
	int r = rp_trace__next_event(d->trace, ret_ev);

	/* a filter may name a time or a unit: it is bound once the start of
	 * the trace (the clock anchors, the cgroups, the snapshot) is read */
	if (r > 0 && (d->filter_bound || (*ret_ev)->type == RP_EV_PROC))
		return r;
	if (r >= 0 && driver__bind(d))
		return -EINVAL;
	return r;
}

bool driver__want_color(enum driver_color mode, int fd)
{
	const char *e;

	if (mode != DRV_COLOR_AUTO)
		return mode == DRV_COLOR_ALWAYS;
	e = getenv("NO_COLOR");
	if (e && *e)
		return false;
	e = getenv("TERM");
	if (e && !strcmp(e, "dumb"))
		return false;
	return isatty(fd);
}

bool driver__color(const struct driver *d, int fd)
{
	return driver__want_color(d->color, fd);
}

void driver__flush(const struct driver *d)
{
	if (fflush(stdout) && errno != EPIPE)
		driver__err(d, "writing output: %s", strerror(errno));
}

void driver__print_stats(const struct driver *d, uint64_t processes, size_t bytes,
			 size_t string_bytes)
{
	struct rp_trace_stats st;
	struct rusage ru;
	double cpu;

	rp_trace__stats(d->trace, &st);
	getrusage(RUSAGE_SELF, &ru);
	cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	      ru.ru_stime.tv_usec / 1e6;
	fprintf(stderr,
		"stats %s: events %" PRIu64 " held_max %" PRIu64 " late %" PRIu64
		" processes %" PRIu64
		" model_bytes %zu string_bytes %zu cpu_s %.3f maxrss_kb %ld\n",
		d->cmd->name, st.events, st.held_max, st.late, processes, bytes, string_bytes, cpu,
		ru.ru_maxrss);
}

bool driver__out_open(struct driver *d, const char *path, const char *input, bool force,
		      bool binary)
{
	d->stopped = true;
	if (path && !*path) {
		/* open("") says ENOENT with no name to show: say which */
		driver__err(d, "--output: the file name is empty (- is standard output)");
		d->status = DRV_EXIT_USAGE;
		return false;
	}
	d->status = driver__fail_status(d);
	if (path && !strcmp(path, "-"))
		path = NULL;
	if (tool_out__open(&d->out, d->cmd->name, path, input ? input : d->path, force, binary))
		return false;
	d->out_name = path;
	d->out_open = true;
	d->stopped = false;
	d->status = DRV_EXIT_OK;
	return true;
}

int driver__out_close(struct driver *d, bool ok)
{
	if (!d->out_open)
		return 0;
	d->out_open = false;
	return tool_out__close(&d->out, d->cmd->name, ok) && ok ? driver__fail_status(d) : 0;
}

int driver__end(struct driver *d, int err)
{
	char why[512];
	int status = DRV_EXIT_OK;

	if (err < 0)
		status = driver__fail_status(d);
	else if (d->cmd->grep_status && !d->found)
		status = DRV_EXIT_NONE;
	if (err == -EIO && d->out_open)
		driver__err(d, "writing %s failed", d->out_name ? d->out_name : "the output");
	else if (err < 0 && err != -EINVAL)
		driver__err(d, "%s: %s", d->path, strerror(-err));
	else if (err >= 0 && d->trace && rp_trace__damage_str(d->trace, why, sizeof(why)))
		driver__err(d, "warning: %s: %s", d->path, why);
	/* half an output is no output: it never gets the wanted name */
	if (driver__out_close(d, err >= 0))
		status = driver__fail_status(d);
	return status;
}

void driver__free(struct driver *d)
{
	driver__out_close(d, false);
	rp_trace__free(d->trace);
	d->trace = NULL;
	rp_filter__free(d->filter);
	d->filter = NULL;
}

int driver__stop(struct driver *d, int status)
{
	d->stopped = true;
	d->status = status;
	driver__free(d);
	return status;
}

int driver__fail_status(const struct driver *d)
{
	return d->cmd && d->cmd->grep_status ? DRV_EXIT_USAGE : DRV_EXIT_FAIL;
}

int driver__exit(struct driver *d, int err)
{
	int status = d->stopped ? d->status : driver__end(d, err);

	driver__free(d);
	return status;
}

/* The long option "--NAME[=...]" names, as getopt_long() matches it:
 * exactly, or by a prefix of one option only; *ret_many when it is the
 * prefix of several. */
static const struct option *find_long(const struct option *lo, const char *arg, size_t len,
				      bool *ret_many)
{
	const struct option *hit = NULL;

	*ret_many = false;
	for (; lo && lo->name; lo++) {
		if (strncmp(lo->name, arg, len))
			continue;
		if (strlen(lo->name) == len) {
			*ret_many = false;
			return lo;
		}
		/* several entries of one option (same flag and value) count once */
		if (hit && (hit->flag != lo->flag || hit->val != lo->val))
			*ret_many = true;
		if (!hit)
			hit = lo;
	}
	return *ret_many ? NULL : hit;
}

/* "--a, --b" for the options @arg is a prefix of. */
static void print_matches(const struct option *lo, const char *arg, size_t len)
{
	const char *sep = "";

	for (; lo && lo->name; lo++)
		if (!strncmp(lo->name, arg, len)) {
			fprintf(stderr, "%s--%s", sep, lo->name);
			sep = ", ";
		}
}

void driver__option_error(const char *cmd, int opt, char **argv, const struct option *longopts)
{
	/* getopt has moved past a long option in error; a short one inside
	 * a cluster ("-xZ") it names only through optopt */
	const char *a = optind > 1 ? argv[optind - 1] : "";
	bool dashdash = !strncmp(a, "--", 2);
	size_t len = dashdash ? strcspn(a + 2, "=") : 0;
	bool many = false;
	const struct option *lo = dashdash ? find_long(longopts, a + 2, len, &many) : NULL;

	if (dashdash && many) {
		fprintf(stderr, "execrec %s: option '--%.*s' is ambiguous (", cmd, (int)len, a + 2);
		print_matches(longopts, a + 2, len);
		fputc(')', stderr);
	} else if (dashdash && (!optopt || optopt >= 0x100 || (lo && lo->val == optopt))) {
		/* an abbreviation is named in full */
		const char *name = lo ? lo->name : a + 2;
		int n = lo ? (int)strlen(lo->name) : (int)len;

		if (opt == ':')
			fprintf(stderr, "execrec %s: option '--%.*s' needs a value", cmd, n, name);
		else if (lo && a[2 + len] == '=')
			fprintf(stderr, "execrec %s: option '--%.*s' takes no value", cmd, n, name);
		else
			fprintf(stderr, "execrec %s: unknown option '--%.*s'", cmd, n, name);
	} else if (optopt > 0 && optopt < 0x100) {
		fprintf(stderr, "execrec %s: %s '-%c'%s", cmd,
			opt == ':' ? "option" : "unknown option", optopt,
			opt == ':' ? " needs a value" : "");
	} else {
		fprintf(stderr, "execrec %s: bad option '%s'", cmd, a);
	}
	fprintf(stderr, " (see 'execrec %s --help')\n", cmd);
}

void driver__help(FILE *f, unsigned what)
{
	if (what & DRV_HELP_STATS)
		fputs("      --stats             figures for benchmarks on stderr\n", f);
	fputs("  -h, --help              this help\n\n", f);
	if (what & DRV_HELP_FILTERS)
		driver__filter_help(f);
	if (what & DRV_HELP_FILTERS_REST) {
		fputs("Filters:\n", f);
		driver__filter_help_rest(f);
	}
	if (what & DRV_HELP_OUTPUT) {
		fputc('\n', f);
		driver__output_help(f, what & DRV_HELP_CSV);
	}
}

void driver__filter_help(FILE *f)
{
	fputs("Filters:\n"
	      "      --pid PID[,PID]     only these processes\n"
	      "      --subtree PID[,PID] these processes and their descendants\n",
	      f);
	driver__filter_help_rest(f);
}

void driver__filter_help_rest(FILE *f)
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

void driver__output_help(FILE *f, bool csv)
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
