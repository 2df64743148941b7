/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/macros.h"
#include "outfile.h"

/* The temporary file an interrupt must not leave behind (one at a time:
 * a subcommand writes one output). */
static char *volatile pending_tmp;

static void on_signal(int sig)
{
	char *tmp = pending_tmp;

	if (tmp)
		unlink(tmp);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void watch_signals(char *tmp)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa = {.sa_handler = on_signal};
	size_t i;

	pending_tmp = tmp;
	for (i = 0; i < ARRAY_SIZE(sigs); i++) {
		struct sigaction old;

		/* leave a handler someone else installed alone */
		if (!sigaction(sigs[i], NULL, &old) && old.sa_handler == SIG_DFL)
			sigaction(sigs[i], &sa, NULL);
	}
}

/* One line for a path that breaks a rule; @e is the positive errno. */
static int refuse(const char *cmd, const char *path, int e)
{
	switch (e) {
	case ELOOP:
		fprintf(stderr, "execrec %s: %s is a symbolic link; refusing to write through it\n",
			cmd, path);
		break;
	case EEXIST:
		fprintf(stderr, "execrec %s: %s exists; use --force to overwrite it\n", cmd, path);
		break;
	case EBUSY:
		fprintf(stderr, "execrec %s: %s is the input file; write the output elsewhere\n",
			cmd, path);
		break;
	default:
		fprintf(stderr, "execrec %s: %s: %s\n", cmd, path, strerror(e));
	}
	return -e;
}

/* What the rules say about writing over @path as it is now: 0 when it
 * does not exist or may be replaced (*ret_st filled, *ret_exists set). */
static int check_target(const struct tool_out *o, const char *path, struct stat *ret_st,
			bool *ret_exists)
{
	*ret_exists = false;
	if (lstat(path, ret_st))
		return errno == ENOENT ? 0 : errno;
	*ret_exists = true;
	if (S_ISLNK(ret_st->st_mode))
		return ELOOP;
	/* the input under another name (hard link, ./x, a symlinked
	 * directory) is still the input: compare the files, not the names */
	if (o->have_input && ret_st->st_dev == o->in_dev && ret_st->st_ino == o->in_ino)
		return EBUSY;
	if (S_ISDIR(ret_st->st_mode))
		return EISDIR;
	if (S_ISREG(ret_st->st_mode) && !o->force)
		return EEXIST;
	return 0;
}

/* "DIR/.BASE.tmpXXXXXX" next to @path, so the rename stays on one file
 * system and a leftover is a hidden file. */
static char *tmp_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	int dirlen = slash ? (int)(slash - path + 1) : 0;
	char *tmp;

	/* keep the name within NAME_MAX whatever the base's length */
	if (asprintf(&tmp, "%.*s.%.200s.tmpXXXXXX", dirlen, path, base) < 0)
		return NULL;
	return tmp;
}

int tool_out__open(struct tool_out *o, const char *cmd, const char *path, const char *input,
		   bool force, bool binary)
{
	struct stat st;
	bool exists;
	mode_t mask;
	int fd, e;

	memset(o, 0, sizeof(*o));
	o->force = force;
	if (!path || !strcmp(path, "-")) {
		o->f = stdout;
		if (binary && isatty(STDOUT_FILENO)) {
			fprintf(stderr,
				"execrec %s: refusing to write binary output to a terminal; use "
				"-o FILE\n",
				cmd);
			return -ENOTTY;
		}
		return 0;
	}
	o->path = path;
	if (input && !(strcmp(input, "-") ? stat(input, &st) : fstat(STDIN_FILENO, &st))) {
		o->have_input = true;
		o->in_dev = st.st_dev;
		o->in_ino = st.st_ino;
	}
	e = check_target(o, path, &st, &exists);
	if (e)
		return refuse(cmd, path, e);
	if (exists && !S_ISREG(st.st_mode)) {
		/* /dev/null, a FIFO: nothing to replace, written in place */
		fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || !(o->f = fdopen(fd, "w"))) {
			e = errno;
			if (fd >= 0)
				close(fd);
			return refuse(cmd, path, e);
		}
		o->direct = true;
		return 0;
	}
	mask = umask(0);
	umask(mask);
	/* a replaced file keeps its mode; a new one gets what fopen gives */
	o->mode = exists ? st.st_mode & 07777 : 0666 & ~mask;
	o->tmp = tmp_name(path);
	if (!o->tmp)
		return refuse(cmd, path, ENOMEM);
	fd = mkostemp(o->tmp, O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		free(o->tmp);
		o->tmp = NULL;
		return refuse(cmd, path, e);
	}
	o->f = fdopen(fd, "w");
	if (!o->f) {
		e = errno;
		close(fd);
		unlink(o->tmp);
		free(o->tmp);
		o->tmp = NULL;
		return refuse(cmd, path, e);
	}
	watch_signals(o->tmp);
	return 0;
}

/* Into place under o->path: over nothing unless --force, and checked
 * again, as the path may have changed while the output was written. */
static int put_in_place(const struct tool_out *o)
{
	struct stat st;
	bool exists;
	int e = check_target(o, o->path, &st, &exists);

	if (e)
		return e;
	if (o->force)
		return rename(o->tmp, o->path) ? errno : 0;
	if (!renameat2(AT_FDCWD, o->tmp, AT_FDCWD, o->path, RENAME_NOREPLACE))
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return errno;
	/* a file system without RENAME_NOREPLACE: link() fails on an
	 * existing name just as well */
	if (link(o->tmp, o->path))
		return errno;
	unlink(o->tmp);
	return 0;
}

int tool_out__close(struct tool_out *o, const char *cmd, bool ok)
{
	int e = 0;

	if (!o->f)
		return 0;
	if (!o->path) {
		if (fflush(stdout) && errno != EPIPE && ok) {
			fprintf(stderr, "execrec %s: writing output: %s\n", cmd, strerror(errno));
			e = EIO;
		}
		o->f = NULL;
		return -e;
	}
	if (ok && (fflush(o->f) || (!o->direct && fsync(fileno(o->f)))))
		e = errno;
	if (!e && ok && !o->direct && fchmod(fileno(o->f), o->mode))
		e = errno;
	if (fclose(o->f) && !e)
		e = errno;
	o->f = NULL;
	if (o->tmp) {
		bool placed = ok && !e && !(e = put_in_place(o));

		pending_tmp = NULL;
		if (!placed)
			unlink(o->tmp);
		free(o->tmp);
		o->tmp = NULL;
	}
	if (ok && e)
		return refuse(cmd, o->path, e);
	return 0;
}
