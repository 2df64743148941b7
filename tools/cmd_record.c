// SPDX-License-Identifier: MIT
/*
 * execrec record: the front end of record/.  Parses options, opens the
 * output, starts and follows a command, handles signals, and does all the
 * talking (errors, the status line, --print); record/ itself never prints.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "durs.h"
#include "execrec.h"
#include "line.h"
#include "record.h"
#include "redact.h"
#include "options.h"
#include "record_wait.h"
#include "sdstate.h"

#define PROG "execrec record"
#define STATUS_EVERY_NS 250000000ull /* 4 refreshes a second at most */
#define MAX_PIDS 64
/* After CMD exited, a stop signal leaves what it left running this long to
 * end (a terminal's ^C reached it too) before the recording stops. */
#define GRACE_NS 500000000ull
#define PRINT_TIME_WIDTH 15 /* HH:MM:SS.uuuuuu, as timeline --wallclock */

static volatile sig_atomic_t stop_signal;   /* a signal asked us to stop */
static volatile sig_atomic_t stop_count;    /* how many such signals */
static volatile sig_atomic_t forward_sig;   /* a signal to pass on to CMD */
static volatile sig_atomic_t child_changed; /* SIGCHLD seen */

struct cli {
	const char *output;
	bool force;
	bool quiet;
	bool print;
	bool env;
	bool threads;
	bool stop_on_cmd_exit; /* not the processes CMD leaves running */
	enum recorder_btf btf;
	const char *btf_path;
	enum recorder_programs programs;
	enum recorder_failed_exec failed_exec;
	uint32_t max_args;
	uint64_t max_size;
	const char *max_size_arg; /* as given, for messages */
	uint64_t duration_ns;
	bool until_boot;   /* --until=boot-complete */
	uint64_t grace_ns; /* --grace */
	uint64_t flush_ns;
	int level;
	pid_t pids[MAX_PIDS];
	int npids;
	char **cmd;
	struct redactor *redact; /* --redact */
};

/* What --print and the status line need. */
struct view {
	FILE *out;
	int64_t boot_to_real_ns;
	bool color;
	bool status_shown; /* a status line is on stderr, to be cleared */
	/* exits' durations by the analyzer's definition, as timeline shows
	 * them: CMD counts from its exec, not from the recorder's start */
	struct rp_durs durs;
	uint64_t first_ns;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: execrec record -o FILE [OPTIONS] [-- CMD [ARGS...]]\n"
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
		"  -h, --help\n");
}

static void on_stop(int sig, siginfo_t *si, void *uc)
{
	stop_signal = sig;
	stop_count++;
	/* A signal from the terminal reached CMD too (same process group); one
	 * sent to us alone is passed on, so CMD ends and we record its end. */
	if (si && si->si_code == SI_USER)
		forward_sig = sig;
}

static void on_child(int sig)
{
	child_changed = 1;
}

static int install_signals(void)
{
	struct sigaction sa = {0};

	/* No SA_RESTART: the poll must return so the loop sees the flag. */
	sa.sa_sigaction = on_stop;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL) ||
	    sigaction(SIGHUP, &sa, NULL))
		return -errno;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_child;
	sa.sa_flags = SA_NOCLDSTOP;
	if (sigaction(SIGCHLD, &sa, NULL))
		return -errno;
	/* a closed stdout pipe is a write error, not a silent death */
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
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
	char *end;
	unsigned long long v;
	uint64_t mul = 1;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (end == s || errno || *s == '-')
		return 0;
	switch (*end) {
	case 0:
		break;
	case 'k':
	case 'K':
		mul = 1ull << 10;
		break;
	case 'm':
	case 'M':
		mul = 1ull << 20;
		break;
	case 'g':
	case 'G':
		mul = 1ull << 30;
		break;
	default:
		return 0;
	}
	if (*end && end[1] && strcmp(end + 1, "iB") && strcmp(end + 1, "B"))
		return 0;
	return v * mul;
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
};

