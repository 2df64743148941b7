/* SPDX-License-Identifier: MIT */
/* Running a program from a test and reading what it wrote (run.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"

/* In the child: @fd onto @path, or the child gives up. */
static void redirect(int fd, const char *path)
{
	int f = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (f < 0 || dup2(f, fd) < 0)
		_exit(127);
}

pid_t test_run__start(char *const argv[], const char *dir, const char *out, const char *err)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	redirect(STDOUT_FILENO, out ? out : "/dev/null");
	if (err)
		redirect(STDERR_FILENO, err);
	if (dir && chdir(dir))
		_exit(127);
	execvp(argv[0], argv);
	_exit(127);
}

int test_run__wait(pid_t pid)
{
	int st;

	if (pid < 0)
		return -1;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int test_run(char *const argv[], const char *dir, const char *out, const char *err)
{
	return test_run__wait(test_run__start(argv, dir, out, err));
}

void test_slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;

	if (!size)
		return;
	buf[0] = '\0';
	if (fd < 0)
		return;
	while (len < size - 1) {
		ssize_t n = read(fd, buf + len, size - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
}

char *test_slurp_all(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	do {
		if (len + 65536 + 1 > cap) {
			char *nb = realloc(buf, cap = (cap + 65536) * 2);

			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, 65536, f);
		len += n;
	} while (n);
	fclose(f);
	buf[len] = '\0';
	*ret_len = len;
	return buf;
}

int test_rm_rf(const char *dir)
{
	char *const argv[] = {"rm", "-rf", "--", (char *)dir, NULL};

	if (test_run(argv, NULL, NULL, NULL) == 0)
		return 0;
	fprintf(stderr, "cannot remove %s\n", dir);
	return -1;
}
