// SPDX-License-Identifier: MIT
/*
 * The scripted workload the recorder tests record.  Each scenario runs in a
 * child of this process, and one line per scenario goes to the log file
 * given: what it did and with which pids, so the test can check every field
 * of every event against it.
 *
 *   er-workload all LOGFILE DIR     every scenario below, one after another
 *   er-workload loop MARKER SECS    exec /bin/true MARKER in a loop (noise)
 *   er-workload big LOGFILE BYTES   one exec with about BYTES of arguments
 *   er-workload threads LOGFILE X   a process that starts two threads
 *
 * Log lines: "NAME pid=P [key=value...]"; DIR is where scripts and
 * directories are made (it must exist and be empty).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static FILE *logfp;
static char *const no_env[] = {"PATH=/usr/bin:/bin", NULL};

static void logline(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(logfp, fmt, ap);
	va_end(ap);
	fputc('\n', logfp);
	fflush(logfp);
}

static int wait_for(pid_t pid)
{
	int st = 0;

	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return st;
}

/* fork; the child runs fn(arg) and exits with its return value */
static pid_t spawn(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();

	if (pid == 0) {
		fflush(NULL);
		_exit(fn(arg));
	}
	return pid;
}

static int do_exec(void *arg)
{
	char **argv = arg;

	execve(argv[0], argv, no_env);
	return 127;
}

static int run_exec(const char *name, char **argv)
{
	pid_t pid = spawn(do_exec, argv);
	int st = wait_for(pid);

	logline("%s pid=%d status=%d", name, pid, st);
	return st;
}

/* ---- scenarios ---- */

static void sc_true(void)
{
	char *argv[] = {"/bin/true", "hello", "a b", NULL};

	run_exec("true", argv);
}

static void sc_false(void)
{
	char *argv[] = {"/bin/false", NULL};

	run_exec("false", argv);
}

static void sc_enoent(void)
{
	char *argv[] = {"/nonexistent/prog", "x", NULL};

	run_exec("enoent", argv);
}

static void sc_pipeline(void)
{
	char *argv[] = {"/bin/sh", "-c", "echo hi | /bin/cat | /usr/bin/wc -c >/dev/null", NULL};

	run_exec("pipeline", argv);
}

static void sc_script(const char *dir)
{
	char path[4096];
	char *argv[] = {path, "arg1", NULL};
	FILE *f;

	snprintf(path, sizeof(path), "%s/script.sh", dir);
	f = fopen(path, "w");
	if (!f)
		return;
	fputs("#!/bin/sh\nexit 3\n", f);
	fclose(f);
	chmod(path, 0755);
	run_exec("script", argv);
}

static int do_fexecve(void *arg)
{
	const char *file = arg;
	/* On the stack, as a program's arguments usually are: a failed exec
	 * cannot have BPF read strings the child never touched since fork. */
	char a0[] = "fx-name", a1[] = "fx";
	char *argv[] = {a0, a1, NULL};
	int fd = open(file, O_RDONLY);

	if (fd < 0)
		return 120;
	fexecve(fd, argv, no_env);
	return errno == EACCES ? 13 : 121;
}

static void sc_fexecve(const char *dir)
{
	pid_t pid = spawn(do_fexecve, "/bin/true");
	int st = wait_for(pid);
	char path[4096];
	FILE *f;

	logline("fexecve pid=%d status=%d", pid, st);
	/* a file without execute permission: the failed exec is an execveat */
	snprintf(path, sizeof(path), "%s/noexec.txt", dir);
	f = fopen(path, "w");
	if (f) {
		fputs("not a program\n", f);
		fclose(f);
	}
	chmod(path, 0644);
	pid = spawn(do_fexecve, path);
	st = wait_for(pid);
	logline("fexecve_fail pid=%d status=%d", pid, st);
}

static void *thread_exec(void *arg)
{
	char *argv[] = {"/bin/true", "from-thread", NULL};
	FILE *f = arg;

	fprintf(f, " tid=%ld", (long)syscall(SYS_gettid));
	fflush(f);
	execve(argv[0], argv, no_env);
	return NULL;
}

static int do_thread_exec(void *arg)
{
	pthread_t t;

	if (pthread_create(&t, NULL, thread_exec, arg))
		return 122;
	for (;;)
		pause(); /* the exec ends this thread too */
	return 0;
}

static void sc_thread_exec(void)
{
	pid_t pid;
	int st;

	fprintf(logfp, "thread_exec");
	fflush(logfp);
	pid = spawn(do_thread_exec, logfp);
	st = wait_for(pid);
	logline(" pid=%d status=%d", pid, st);
}

static void sc_signal(void)
{
	char *argv[] = {"/bin/sleep", "30", NULL};
	pid_t pid = spawn(do_exec, argv);
	struct timespec ts = {0, 100 * 1000 * 1000};
	int st;

	nanosleep(&ts, NULL);
	kill(pid, SIGTERM);
	st = wait_for(pid);
	logline("signal pid=%d status=%d", pid, st);
}

static int do_segv(void *arg)
{
	struct rlimit rl = {0, 0};

	/* no core file on the test machine */
	setrlimit(RLIMIT_CORE, &rl);
	signal(SIGSEGV, SIG_DFL);
	raise(SIGSEGV);
	return 0;
}