static int parse_args(int argc, char **argv, struct cli *c)
{
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
	    {NULL, 0, NULL, 0},
	};
	const char *last_arg = NULL; /* the argument of the last option */
	uint64_t v;
	char *end;
	long pid;
	int opt;

	memset(c, 0, sizeof(*c));
	c->max_args = ER_ARGS_DEFAULT;
	c->grace_ns = 2000000000ull;
	c->level = ETR_DEFAULT_LEVEL; /* named in the trace's options */
	optind = 1;
	/* '+': options end at the command's name, so CMD's own options are
	 * its own even without "--" */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:o:fp:d:qh", longopts, NULL)) != -1) {
		last_arg = optarg;
		switch (opt) {
		case 'o':
			c->output = optarg;
			break;
		case 'f':
			c->force = true;
			break;
		case 'p':
			errno = 0;
			pid = strtol(optarg, &end, 10);
			if (errno || *end || pid <= 0 || pid > INT_MAX) {
				fprintf(stderr, PROG ": -p: '%s' is not a process id\n", optarg);
				return -1;
			}
			if (c->npids == MAX_PIDS) {
				fprintf(stderr, PROG ": -p: at most %d processes\n", MAX_PIDS);
				return -1;
			}
			c->pids[c->npids++] = (pid_t)pid;
			break;
		case 'd':
			c->duration_ns = parse_time(optarg);
			if (!c->duration_ns) {
				fprintf(stderr, PROG ": --duration: '%s' is not a duration\n",
					optarg);
				return -1;
			}
			break;
		case 'q':
			c->quiet = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case OPT_MAX_SIZE:
			c->max_size = parse_size(optarg);
			c->max_size_arg = optarg;
			if (c->max_size < 4096) {
				fprintf(stderr,
					PROG ": --max-size: '%s' is not a size of 4K or more\n",
					optarg);
				return -1;
			}
			break;
		case OPT_FLUSH:
			c->flush_ns = parse_time(optarg);
			if (c->flush_ns < 1000000) {
				fprintf(
				    stderr,
				    PROG
				    ": --flush-interval: '%s' is not a duration of 1ms or more\n",
				    optarg);
				return -1;
			}
			break;
		case OPT_MAX_ARGS:
			v = parse_size(optarg);
			if (v < ER_ARGS_MIN || v > ER_ARGS_LIMIT) {
				fprintf(stderr,
					PROG
					": --max-args-bytes: '%s' is not between %uK and %uM\n",
					optarg, ER_ARGS_MIN >> 10, ER_ARGS_LIMIT >> 20);
				return -1;
			}
			c->max_args = (uint32_t)v;
			break;
		case OPT_ENV:
			c->env = true;
			break;
		case OPT_THREADS:
			c->threads = true;
			break;
		case OPT_BTF:
			if (!strcmp(optarg, "subset")) {
				c->btf = RECORDER_BTF_SUBSET;
			} else if (!strcmp(optarg, "full")) {
				c->btf = RECORDER_BTF_FULL;
			} else if (!strcmp(optarg, "none")) {
				c->btf = RECORDER_BTF_NONE;
			} else if (!access(optarg, R_OK)) {
				c->btf_path = optarg;
			} else {
				fprintf(stderr,
					PROG ": --btf: '%s' is not subset, full, none or a "
					     "readable BTF file\n",
					optarg);
				return -1;
			}
			break;
		case OPT_PROGRAMS:
			if (!strcmp(optarg, "auto") || !strcmp(optarg, "loop") ||
			    !strcmp(optarg, "bounded") || !strcmp(optarg, "raw")) {
				c->programs = optarg[0] == 'a'	 ? RECORDER_PROGS_AUTO
					      : optarg[0] == 'l' ? RECORDER_PROGS_LOOP
					      : optarg[0] == 'r' ? RECORDER_PROGS_RAW
								 : RECORDER_PROGS_BOUNDED;
				break;
			}
			fprintf(stderr,
				PROG ": --programs: '%s' is not auto, loop, bounded or raw\n",
				optarg);
			return -1;
		case OPT_FAILED_EXEC:
			if (!strcmp(optarg, "auto") || !strcmp(optarg, "fexit") ||
			    !strcmp(optarg, "kprobe") || !strcmp(optarg, "tracepoint")) {
				c->failed_exec = optarg[0] == 'a'   ? RECORDER_FAILED_AUTO
						 : optarg[0] == 'f' ? RECORDER_FAILED_FEXIT
						 : optarg[0] == 'k' ? RECORDER_FAILED_KPROBE
								    : RECORDER_FAILED_TRACEPOINT;
				break;
			}
			fprintf(stderr,
				PROG
				": --failed-exec: '%s' is not auto, fexit, kprobe or tracepoint\n",
				optarg);
			return -1;
		case OPT_UNTIL:
			if (strcmp(optarg, "boot-complete")) {
				fprintf(stderr, PROG ": --until: '%s' is not boot-complete\n",
					optarg);
				return -1;
			}
			c->until_boot = true;
			break;
		case OPT_GRACE:
			c->grace_ns = parse_time(optarg);
			if (!c->grace_ns && strcmp(optarg, "0")) {
				fprintf(stderr, PROG ": --grace: '%s' is not a duration\n", optarg);
				return -1;
			}
			break;
		case OPT_PRINT:
			c->print = true;
			break;
		case OPT_STOP_ON_CMD_EXIT:
			c->stop_on_cmd_exit = true;
			break;
		case OPT_LEVEL:
			c->level = (int)strtol(optarg, &end, 10);
			if (*end || end == optarg || c->level > 22) {
				fprintf(stderr, PROG ": --level: '%s' is not a zstd level\n",
					optarg);
				return -1;
			}
			if (!c->level) /* zstd's 0: the default, named as it is */
				c->level = ETR_DEFAULT_LEVEL;
			break;
		case OPT_REDACT:
			redactor__free(c->redact);
			c->redact = tool_redact__new("record", optarg);
			if (!c->redact)
				return -1;
			break;
		default:
			tool__option_error("record", opt, argv, longopts);
			return -1;
		}
	}
	if (!c->output) {
		fprintf(stderr, PROG ": no output file: use -o FILE (or -o - for stdout)\n");
		return -1;
	}
	if (optind < argc) {
		c->cmd = argv + optind;
	} else if (optind > 1 && !strcmp(argv[optind - 1], "--") && argv[optind - 1] != last_arg) {
		/* "--" ends the options before a command: without one, this
		 * is not a request to record the whole system */
		fprintf(stderr, PROG ": no command after --\n");
		return -1;
	}
	if (c->cmd && c->npids) {
		fprintf(stderr, PROG ": give either a command or -p, not both\n");
		return -1;
	}
	if (c->stop_on_cmd_exit && !c->cmd) {
		fprintf(stderr, PROG ": --stop-on-cmd-exit: there is no command (-- CMD)\n");
		return -1;
	}
	if (c->until_boot && (c->cmd || c->npids)) {
		fprintf(stderr, PROG ": --until=boot-complete records the whole system: no "
				     "command or -p with it\n");
		return -1;
	}
	if (c->until_boot && !sd_is_booted()) {
		fprintf(stderr, PROG ": --until=boot-complete: this system was not booted with "
				     "systemd (no /run/systemd/system)\n");
		return -1;
	}
	return 0;
}

