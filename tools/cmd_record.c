// SPDX-License-Identifier: MIT
/*
 * execrec record: the front end of record/'s recording session
 * (record/session.h).  Parses options and does all the talking (errors,
 * the status line, --print, the summary); the session does the rest.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "commands.h"
#include "options.h"
#include "record_view.h"
#include "redact.h"
#include "sdstate.h"

#define PROG "execrec record"
#define MAX_PIDS 64

struct cli {
	struct rec_session_opts so;
	struct recorder_opts ro;
	const char *output; /* as given ("-" = stdout) */
	bool quiet, print, until_boot;
	const char *max_size_arg; /* as given, for messages */
	pid_t pids[MAX_PIDS];
	struct boot_wait boot;
	struct record_view view;
};

static void usage(FILE *f)
{
	fputs("Usage: execrec record -o FILE [OPTIONS] [-- CMD [ARGS...]]\n"
	      "\n"
	      "Record every exec, failed exec, fork and exit into FILE (.etr).\n"
	      "Without CMD or -p, the whole system until SIGINT/SIGTERM or --duration.\n"
	      "With CMD, run CMD and record it and its descendants only, until the last of\n"
	      "them has exited (or --duration, or a signal); exit with CMD's status.\n"
	      "\n"
	      "  -o, --output FILE        the trace ('-' = standard output); created 0600\n"
	      "  -f, --force              overwrite an existing FILE (never a symlink)\n"
	      "  -p, --pid PID            follow PID and everything it starts (repeatable)\n"
	      "  -d, --duration TIME      stop after TIME (e.g. 30, 30s, 500ms, 5m, 1h)\n"
	      "      --max-size SIZE      stop before the trace exceeds SIZE (e.g. 100M)\n"
	      "      --until=boot-complete  stop once systemd reports the boot finished\n"
	      "                           (running or degraded), after --grace (default 2s);\n"
	      "                           --duration bounds it\n"
	      "      --move-to FILE       once the trace has ended, move it to FILE (its\n"
	      "                           directory made if missing); kept at -o if that fails\n"
	      "      --flush-interval T   seal a chunk at least every T (default 1s)\n"
	      "      --max-args-bytes N   keep up to N bytes of argv per exec (default 256K,\n"
	      "                           4K to 1M)\n"
	      "      --env                record environments too (they may hold secrets)\n"
	      "      --redact[=RULES]     replace secrets by tags before anything is written\n"
	      "                           (RULES: a,b,c of 'execrec redact --list-rules')\n"
	      "      --threads            record thread creation too\n"
	      "      --btf=subset|full|none  kernel type info to store (default subset)\n"
	      "      --btf=FILE           kernel BTF from FILE (as BTFHub has them)\n"
	      "      --failed-exec=auto|fexit|kprobe|tracepoint  how failed execs are seen\n"
	      "      --programs=auto|loop|bounded|raw  BPF programs (default: by kernel)\n"
	      "      --level N            zstd level (default 6; negative = uncompressed)\n"
	      "      --stop-on-cmd-exit   stop when CMD exits, leaving out what it left running\n"
	      "      --print              print each event as it arrives (timeline's format)\n"
	      "  -q, --quiet              no status line, no summary\n"
	      "  -h, --help\n",
	      f);
}

static int fail(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/* "30", "30s", "500ms", "1.5m", "1h" -> ns; 0 on error. */
static uint64_t parse_time(const char *s)
{
	char *end;
	double v = strtod(s, &end), mul = 1e9;

	if (end == s || v < 0)
		return 0;
	if (!strcmp(end, "ms"))
		mul = 1e6;
	else if (!strcmp(end, "m") || !strcmp(end, "min"))
		mul = 60e9;
	else if (!strcmp(end, "h"))
		mul = 3600e9;
	else if (*end && strcmp(end, "s"))
		return 0;
	return (uint64_t)(v * mul);
}

/* "4096", "64K", "100M", "2G" (powers of 1024) -> bytes; 0 on error. */
static uint64_t parse_size(const char *s)
{
	static const char units[] = "kmg";
	const char *u;
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (end == s || errno || *s == '-')
		return 0;
	if (!*end)
		return v;
	u = strchr(units, *end | 0x20);
	if (!u || (end[1] && strcmp(end + 1, "iB") && strcmp(end + 1, "B")))
		return 0;
	return v << (10 * (u - units + 1));
}

/* @arg's index in @names (@n of them), or -1 after a line listing them. */
static int pick(const char *opt, const char *arg, const char *const *names, int n)
{
	char list[128] = "";

	for (int i = 0; i < n; i++) {
		if (!strcmp(arg, names[i]))
			return i;
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
			 i ? (i == n - 1 ? " or " : ", ") : "", names[i]);
	}
	return fail("--%s: '%s' is not %s", opt, arg, list);
}

