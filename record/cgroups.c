// SPDX-License-Identifier: MIT
/*
 * The cgroup map of a recording (SPEC.md, CGROUP chunk): every directory of
 * the cgroup v2 hierarchy when the recording starts, then each one the
 * cgroup:cgroup_mkdir/rmdir programs report.  The id events carry is the
 * directory's inode number (the kernfs node id), so a stat() names it.
 *
 * The walk runs after the programs are attached, so a cgroup made during it
 * is reported twice (walk and mkdir); readers keep the first.  One removed
 * during the walk may be missed by the walk, but its rmdir is recorded.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "execrec.h"
#include "common/macros.h"
#include "internal.h"
#include "redact.h"

/* Deeper than any hierarchy systemd or a container runtime builds; a bound
 * on the open directories. */
#define WALK_DEPTH 32

/* @c written, its path through @rd's rules first (record --redact: a
 * directory may be named after what runs in it). */
static int write_cgroup(struct etr_writer *w, struct redactor *rd, struct etr_cgroup *c)
{
	int err;

	if (rd && (err = redactor__str(rd, c->path.ptr, c->path.len, &c->path)) < 0)
		return err;
	err = etr_writer__write_cgroup(w, c);
	if (rd)
		redactor__reset(rd);
	return err;
}

static int walk_dir(struct etr_writer *w, struct redactor *rd, int dfd, char *path, size_t len,
		    int depth)
{
	struct etr_cgroup c = {.op = ETR_CGROUP_PRESENT};
	struct stat st;
	struct dirent *de;
	DIR *d;
	int err = 0;

	if (fstat(dfd, &st)) {
		close(dfd);
		return 0;
	}
	c.ts_ns = rec_now(CLOCK_BOOTTIME);
	c.id = st.st_ino;
	c.path.ptr = len ? path : "/";
	c.path.len = len ? (uint32_t)len : 1;
	err = write_cgroup(w, rd, &c);
	if (err || depth >= WALK_DEPTH) {
		close(dfd);
		return err;
	}
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return 0;
	}
	while (!err && (de = readdir(d))) {
		size_t n = strlen(de->d_name);
		int sub;

		if (de->d_type != DT_DIR || de->d_name[0] == '.' || len + 1 + n >= PATH_MAX)
			continue;
		sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (sub < 0)
			continue; /* removed meanwhile */
		path[len] = '/';
		memcpy(path + len + 1, de->d_name, n + 1);
		err = walk_dir(w, rd, sub, path, len + 1 + n, depth + 1);
		path[len] = '\0';
	}
	closedir(d);
	return err;
}

int rec_cgroup_walk(struct etr_writer *w, struct redactor *rd)
{
	static const char *const roots[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"};
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(roots); i++) {
		char probe[64];
		int fd;

		snprintf(probe, sizeof(probe), "%s/cgroup.controllers", roots[i]);
		if (access(probe, F_OK))
			continue;
		fd = open(roots[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			continue;
		path[0] = '\0';
		return walk_dir(w, rd, fd, path, 0, 0);
	}
	return 0; /* no cgroup v2: nothing to name */
}

int rec_cgroup_sample(struct etr_writer *w, struct redactor *rd, const void *data, size_t size)
{
	const struct er_cgroup *e = data;
	struct etr_cgroup c = {0};

	if (size < sizeof(*e) || e->path_len >= sizeof(e->path) || !e->path_len)
		return 0;
	c.ts_ns = e->h.ts_ns;
	c.op = e->h.flags == ER_CG_RMDIR ? ETR_CGROUP_REMOVED : ETR_CGROUP_CREATED;
	c.id = e->id;
	c.path.ptr = e->path;
	c.path.len = e->path_len;
	return write_cgroup(w, rd, &c);
}