/* The output file: 0600, never through a symlink, never over an existing
 * file without --force.  Sets *created when this call made the file. */
static int open_output(const struct cli *c, bool *created)
{
	struct stat st;
	int fd, flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC;

	*created = false;
	if (!strcmp(c->output, "-")) {
		if (isatty(STDOUT_FILENO)) {
			fprintf(stderr, PROG ": refusing to write a binary trace to a terminal; "
					     "redirect standard output or use -o FILE\n");
			return -1;
		}
		return STDOUT_FILENO;
	}
	flags |= c->force ? O_TRUNC : O_EXCL;
	fd = open(c->output, flags, 0600);
	if (fd < 0) {
		int e = errno;

		if (e == EEXIST)
			fprintf(stderr, PROG ": %s exists; use --force to overwrite it\n",
				c->output);
		else if (e == ELOOP)
			fprintf(stderr,
				PROG ": %s is a symbolic link; refusing to write through it\n",
				c->output);
		else
			fprintf(stderr, PROG ": cannot create %s: %s\n", c->output, strerror(e));
		return -1;
	}
	if (!fstat(fd, &st) && S_ISREG(st.st_mode)) {
		*created = !c->force || st.st_size == 0;
		if (fchmod(fd, 0600)) {
			/* not ours to chmod: at least say so */
			fprintf(stderr, PROG ": warning: cannot make %s mode 0600: %s\n", c->output,
				strerror(errno));
		}
	}
	return fd;
}

