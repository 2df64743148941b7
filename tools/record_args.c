// SPDX-License-Identifier: MIT
/*
 * `execrec record`'s options: the help text, the table, and each option
 * checked as it comes, with one line naming the option and the value when
 * it is wrong.  Durations and sizes are common/'s.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "common/macros.h"
#include "common/parse.h"
#include "driver.h"
#include "record_args.h"
#include "redact.h"

#define PROG "execrec record"

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
	      "      --notify-ready=attached|start  when to tell systemd (Type=notify) the\n"
	      "                           service is ready: once the programs are attached\n"
	      "                           (default), or at once, not making what is ordered\n"
	      "                           after it wait (what ends before the recorder is\n"
	      "                           attached is then not recorded; without CMD the\n"
	      "                           programs load at idle priority)\n"
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

/* @arg's index in @names (@n of them), or -1 after a line listing them. */
static int pick(const char *opt, const char *arg, const char *const *names, size_t n)
{
	char list[128] = "";

	for (size_t i = 0; i < n; i++) {
		if (!strcmp(arg, names[i]))
			return (int)i;
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
	OPT_MOVE_TO,
	OPT_NOTIFY_READY
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
    {"notify-ready", required_argument, NULL, OPT_NOTIFY_READY},
    {NULL, 0, NULL, 0},
};

static int parse_opt(struct record_args *c, int opt, char **argv)
{
	static const char *const btf[] = {"subset", "full", "none"};
	static const char *const progs[] = {"auto", "loop", "bounded", "raw"};
	static const char *const failed[] = {"auto", "fexit", "kprobe", "tracepoint"};
	static const enum recorder_failed_exec failed_v[] = {
	    RECORDER_FAILED_AUTO, RECORDER_FAILED_FEXIT, RECORDER_FAILED_KPROBE,
	    RECORDER_FAILED_TRACEPOINT};
	static const char *const until[] = {"boot-complete"};
	static const char *const ready[] = {"attached", "start"};
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
		if (c->so.npids == RECORD_MAX_PIDS)
			return fail("-p: at most %d processes", RECORD_MAX_PIDS);
		c->pids[c->so.npids++] = (pid_t)l;
		return 0;
	case 'd':
		if (ec_parse_duration(optarg, &c->so.duration_ns) || !c->so.duration_ns)
			return fail("--duration: '%s' is not a duration", optarg);
		return 0;
	case 'q':
		c->quiet = true;
		return 0;
	case 'h':
		usage(stdout);
		exit(0);
	case OPT_MAX_SIZE:
		c->max_size_arg = optarg;
		if (ec_parse_size(optarg, &c->ro.max_bytes) || c->ro.max_bytes < 4096)
			return fail("--max-size: '%s' is not a size of 4K or more", optarg);
		return 0;
	case OPT_FLUSH:
		if (ec_parse_duration(optarg, &c->ro.flush_interval_ns) ||
		    c->ro.flush_interval_ns < 1000000)
			return fail("--flush-interval: '%s' is not a duration of 1ms or more",
				    optarg);
		return 0;
	case OPT_MAX_ARGS:
		if (ec_parse_size(optarg, &v) || v < RECORDER_ARGS_MIN || v > RECORDER_ARGS_MAX)
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
		for (i = 0; i < (int)ARRAY_SIZE(btf) && strcmp(optarg, btf[i]); i++)
			;
		c->ro.btf = i < (int)ARRAY_SIZE(btf) ? (enum recorder_btf)i : RECORDER_BTF_SUBSET;
		if (i == (int)ARRAY_SIZE(btf) && access(optarg, R_OK))
			return fail("--btf: '%s' is not subset, full, none or a readable BTF file",
				    optarg);
		c->ro.btf_path = i == (int)ARRAY_SIZE(btf) ? optarg : NULL;
		return 0;
	case OPT_PROGRAMS:
		i = pick("programs", optarg, progs, ARRAY_SIZE(progs));
		c->ro.programs = (enum recorder_programs)i;
		return i < 0 ? -1 : 0;
	case OPT_FAILED_EXEC:
		i = pick("failed-exec", optarg, failed, ARRAY_SIZE(failed));
		c->ro.failed_exec = i < 0 ? 0 : failed_v[i];
		return i < 0 ? -1 : 0;
	case OPT_UNTIL:
		c->until_boot = pick("until", optarg, until, ARRAY_SIZE(until)) == 0;
		return c->until_boot ? 0 : -1;
	case OPT_GRACE:
		if (ec_parse_duration(optarg, &c->boot.grace_ns))
			return fail("--grace: '%s' is not a duration", optarg);
		return 0;
	case OPT_MOVE_TO:
		c->so.move_to = optarg;
		return 0;
	case OPT_NOTIFY_READY:
		i = pick("notify-ready", optarg, ready, ARRAY_SIZE(ready));
		c->ready_at_start = i == 1;
		return i < 0 ? -1 : 0;
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
		driver__option_error("record", opt, argv, longopts);
		return -1;
	}
}

int record_args__parse(struct record_args *c, int argc, char **argv)
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