enum {
	OPT_MAX_SIZE = 256,
	OPT_FLUSH,
	OPT_MAX_ARGS,
	OPT_ENV,
	OPT_THREADS,
	OPT_BTF,
	OPT_PRINT,
	OPT_LEVEL,
	OPT_PROGRAMS,
	OPT_FAILED_EXEC,
	OPT_STOP_ON_CMD_EXIT,
	OPT_REDACT,
	OPT_UNTIL,
	OPT_GRACE,
	OPT_MOVE_TO
};

static const struct option longopts[] = {
    {"output", required_argument, NULL, 'o'},
    {"force", no_argument, NULL, 'f'},
    {"pid", required_argument, NULL, 'p'},
    {"duration", required_argument, NULL, 'd'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"max-size", required_argument, NULL, OPT_MAX_SIZE},
    {"flush-interval", required_argument, NULL, OPT_FLUSH},
    {"max-args-bytes", required_argument, NULL, OPT_MAX_ARGS},
    {"env", no_argument, NULL, OPT_ENV},
    {"threads", no_argument, NULL, OPT_THREADS},
    {"btf", required_argument, NULL, OPT_BTF},
    {"print", no_argument, NULL, OPT_PRINT},
    {"level", required_argument, NULL, OPT_LEVEL},
    {"programs", required_argument, NULL, OPT_PROGRAMS},
    {"failed-exec", required_argument, NULL, OPT_FAILED_EXEC},
    {"stop-on-cmd-exit", no_argument, NULL, OPT_STOP_ON_CMD_EXIT},
    {"redact", optional_argument, NULL, OPT_REDACT},
    {"until", required_argument, NULL, OPT_UNTIL},
    {"grace", required_argument, NULL, OPT_GRACE},
    {"move-to", required_argument, NULL, OPT_MOVE_TO},
    {NULL, 0, NULL, 0},
};