/* ---------------------------------------------------------------- */
/* --print                                                          */
/* ---------------------------------------------------------------- */

/* Each event as `execrec timeline --wallclock` shows it (replay/line.c):
 * the same names, quoting and escapes, so a process naming itself with
 * control characters cannot write to the terminal. */
static void print_event(void *ctx, const struct etr_event *ev)
{
	struct view *v = ctx;
	int64_t real = (int64_t)ev->ts_ns + v->boot_to_real_ns;
	time_t secs = real / 1000000000;
	struct rp_out o;
	struct tm tm;
	char ts[32], buf[4096];
	uint64_t dur_ns = UINT64_MAX;

	if (v->status_shown && isatty(fileno(v->out))) {
		fputs("\r\033[K", stderr);
		v->status_shown = false;
	}
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

static void fmt_bytes(char *buf, size_t len, uint64_t b)
{
	if (b >= 10ull << 20)
		snprintf(buf, len, "%.0f MiB", b / 1048576.0);
	else if (b >= 1 << 20)
		snprintf(buf, len, "%.1f MiB", b / 1048576.0);
	else
		snprintf(buf, len, "%.0f KiB", b / 1024.0);
}

static void show_status(struct view *v, const struct recorder *r, uint64_t start,
			uint64_t *prev_events, uint64_t *prev_ns, const struct record_wait *wait)
{
	struct recorder_stats s;
	uint64_t now = now_ns(CLOCK_MONOTONIC);
	double rate = 0;
	char b[32];

	recorder__stats(r, &s);
	if (now > *prev_ns)
		rate = (double)(s.events - *prev_events) * 1e9 / (now - *prev_ns);
	*prev_events = s.events;
	*prev_ns = now;
	fmt_bytes(b, sizeof(b), s.bytes_written);
	fprintf(stderr, "\r\033[K%.1fs  %" PRIu64 " events  %.0f/s  %s written  %" PRIu64 " lost",
		(now - start) / 1e9, s.events, rate, b, s.lost + s.dropped);
	if (wait && wait->alive > 0) {
		char what[160];

		record_wait__describe(wait, what, sizeof(what));
		fprintf(stderr, "  waiting for %s", what);
	}
	v->status_shown = true;
}

/* ---------------------------------------------------------------- */
/* The command                                                      */
/* ---------------------------------------------------------------- */

/* CMD's program, found in PATH the way execvp() would, so that the trace
 * does not open with one failed exec per PATH entry tried. */
static int resolve_cmd(const char *name, char *out, size_t len)
{
	const char *path = getenv("PATH"), *p, *end;
	struct stat st;

	if (strchr(name, '/')) {
		snprintf(out, len, "%s", name);
		return 0;
	}
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;; p = end + 1) {
		size_t n;

		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		n = end - p;
		if (snprintf(out, len, "%.*s%s%s", (int)n, p, n ? "/" : "", name) < (int)len &&
		    !stat(out, &st) && S_ISREG(st.st_mode) && !access(out, X_OK))
			return 0;
		if (!*end)
			break;
	}
	return -ENOENT;
}

/* Starts CMD held on a pipe: it runs nothing until released, so it can be
 * put in the follow map first.  Returns its pid, with *ret_gate the pipe's
 * write end (write a byte to release; close to abort). */
