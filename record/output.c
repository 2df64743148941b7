// SPDX-License-Identifier: MIT
/*
 * The trace's file: made so that no one else can read what it will hold
 * (argv and environments may carry secrets), never written through a link
 * someone planted, and moved, once finished, from where it could be
 * written early (a boot trace in /run) to where it is kept, without a
 * moment in which the kept name holds half a file.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "session.h"

int rec_output__open(const char *path, bool force, bool *ret_created, int *ret_mode_err)
{
	int fd, flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	struct stat st;

	*ret_created = false;
	*ret_mode_err = 0;
	fd = open(path, flags, 0600);
	if (fd >= 0) {
		*ret_created = true;
		return fd;
	}
	if (errno != EEXIST || !force)
		return -errno;
	/* --force over an existing file: not ours to remove later */
	fd = open(path, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* it keeps its mode through O_TRUNC: make it ours.  A file that is
	 * not ours to chmod is written all the same. */
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && (st.st_mode & 07777) != 0600 &&
	    fchmod(fd, 0600))
		*ret_mode_err = -errno;
	return fd;
}

/* The directory part of @path into @buf ("." for none). */
static int dir_of(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 1;

	if (slash == path)
		n = 1;
	if (n >= len)
		return -ENAMETOOLONG;
	memcpy(buf, slash ? path : ".", n);
	buf[n] = 0;
	return 0;
}

/* mkdir -p @dir (each directory made mode 0750); @dir is changed on the
 * way and restored. */
static int make_dirs(char *dir)
{
	char *slash;
	int err;

	if (!mkdir(dir, 0750) || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return -errno;
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return -ENOENT;
	*slash = 0;
	err = make_dirs(dir);
	*slash = '/';
	if (err)
		return err;
	return mkdir(dir, 0750) && errno != EEXIST ? -errno : 0;
}

static int copy_fd(int in, int out)
{
	char buf[1 << 16];

	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf)), off = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		while (off < n) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return -errno;
			off += w;
		}
	}
}

/* @from to a hidden file beside @to, synced, then renamed over @to. */
static int copy_then_rename(const char *from, const char *to, const char *dir)
{
	const char *base = strrchr(to, '/') ? strrchr(to, '/') + 1 : to;
	char tmp[PATH_MAX];
	int in, out, err;

	if (snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, base) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	in = open(from, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		return -errno;
	unlink(tmp); /* a leftover of an earlier try */
	out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0) {
		err = -errno;
		close(in);
		return err;
	}
	err = copy_fd(in, out);
	if (!err && fsync(out))
		err = -errno;
	if (close(out) && !err)
		err = -errno;
	close(in);
	if (!err && rename(tmp, to))
		err = -errno;
	if (err) {
		unlink(tmp);
		return err;
	}
	return unlink(from) ? -errno : 0;
}

int rec_output__move(const char *from, const char *to, bool force)
{
	char dir[PATH_MAX];
	struct stat st;
	int err;

	if (!from || !to || !*to)
		return -EINVAL;
	err = dir_of(to, dir, sizeof(dir));
	if (err)
		return err;
	err = make_dirs(dir);
	if (err)
		return err;
	if (!force && !lstat(to, &st))
		return -EEXIST;
	if (!rename(from, to))
		return 0;
	if (errno != EXDEV)
		return -errno;
	return copy_then_rename(from, to, dir);
}