static int parse_opt(struct cli *c, int opt, char **argv)
{
	static const char *const btf[] = {"subset", "full", "none"};
	static const char *const progs[] = {"auto", "loop", "bounded", "raw"};
	static const char *const failed[] = {"auto", "fexit", "kprobe", "tracepoint"};
	static const enum recorder_failed_exec failed_v[] = {
	    RECORDER_FAILED_AUTO, RECORDER_FAILED_FEXIT, RECORDER_FAILED_KPROBE,
	    RECORDER_FAILED_TRACEPOINT};
	static const char *const until[] = {"boot-complete"};
	uint64_t v;
	char *end;
	long l;
	int i;

	switch (opt) {
	case 'o':
		c->output = optarg;
		return 0;
	case 'f':
		c->so.force = true;
		return 0;
	case 'p':
		errno = 0;
		l = strtol(optarg, &end, 10);
		if (errno || *end || l <= 0 || l > INT32_MAX)
			return fail("-p: '%s' is not a process id", optarg);
		if (c->so.npids == MAX_PIDS)
			return fail("-p: at most %d processes", MAX_PIDS);
		c->pids[c->so.npids++] = (pid_t)l;
		return 0;
	case 'd':
		c->so.duration_ns = parse_time(optarg);
		return c->so.duration_ns ? 0 : fail("--duration: '%s' is not a duration", optarg);
	case 'q':
		c->quiet = true;
		return 0;
	case 'h':
		usage(stdout);
		exit(0);
	case OPT_MAX_SIZE:
		c->ro.max_bytes = parse_size(optarg);
		c->max_size_arg = optarg;
		if (c->ro.max_bytes < 4096)
			return fail("--max-size: '%s' is not a size of 4K or more", optarg);
		return 0;
	case OPT_FLUSH:
		c->ro.flush_interval_ns = parse_time(optarg);
		if (c->ro.flush_interval_ns < 1000000)
			return fail("--flush-interval: '%s' is not a duration of 1ms or more",
				    optarg);
		return 0;
	case OPT_MAX_ARGS:
		v = parse_size(optarg);
		if (v < RECORDER_ARGS_MIN || v > RECORDER_ARGS_MAX)
			return fail("--max-args-bytes: '%s' is not between %uK and %uM", optarg,
				    RECORDER_ARGS_MIN >> 10, RECORDER_ARGS_MAX >> 20);
		c->ro.max_args_bytes = (uint32_t)v;
		return 0;
	case OPT_ENV:
		c->ro.env = true;
		return 0;
	case OPT_THREADS:
		c->ro.threads = true;
		return 0;
	case OPT_BTF:
		for (i = 0; i < 3 && strcmp(optarg, btf[i]); i++)
			;
		c->ro.btf = i < 3 ? (enum recorder_btf)i : RECORDER_BTF_SUBSET;
		if (i == 3 && access(optarg, R_OK))
			return fail("--btf: '%s' is not subset, full, none or a readable BTF file",
				    optarg);
		c->ro.btf_path = i == 3 ? optarg : NULL;
		return 0;
	case OPT_PROGRAMS:
		i = pick("programs", optarg, progs, 4);
		c->ro.programs = (enum recorder_programs)i;
		return i < 0 ? -1 : 0;
	case OPT_FAILED_EXEC:
		i = pick("failed-exec", optarg, failed, 4);
		c->ro.failed_exec = i < 0 ? 0 : failed_v[i];
		return i < 0 ? -1 : 0;
	case OPT_UNTIL:
		c->until_boot = pick("until", optarg, until, 1) == 0;
		return c->until_boot ? 0 : -1;
	case OPT_GRACE:
		c->boot.grace_ns = parse_time(optarg);
		if (!c->boot.grace_ns && strcmp(optarg, "0"))
			return fail("--grace: '%s' is not a duration", optarg);
		return 0;
	case OPT_MOVE_TO:
		c->so.move_to = optarg;
		return 0;
	case OPT_PRINT:
		c->print = c->ro.live = true;
		return 0;
	case OPT_STOP_ON_CMD_EXIT:
		c->so.stop_on_cmd_exit = true;
		return 0;
	case OPT_LEVEL:
		c->ro.level = (int)strtol(optarg, &end, 10);
		if (*end || end == optarg || c->ro.level > 22)
			return fail("--level: '%s' is not a zstd level", optarg);
		if (!c->ro.level) /* zstd's 0: the default, named as it is */
			c->ro.level = ETR_DEFAULT_LEVEL;
		return 0;
	case OPT_REDACT:
		redactor__free(c->ro.redact);
		c->ro.redact = tool_redact__new("record", optarg);
		return c->ro.redact ? 0 : -1;
	default:
		tool__option_error("record", opt, argv, longopts);
		return -1;
	}
}

static int parse_args(int argc, char **argv, struct cli *c)
{
	const char *last_arg = NULL; /* the argument of the last option */
	int opt;

	c->ro.max_args_bytes = RECORDER_ARGS_DEFAULT;
	c->ro.level = ETR_DEFAULT_LEVEL; /* named in the trace's options */
	c->boot.grace_ns = 2000000000ull;
	optind = 1;
	opterr = 0;
	/* '+': options end at the command's name, so CMD's own options are
	 * its own even without "--" */
	while ((opt = getopt_long(argc, argv, "+:o:fp:d:qh", longopts, NULL)) != -1) {
		last_arg = optarg;
		if (parse_opt(c, opt, argv))
			return -1;
	}
	if (!c->output)
		return fail("no output file: use -o FILE (or -o - for stdout)");
	if (optind < argc)
		c->so.cmd = argv + optind;
	else if (optind > 1 && !strcmp(argv[optind - 1], "--") && argv[optind - 1] != last_arg)
		/* "--" ends the options before a command: without one, this
		 * is not a request to record the whole system */
		return fail("no command after --");
	if (c->so.cmd && c->so.npids)
		return fail("give either a command or -p, not both");
	if (c->so.stop_on_cmd_exit && !c->so.cmd)
		return fail("--stop-on-cmd-exit: there is no command (-- CMD)");
	if (c->until_boot && (c->so.cmd || c->so.npids))
		return fail("--until=boot-complete records the whole system: no command or -p "
			    "with it");
	if (c->until_boot && !sd_is_booted())
		return fail("--until=boot-complete: this system was not booted with systemd (no "
			    "/run/systemd/system)");
	if (c->so.move_to && !strcmp(c->output, "-"))
		return fail("--move-to: the trace goes to standard output (-o -)");
	return 0;
}

/* libbpf's messages (the verifier's log among them) with EXECREC_DEBUG. */
static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	return vfprintf(stderr, fmt, ap);
}

