// SPDX-License-Identifier: MIT
/*
 * The command a session follows: found in PATH the way execvp() would
 * (so the trace does not open with one failed exec per PATH entry tried),
 * started held on a pipe until it is in the follow map, and, once it has
 * exited, what it left running (a daemon, a background job, `cmd &` in a
 * script), which belongs to its tree: the recording goes on until the last
 * of it has exited.  The kernel side's follow map holds exactly the live
 * processes of the tree (a fork adds the child, an exit removes it), so it
 * is the answer even when the ring buffer lost fork or exit events.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* How often the follow map is read while waiting: quick enough that a tree
 * ending is not kept waiting, cheap for a tree of hundreds. */
#define LOOK_EVERY_NS 50000000ull
/* The kernel side removes an exiting process from the map just before it
 * hands over the exit event: one more short drain catches it. */
#define SETTLE_NS 20000000ull

int rec_cmd_find(const char *name, const char *search_path, char *buf, size_t len)
{
	const char *p, *end;
	struct stat st;

	if (strchr(name, '/')) {
		if ((size_t)snprintf(buf, len, "%s", name) >= len)
			return -ENAMETOOLONG;
		return 0;
	}
	if (!search_path || !*search_path)
		search_path = "/usr/local/bin:/usr/bin:/bin";
	for (p = search_path;; p = end + 1) {
		size_t n;

		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		n = (size_t)(end - p);
		/* an empty entry is the working directory, as for execvp() */
		if (snprintf(buf, len, "%.*s%s%s", (int)n, p, n ? "/" : "", name) < (int)len &&
		    !stat(buf, &st) && S_ISREG(st.st_mode) && !access(buf, X_OK))
			return 0;
		if (!*end)
			break;
	}
	return -ENOENT;
}

pid_t rec_cmd_spawn_held(const char *prog, char *const *argv, bool stdout_to_stderr, int *ret_gate,
			 int *ret_exec_err)
{
	int gate[2], report[2];
	pid_t pid;

	if (pipe2(gate, O_CLOEXEC))
		return -1;
	if (pipe2(report, O_CLOEXEC)) {
		close(gate[0]);
		close(gate[1]);
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		close(gate[0]);
		close(gate[1]);
		close(report[0]);
		close(report[1]);
		return -1;
	}
	if (pid == 0) {
		sigset_t none;
		char go;
		int e;

		close(gate[1]);
		close(report[0]);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (read(gate[0], &go, 1) != 1)
			_exit(127); /* the session gave up before starting */
		close(gate[0]);
		/* the trace owns stdout; CMD's output goes aside */
		if (stdout_to_stderr)
			dup2(STDERR_FILENO, STDOUT_FILENO);
		execv(prog, argv);
		/* the reason, for the session to tell (it closes on exec) */
		e = errno;
		if (write(report[1], &e, sizeof(e)) != sizeof(e))
			e = errno;
		_exit(e == ENOENT ? 127 : 126);
	}
	close(gate[0]);
	close(report[1]);
	/* read once CMD has exited: never blocks then */
	*ret_gate = gate[1];
	*ret_exec_err = report[0];
	return pid;
}

int rec_cmd_exec_error(int fd)
{
	int e = 0;
	ssize_t n;

	do
		n = read(fd, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(e) && e > 0 ? -e : 0;
}

bool rec_wait_done(struct rec_wait *w, struct recorder *r, uint64_t now)
{
	int n;

	if (now < w->next_look)
		return false;
	if (w->settling)
		return true;
	n = recorder__followed_list(r, w->pids, REC_WAIT_SHOWN);
	if (n < 0)
		return true; /* the map cannot be read: nothing to wait on */
	w->alive = n;
	if (n == 0) {
		w->settling = true;
		w->next_look = now + SETTLE_NS;
		return false;
	}
	w->next_look = now + LOOK_EVERY_NS;
	return false;
}

static void comm_of(pid_t pid, char *buf, size_t len)
{
	char path[40];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, buf, len - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n <= 0) {
		snprintf(buf, len, "?");
		return;
	}
	if (buf[n - 1] == '\n')
		n--;
	buf[n] = 0;
	for (ssize_t i = 0; i < n; i++)
		if ((unsigned char)buf[i] < ' ' || (unsigned char)buf[i] >= 0x7f)
			buf[i] = '?';
}

void rec_wait_describe(const struct rec_wait *w, char *buf, size_t len)
{
	int shown = w->alive < REC_WAIT_SHOWN ? w->alive : REC_WAIT_SHOWN;
	size_t o = 0;

	if (!len)
		return;
	buf[0] = 0;
	for (int i = 0; i < shown && o < len; i++) {
		char comm[32];

		comm_of(w->pids[i], comm, sizeof(comm));
		o += (size_t)snprintf(buf + o, len - o, "%s%s (%d)", i ? ", " : "", comm,
				      (int)w->pids[i]);
	}
	if (w->alive > shown && o < len)
		snprintf(buf + o, len - o, " and %d more", w->alive - shown);
}