static void sc_segv(void)
{
	pid_t pid = spawn(do_segv, NULL);
	int st = wait_for(pid);

	logline("segv pid=%d status=%d", pid, st);
}

/* about @bytes of arguments, in 4000-byte ones (one argument may not pass
 * 128 KiB); each argument is distinct so a reordering would show */
static void big_args(const char *name, size_t bytes)
{
	size_t n = bytes / 4001 + 1, i;
	char **argv = calloc(n + 2, sizeof(*argv));

	argv[0] = "/bin/true";
	for (i = 1; i <= n; i++) {
		argv[i] = malloc(4001);
		memset(argv[i], 'a' + (i % 26), 4000);
		argv[i][4000] = 0;
		snprintf(argv[i], 10, "%07u", (unsigned)(i % 10000000));
		argv[i][7] = '-';
	}
	run_exec(name, argv);
	for (i = 1; i <= n; i++)
		free(argv[i]);
	free(argv);
}

static void sc_weird_args(void)
{
	char *argv[] = {"/bin/true",	"sp ace",    "new\nline", "",
			"\xff\xfe\x80", "tab\there", "",	  NULL};

	run_exec("weird", argv);
}

static int do_chdir_exec(void *arg)
{
	char *argv[] = {"/bin/true", "cwd", NULL};

	if (chdir(arg))
		return 123;
	execve(argv[0], argv, no_env);
	return 127;
}

static void sc_cwd(const char *dir)
{
	char path[4096];
	pid_t pid;
	int st;

	snprintf(path, sizeof(path), "%s/sub", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/sub/dir with space", dir);
	mkdir(path, 0755);
	pid = spawn(do_chdir_exec, path);
	st = wait_for(pid);
	logline("cwd pid=%d status=%d", pid, st);
}

/* deeper than the BPF walk goes (ER_CWD_DEPTH = 48) */
static void sc_deep_cwd(const char *dir)
{
	char path[4096];
	size_t len;
	pid_t pid;
	int i, st;

	len = snprintf(path, sizeof(path), "%s/deep", dir);
	mkdir(path, 0755);
	for (i = 0; i < 60; i++) {
		len += snprintf(path + len, sizeof(path) - len, "/d%02d", i);
		mkdir(path, 0755);
	}
	pid = spawn(do_chdir_exec, path);
	st = wait_for(pid);
	logline("deep_cwd pid=%d status=%d", pid, st);
}

static void sc_exec_chain(void)
{
	char *argv[] = {"/bin/sh", "-c", "exec /bin/sh -c 'exec /bin/true chain'", NULL};

	run_exec("chain", argv);
}

static int do_exit7(void *arg)
{
	return 7;
}

/* Two processes with one pid: fork, reap, point the kernel's pid allocator
 * just before that pid, fork again.  Needs root and a quiet moment. */
static void sc_recycle(void)
{
	int tries;

	for (tries = 0; tries < 20; tries++) {
		pid_t a = spawn(do_exit7, NULL), b;
		FILE *f;

		wait_for(a);
		f = fopen("/proc/sys/kernel/ns_last_pid", "w");
		if (!f)
			return;
		fprintf(f, "%d", a - 1);
		fclose(f);
		b = spawn(do_exit7, NULL);
		wait_for(b);
		if (a == b) {
			logline("recycle pid=%d", a);
			return;
		}
	}
	logline("recycle pid=0");
}

static void *idle_thread(void *arg)
{
	return arg;
}

/* Two threads started and joined, then exit 0: with --threads, two thread
 * events. */
static int do_threads(void *arg)
{
	pthread_t t[2];
	int i;

	for (i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, idle_thread, NULL);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	return 0;
}

static void sc_threads(void)
{
	pid_t pid = spawn(do_threads, NULL);
	int st = wait_for(pid);

	logline("threads pid=%d status=%d", pid, st);
}

static void busy_loop(const char *marker, double secs)
{
	struct timespec t0, t;
	char *argv[] = {"/bin/true", (char *)marker, NULL};

	unsigned long n = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		wait_for(spawn(do_exec, argv));
		n++;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 < secs);
	printf("count=%lu\n", n);
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "loop")) {
		busy_loop(argv[2], atof(argv[3]));
		/* _exit: under LeakSanitizer a normal exit clones a helper
		 * process, one fork more than the loop made */
		fflush(NULL);
		_exit(0);
	}
	if (argc < 4)
		return 2;
	logfp = fopen(argv[2], "a");
	if (!logfp)
		return 2;
	if (!strcmp(argv[1], "threads")) {
		sc_threads();
		return 0;
	}
	if (!strcmp(argv[1], "big")) {
		big_args("big", strtoul(argv[3], NULL, 10));
		return 0;
	}
	if (strcmp(argv[1], "all"))
		return 2;
	logline("root pid=%d", getpid());
	sc_true();
	sc_false();
	sc_enoent();
	sc_pipeline();
	sc_script(argv[3]);
	sc_fexecve(argv[3]);
	sc_thread_exec();
	sc_signal();
	sc_segv();
	big_args("big", 160 * 1024);
	sc_weird_args();
	sc_cwd(argv[3]);
	sc_deep_cwd(argv[3]);
	sc_exec_chain();
	sc_recycle();
	sc_threads();
	logline("done pid=%d", getpid());
	return 0;
}