static void on_note(void *ctx, struct rec_session *s, enum rec_session_note note, uint64_t now)
{
	struct cli *c = ctx;
	char what[160];

	if (note == REC_SESSION_READY) {
		/* Under systemd (Type=notify): ready once attached and the
		 * snapshot is written, so units ordered after this one are
		 * recorded whole. */
		sd_notify_ready("recording");
		c->view.start_ns = c->view.prev_ns = now;
	} else if (note == REC_SESSION_TICK) {
		record_view__status(&c->view, s, now);
	} else if (note == REC_SESSION_CMD_EXITED && !c->quiet) {
		rec_session__waiting(s, what, sizeof(what));
		record_view__clear(&c->view);
		fprintf(stderr,
			PROG ": %s exited; recording until what it left running exits: %s\n",
			c->so.cmd[0], what);
	}
}

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int cmd_record(int argc, char **argv)
{
	struct cli c = {.so = {.sz = sizeof(c.so)}, .ro = {.sz = sizeof(c.ro)}};
	uint64_t t_start = now_ns(CLOCK_MONOTONIC);
	struct rec_session_failure f;
	struct rec_session_result res;
	enum recorder_problem problem;
	struct rec_session *s;
	struct utsname u;
	int ret = 2, err;

	if (parse_args(argc, argv, &c))
		goto out;
	ret = 1;
	libbpf_set_print(getenv("EXECREC_DEBUG") ? libbpf_log : NULL);
	/* test knobs: a ring that overflows, a kretprobe that misses */
	c.ro.ringbuf_bytes = (uint32_t)strtoul(getenv("EXECREC_RINGBUF_BYTES") ?: "0", NULL, 0);
	c.ro.kretprobe_maxactive = atoi(getenv("EXECREC_KRETPROBE_MAXACTIVE") ?: "0");
	if (recorder__check(&problem) && !(problem == RECORDER_NO_BTF && c.ro.btf_path)) {
		fprintf(stderr, PROG ": Linux %s: %s\n",
			uname(&u) ? "(unknown release)" : u.release,
			recorder__problem_str(problem));
		goto out;
	}
	if (strcmp(c.output, "-")) {
		c.so.output = c.output;
	} else if (isatty(STDOUT_FILENO)) {
		fail("refusing to write a binary trace to a terminal; redirect standard output "
		     "or use -o FILE");
		goto out;
	} else {
		c.so.fd = STDOUT_FILENO;
		c.so.cmd_stdout_to_stderr = true;
	}
	c.so.pids = c.pids;
	c.so.search_path = getenv("PATH");
	c.so.recorder = &c.ro;
	c.so.note = on_note;
	c.so.note_ctx = &c;
	if (c.until_boot) {
		c.boot.quiet = c.quiet;
		c.so.until = boot_check;
		c.so.until_ctx = &c.boot;
	}
	/* the recorder's own command line, as the dispatcher got it */
	c.ro.argc = argc + 1;
	c.ro.argv = argv - 1;
	c.view = (struct record_view){.output = c.output,
				      .cmd = c.so.cmd ? c.so.cmd[0] : NULL,
				      .max_size_arg = c.max_size_arg,
				      .move_to = c.so.move_to,
				      .quiet = c.quiet,
				      .status = !c.quiet && isatty(STDERR_FILENO),
				      .out = c.so.output ? stdout : stderr};
	c.view.boot_to_real_ns = (int64_t)now_ns(CLOCK_REALTIME) - (int64_t)now_ns(CLOCK_BOOTTIME);
	if (c.print) {
		c.ro.event_cb = record_view__event;
		c.ro.event_ctx = &c.view;
		record_view__print_header(&c.view);
	}

	s = rec_session__start(&c.so, &f);
	if (!s) {
		ret = record_view__failure(&c.view, &f, &c.ro);
		goto out;
	}
	rec_session__result(s, &res);
	if (res.output_mode_err)
		fprintf(stderr, PROG ": warning: cannot make %s mode 0600: %s\n", c.output,
			strerror(-res.output_mode_err));
	err = rec_session__run(s);
	record_view__summary(&c.view, s, t_start);
	rec_session__result(s, &res);
	/* with CMD, its status; a recording that failed is never a success */
	if (!res.have_cmd)
		ret = err ? 1 : 0;
	else if (WIFEXITED(res.cmd_status))
		ret = WEXITSTATUS(res.cmd_status) ? WEXITSTATUS(res.cmd_status) : err ? 1 : 0;
	else
		ret = WIFSIGNALED(res.cmd_status) ? 128 + WTERMSIG(res.cmd_status) : 1;
	rec_session__free(s);
out:
	record_view__free(&c.view);
	redactor__free(c.ro.redact);
	return ret;
}
