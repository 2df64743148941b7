/* SPDX-License-Identifier: MIT */
/*
 * fexec PROGRAM ARGS...: run PROGRAM through a file descriptor (fexecve),
 * so the kernel sees "/dev/fd/N" as the file name; for the tests of how
 * the analyzer names such a program.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: fexec PROGRAM ARGV0 ARGS...\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	fexecve(fd, argv + 2, environ);
	perror("fexecve");
	return 1;
}