static pid_t spawn_held(const char *prog, char **cmd, bool stdout_to_stderr, int *ret_gate)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		sigset_t none;
		char go;

		close(p[1]);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (read(p[0], &go, 1) != 1)
			_exit(127); /* the recorder gave up before starting */
		close(p[0]);
		/* the trace owns stdout with -o -; CMD's output goes aside */
		if (stdout_to_stderr)
			dup2(STDERR_FILENO, STDOUT_FILENO);
		execv(prog, cmd);
		fprintf(stderr, PROG ": cannot run %s: %s\n", cmd[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(p[0]);
	*ret_gate = p[1];
	return pid;
}

static char *options_text(const struct cli *c)
{
	static const char *const btf[] = {"subset", "full", "none"};
	char *s = NULL;

	if (asprintf(&s,
		     "max_args_bytes=%u env=%d threads=%d btf=%s flush_interval_ns=%" PRIu64
		     " max_size=%" PRIu64 " duration_ns=%" PRIu64 " level=%d",
		     c->max_args, c->env, c->threads, btf[c->btf], c->flush_ns, c->max_size,
		     c->duration_ns, c->level) < 0)
		return NULL;
	return s;
}

static char *target_text(const struct cli *c)
{
	size_t len = 0, i;
	char *s, *p;

	if (c->cmd) {
		for (i = 0; c->cmd[i]; i++)
			len += strlen(c->cmd[i]) + 1;
		s = malloc(len + 1);
		if (!s)
			return NULL;
		p = s;
		for (i = 0; c->cmd[i]; i++)
			p += sprintf(p, "%s%s", i ? " " : "", c->cmd[i]);
		return s;
	}
	if (c->npids) {
		s = malloc(c->npids * 12 + 1);
		if (!s)
			return NULL;
		p = s;
		*p = 0;
		for (i = 0; i < (size_t)c->npids; i++)
			p += sprintf(p, "%s%d", i ? "," : "", c->pids[i]);
		return s;
	}
	return NULL;
}

/* The problems of a kernel name it: "Linux 5.4.0-42: ..." */
static const char *kernel_release(void)
{
	static struct utsname u;

	return uname(&u) ? "(unknown release)" : u.release;
}

static int exit_status_of(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 1;
}

int cmd_record(int argc, char **argv)
{
	struct recorder_opts ro = {.sz = sizeof(ro)};
	enum recorder_problem problem;
	struct recorder *r = NULL;
	struct view view = {0};
	struct cli c;
	bool created = false, child_done = false, show, stopped_by_error = false;
	bool at_limit = false, waiting = false, wait_told = false;
	struct record_wait wait = {0};
	uint64_t grace_deadline = 0;
	char *opts_s = NULL, *target_s = NULL, prog[PATH_MAX];
	pid_t child = -1;
	int gate = -1, fd = -1, wstatus = 0, ret = 1, err, i;
	uint64_t start, deadline = 0, next_status = 0, next_sweep = 0, prev_ev = 0, prev_ns = 0;
	uint32_t end_status = 0;
	uint64_t t_start;
	struct boot_wait bw = {0};

	t_start = now_ns(CLOCK_MONOTONIC);
	if (parse_args(argc, argv, &c))
		return 2;
	show = !c.quiet && isatty(STDERR_FILENO);

	if (recorder__check(&problem) && !(problem == RECORDER_NO_BTF && c.btf_path)) {
		fprintf(stderr, PROG ": Linux %s: %s\n", kernel_release(),
			recorder__problem_str(problem));
		return 1;
	}
	fd = open_output(&c, &created);
	if (fd < 0)
		return 1;
	if (install_signals()) {
		fprintf(stderr, PROG ": cannot install signal handlers: %s\n", strerror(errno));
		goto out;
	}
	if (c.cmd) {
		if (resolve_cmd(c.cmd[0], prog, sizeof(prog))) {
			fprintf(stderr, PROG ": %s: command not found\n", c.cmd[0]);
			ret = 127;
			goto out;
		}
		child = spawn_held(prog, c.cmd, fd == STDOUT_FILENO, &gate);
		if (child < 0) {
			fprintf(stderr, PROG ": cannot start %s: %s\n", c.cmd[0], strerror(errno));
			goto out;
		}
	}

	view.out = fd == STDOUT_FILENO ? stderr : stdout;
	view.boot_to_real_ns = (int64_t)now_ns(CLOCK_REALTIME) - (int64_t)now_ns(CLOCK_BOOTTIME);
	opts_s = options_text(&c);
	target_s = target_text(&c);
	ro.mode = c.cmd ? RECORDER_COMMAND : c.npids ? RECORDER_PID : RECORDER_SYSTEM;
	ro.max_args_bytes = c.max_args;
	ro.env = c.env;
	ro.threads = c.threads;
	ro.live = c.print;
	ro.btf = c.btf;
	ro.btf_path = c.btf_path;
	ro.programs = c.programs;
	ro.failed_exec = c.failed_exec;
	ro.flush_interval_ns = c.flush_ns;
	ro.max_bytes = c.max_size;
	ro.level = c.level;
	/* the recorder's own command line, as the dispatcher got it */
	ro.argc = argc + 1;
	ro.argv = argv - 1;
	ro.options_text = opts_s;
	ro.target = target_s;
	ro.redact = c.redact;
	if (c.print) {
		ro.event_cb = print_event;
		ro.event_ctx = &view;
		view.color = rp_want_color(fileno(view.out), NULL);
		rp_line__header(view.out, "WALLCLOCK", PRINT_TIME_WIDTH);
	}

	r = recorder__new(fd, &ro, &problem);
	if (!r) {
		char why[256];

		recorder__problem_detail(&ro, problem, errno, why, sizeof(why));
		fprintf(stderr, PROG ": Linux %s: %s (%s)\n", kernel_release(),
			recorder__problem_str(problem), why);
		goto out;
	}
	if (c.cmd) {
		err = recorder__follow(r, child, false);
		if (err) {
			fprintf(stderr, PROG ": cannot follow %s: %s\n", c.cmd[0], strerror(-err));
			goto out;
		}
	}
	for (i = 0; i < c.npids; i++) {
		err = recorder__follow(r, c.pids[i], true);
		if (err) {
			fprintf(stderr, PROG ": cannot follow process %d: %s\n", c.pids[i],
				err == -ESRCH ? "no such process" : strerror(-err));
			goto out;
		}
	}
	err = recorder__begin(r);
	if (err == -EFBIG) {
		struct recorder_stats s;

		recorder__stats(r, &s);
		fprintf(stderr,
			PROG ": --max-size %s is too small: the start of the trace (metadata, "
			     "kernel types, processes) needs %" PRIu64 " KiB; nothing recorded\n",
			c.max_size_arg, (s.size_needed + 1023) / 1024);
		ret = 2;
		goto out;
	}
	if (err) {
		fprintf(stderr, PROG ": writing %s: %s\n", c.output, strerror(-err));
		goto out;
	}
	if (c.cmd) {
		if (write(gate, "g", 1) != 1) {
			fprintf(stderr, PROG ": cannot release %s: %s\n", c.cmd[0],
				strerror(errno));
			goto out;
		}
		close(gate);
		gate = -1;
	}

	/* Under systemd (Type=notify): ready once attached and the snapshot
	 * is written, so units ordered after this one are recorded whole. */
	sd_notify_ready("recording");

	start = now_ns(CLOCK_MONOTONIC);
	if (c.duration_ns)
		deadline = start + c.duration_ns;
	prev_ns = start;
	for (;;) {
		uint64_t now;
		int n;

		n = recorder__poll(r, wait.settling ? 10 : c.print ? 20 : 100);
		if (n < 0 && n != -EINTR) {
			if (n == -EFBIG) {
				at_limit = true;
			} else {
				end_status = ETR_END_ERROR;
				stopped_by_error = true;
				if (view.status_shown)
					fputs("\n", stderr);
				view.status_shown = false;
				fprintf(stderr,
					PROG ": writing %s: %s; recording stopped, the trace is "
					     "readable up to its last complete chunk\n",
					c.output, strerror(-n));
			}
			break;
		}
		if (forward_sig && child > 0 && !child_done) {
			kill(child, forward_sig);
			forward_sig = 0;
		}
		now = now_ns(CLOCK_MONOTONIC);
		if (child > 0 && !child_done && child_changed) {
			child_changed = 0;
			if (waitpid(child, &wstatus, WNOHANG) == child) {
				child_done = true;
				if (c.stop_on_cmd_exit)
					break;
				/* what CMD left running is still its tree */
				waiting = true;
			}
		}
		if (waiting && record_wait__done(&wait, r, now))
			break;
		if (waiting && wait.alive > 0 && !wait_told && !c.quiet) {
			char what[160];

			record_wait__describe(&wait, what, sizeof(what));
			if (view.status_shown)
				fputs("\r\033[K", stderr);
			view.status_shown = false;
			fprintf(stderr,
				PROG ": %s exited; recording until what it left running exits: "
				     "%s\n",
				c.cmd[0], what);
			wait_told = true;
		}
		/* Following a command, the first stop signal is for CMD (passed
		 * on or sent to it by the terminal): keep recording its end.  A
		 * second one stops at once.  Once CMD is gone, what it left
		 * running gets a moment to end (a terminal's ^C reached it). */
		if (stop_signal && (child < 0 || stop_count > 1))
			break;
		if (stop_signal && child_done && !grace_deadline)
			grace_deadline = now + GRACE_NS;
		if (grace_deadline && now >= grace_deadline)
			break;
		if (deadline && now >= deadline)
			break;
		if (c.until_boot && boot_check(&bw, now, c.grace_ns, c.quiet))
			break;
		if (c.npids && now >= next_sweep) {
			if (recorder__followed(r) == 0)
				break;
			next_sweep = now + 1000000000ull;
		}
		if (show && now >= next_status) {
			show_status(&view, r, start, &prev_ev, &prev_ns, waiting ? &wait : NULL);
			next_status = now + STATUS_EVERY_NS;
		}
	}

	if (view.status_shown) {
		fputs("\r\033[K", stderr);
		view.status_shown = false;
	}
	err = recorder__finish(r, end_status);
	if (err == -EFBIG) {
		at_limit = true;
	} else if (err && !stopped_by_error) {
		fprintf(stderr,
			PROG ": finishing %s: %s; the trace is readable up to its last "
			     "complete chunk\n",
			c.output, strerror(-err));
		stopped_by_error = true;
	}
	if (!c.quiet) {
		struct recorder_stats s;
		char b[32];

		recorder__stats(r, &s);
		fmt_bytes(b, sizeof(b), s.bytes_written);
		if (at_limit)
			fprintf(stderr,
				PROG ": %s reached --max-size %s; stopped there: %" PRIu64
				     " events that did not fit are counted as lost\n",
				c.output, c.max_size_arg, s.dropped);
		if (waiting && !wait.settling && wait.alive > 0) {
			char what[160];

			record_wait__describe(&wait, what, sizeof(what));
			fprintf(stderr, PROG ": stopped while %s was still running\n", what);
		}
		fprintf(stderr, PROG ": %" PRIu64 " events, %" PRIu64 " lost", s.events - s.dropped,
			s.lost + s.dropped);
		if (s.dropped)
			fprintf(stderr, " (%" PRIu64 " past --max-size)", s.dropped);
		fprintf(stderr, ", %s written to %s (ready %.2f s after start)\n", b, c.output,
			s.ready_ns > t_start ? (s.ready_ns - t_start) / 1e9 : 0.0);
	}
	if (child > 0) {
		/* the recording ended early (error, size limit, second signal):
		 * CMD still has to finish, and its status is ours */
		if (!child_done) {
			while (waitpid(child, &wstatus, 0) < 0 && errno == EINTR) {
				if (forward_sig) {
					kill(child, forward_sig);
					forward_sig = 0;
				}
			}
		}
		child_done = true;
		ret = exit_status_of(wstatus);
		if (stopped_by_error && ret == 0)
			ret = 1;
	} else {
		ret = stopped_by_error ? 1 : 0;
	}
	created = false; /* a trace was started: keep it, whatever happened */
out:
	rp_durs__free(&view.durs);
	if (gate >= 0)
		close(gate);
	if (child > 0 && !child_done)
		waitpid(child, NULL, 0);
	recorder__free(r);
	if (created)
		unlink(c.output);
	if (fd > STDOUT_FILENO)
		close(fd);
	free(opts_s);
	free(target_s);
	redactor__free(c.redact);
	return ret;
}
