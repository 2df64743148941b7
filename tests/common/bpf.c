/* SPDX-License-Identifier: MIT */
/* Whether the suites that record can (bpf.h). */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bpf.h"

bool test_bpf__required(void)
{
	const char *req = getenv("EXECREC_REQUIRE_BPF");

	return req && !strcmp(req, "1");
}

/* The first line of what @fd says, at most @len - 1 bytes, into @buf; the
 * rest is read and dropped, so that the writer never waits on a full pipe. */
static void first_line(int fd, char *buf, size_t len)
{
	char drop[4096];
	size_t n = 0;
	ssize_t got;

	for (;;) {
		bool room = n + 1 < len;

		got = room ? read(fd, buf + n, len - 1 - n) : read(fd, drop, sizeof(drop));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		if (room)
			n += (size_t)got;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

bool test_bpf__works(const char *execrec, const char *dir, char *why, size_t len)
{
	char path[PATH_MAX];
	char *argv[] = {(char *)execrec, "record", "-q", "-o", path, "--", "/bin/true", NULL};
	int pipefd[2], status;
	pid_t pid;

	if (geteuid() != 0) {
		snprintf(why, len, "not root");
		return false;
	}
	/* a fresh machine may not have tracefs mounted yet */
	if (access("/sys/kernel/tracing/events", F_OK) &&
	    access("/sys/kernel/debug/tracing/events", F_OK))
		mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL);
	snprintf(path, sizeof(path), "%s/probe.etr", dir);
	if (pipe(pipefd)) {
		snprintf(why, len, "pipe: %s", strerror(errno));
		return false;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(why, len, "fork: %s", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		return false;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0)
			dup2(null, STDOUT_FILENO);
		dup2(pipefd[1], STDERR_FILENO);
		close(pipefd[0]);
		execv(execrec, argv);
		fprintf(stderr, "cannot run %s: %s\n", execrec, strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	/* what it said, before waiting: a full pipe would stall it */
	first_line(pipefd[0], why, len);
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			snprintf(why, len, "waitpid: %s", strerror(errno));
			return false;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return true;
	if (why[0])
		return false;
	if (WIFEXITED(status))
		snprintf(why, len, "execrec record exited with %d", WEXITSTATUS(status));
	else
		snprintf(why, len, "execrec record was killed by signal %d", WTERMSIG(status));
	return false;
}

void test_bpf__missing(void)
{
	CU_FAIL("BPF is not available, and EXECREC_REQUIRE_BPF=1 says it must be");
}
