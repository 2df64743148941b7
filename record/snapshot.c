// SPDX-License-Identifier: MIT
/*
 * The processes alive when a recording starts, read from /proc after the
 * BPF programs are attached: a process started after the walk began is in
 * the events, one that was already running is here, so every process of the
 * trace has a known parent chain.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/macros.h"
#include "internal.h"

/* One /proc/PID/cmdline is at most the kernel's argument limit; keep the
 * first MiB. */
#define CMDLINE_MAX (1u << 20)

struct pstat {
	pid_t ppid;
	char state;
	uint64_t start_ticks;
	char comm[17];
};

static int read_small(int dirfd, const char *name, char *buf, size_t size)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	size_t len = 0;

	if (fd < 0)
		return -errno;
	while (len + 1 < size) {
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = 0;
	return (int)len;
}

/* /proc/PID/stat: the comm is in parentheses and may hold anything, ')'
 * included, so fields are counted from the last ')'. */
static int parse_stat(int dirfd, struct pstat *ps)
{
	char buf[1024], *open_p, *close_p, *p;
	int field;
	size_t n;

	if (read_small(dirfd, "stat", buf, sizeof(buf)) <= 0)
		return -ENOENT;
	open_p = strchr(buf, '(');
	close_p = strrchr(buf, ')');
	if (!open_p || !close_p || close_p < open_p)
		return -EINVAL;
	n = close_p - open_p - 1;
	if (n > 16)
		n = 16;
	memcpy(ps->comm, open_p + 1, n);
	ps->comm[n] = 0;
	p = close_p + 2;
	ps->state = *p;
	/* fields after comm: 3 state, 4 ppid, ..., 22 starttime */
	for (field = 3; field < 22 && p; field++) {
		if (field == 4)
			ps->ppid = (pid_t)strtol(p, NULL, 10);
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (!p)
		return -EINVAL;
	ps->start_ticks = strtoull(p, NULL, 10);
	return 0;
}

static void parse_ids(int dirfd, uint32_t *uid, uint32_t *gid)
{
	char buf[4096], *p;

	*uid = *gid = 0;
	if (read_small(dirfd, "status", buf, sizeof(buf)) <= 0)
		return;
	p = strstr(buf, "\nUid:");
	if (p)
		*uid = strtoul(p + 5, NULL, 10);
	p = strstr(buf, "\nGid:");
	if (p)
		*gid = strtoul(p + 5, NULL, 10);
}

/* The cgroup v2 id is the inode number of the cgroup's directory. */
static uint64_t cgroup_id(int dirfd, const char *cgroot)
{
	char buf[4096], path[PATH_MAX + 64], *p, *nl;
	struct stat st;

	if (!cgroot || read_small(dirfd, "cgroup", buf, sizeof(buf)) <= 0)
		return 0;
	/* the v2 line, "0::/path", first or after a newline */
	if (!strncmp(buf, "0::", 3)) {
		p = buf + 3;
	} else {
		p = strstr(buf, "\n0::");
		if (!p)
			return 0;
		p += 4;
	}
	nl = strchr(p, '\n');
	if (nl)
		*nl = 0;
	snprintf(path, sizeof(path), "%s%s", cgroot, p);
	if (stat(path, &st))
		return 0;
	return st.st_ino;
}

/* Where the cgroup v2 hierarchy is mounted, if anywhere. */
static const char *cgroup2_root(void)
{
	static const char *const cands[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"};
	char buf[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cands); i++) {
		snprintf(buf, sizeof(buf), "%s/cgroup.controllers", cands[i]);
		if (!access(buf, F_OK))
			return cands[i];
	}
	return NULL;
}

static uint32_t read_link(int dirfd, const char *name, char *buf, size_t size)
{
	ssize_t n = readlinkat(dirfd, name, buf, size);

	if (n < 0)
		return 0;
	return (uint32_t)n;
}

static int cmp_start(const void *key, const void *elem)
{
	uint32_t pid = *(const uint32_t *)key;
	const struct rec_start *s = elem;

	return pid < s->pid ? -1 : pid > s->pid;
}

static int snap_one(struct etr_writer *w, pid_t pid, const char *cgroot, char *argbuf,
		    uint64_t ns_per_tick, const struct rec_start *starts, size_t nstarts,
		    struct redactor *rd)
{
	char dir[32], exe[PATH_MAX], cwd[PATH_MAX];
	struct etr_proc p = {0};
	struct pstat ps = {0};
	int dirfd, n, i, err;

	snprintf(dir, sizeof(dir), "/proc/%d", pid);
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return 0;
	/* kernel threads and zombies have no program to show, but they are
	 * parents (kthreadd) or still to be reaped: keep them all */
	if (parse_stat(dirfd, &ps)) {
		close(dirfd);
		return 0;
	}
	p.ts_ns = rec_now(CLOCK_BOOTTIME);
	p.pid = pid;
	p.ppid = ps.ppid;
	parse_ids(dirfd, &p.uid, &p.gid);
	/* /proc gives the start in clock ticks only; the iterator's exact
	 * value is what the events carry, so it is taken when there is one. */
	p.start_ns = ps.start_ticks * ns_per_tick;
	if (starts) {
		uint32_t key = pid;
		const struct rec_start *st =
		    bsearch(&key, starts, nstarts, sizeof(*starts), cmp_start);

		/* the same process, not a recycled pid: within a tick */
		if (st && st->start_ns + ns_per_tick > p.start_ns &&
		    st->start_ns < p.start_ns + 2 * ns_per_tick)
			p.start_ns = st->start_ns;
	}
	p.cgroup_id = cgroup_id(dirfd, cgroot);
	p.comm.ptr = ps.comm;
	p.comm.len = strlen(ps.comm);
	p.exe.ptr = exe;
	p.exe.len = read_link(dirfd, "exe", exe, sizeof(exe));
	p.cwd.ptr = cwd;
	p.cwd.len = read_link(dirfd, "cwd", cwd, sizeof(cwd));
	n = read_small(dirfd, "cmdline", argbuf, CMDLINE_MAX);
	close(dirfd);
	if (n < 0)
		n = 0;
	/* a process that rewrote its argv may have left no final NUL */
	if (n > 0 && argbuf[n - 1] != 0 && n < (int)CMDLINE_MAX)
		argbuf[n++] = 0;
	p.argv.ptr = argbuf;
	p.argv.len = n;
	for (i = 0; i < n; i++)
		p.argc += !argbuf[i];
	if (rd && (err = redactor__proc(rd, &p)) < 0)
		return err;
	err = etr_writer__write_proc(w, &p);
	return err;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return x < y ? -1 : x > y;
}

/* Every numeric entry of /proc, sorted. */
static int list_pids(pid_t **ret, size_t *ret_n)
{
	size_t n = 0, cap = 256;
	pid_t *v = malloc(cap * sizeof(*v));
	struct dirent *de;
	DIR *d;

	if (!v)
		return -ENOMEM;
	d = opendir("/proc");
	if (!d) {
		free(v);
		return -errno;
	}
	while ((de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if (n == cap) {
			pid_t *nv = realloc(v, 2 * cap * sizeof(*v));

			if (!nv) {
				closedir(d);
				free(v);
				return -ENOMEM;
			}
			v = nv;
			cap *= 2;
		}
		v[n++] = (pid_t)strtol(de->d_name, NULL, 10);
	}
	closedir(d);
	qsort(v, n, sizeof(*v), cmp_pid);
	*ret = v;
	*ret_n = n;
	return 0;
}

int rec_snapshot(struct etr_writer *w, const pid_t *pids, size_t n, const struct rec_start *starts,
		 size_t nstarts, struct redactor *rd)
{
	const char *cgroot = cgroup2_root();
	long hz = sysconf(_SC_CLK_TCK);
	pid_t *all = NULL;
	char *argbuf;
	size_t i;
	int err = 0;

	argbuf = malloc(CMDLINE_MAX);
	if (!argbuf)
		return -ENOMEM;
	if (!pids) {
		err = list_pids(&all, &n);
		if (err) {
			free(argbuf);
			return err;
		}
		pids = all;
	}
	for (i = 0; i < n && !err; i++)
		err = snap_one(w, pids[i], cgroot, argbuf, 1000000000ull / (hz > 0 ? hz : 100),
			       starts, nstarts, rd);
	free(all);
	free(argbuf);
	return err;
}

pid_t rec_tgid_of(pid_t tid)
{
	char path[64], buf[4096], *p;
	int dirfd;

	/* /proc/TID exists for threads too, though readdir does not list it */
	snprintf(path, sizeof(path), "/proc/%d", tid);
	dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return tid;
	if (read_small(dirfd, "status", buf, sizeof(buf)) > 0 && (p = strstr(buf, "\nTgid:")))
		tid = (pid_t)strtol(p + 6, NULL, 10);
	close(dirfd);
	return tid;
}

bool rec_pid_alive(pid_t pid)
{
	char dir[32];
	struct pstat ps = {0};
	int dirfd;
	bool alive;

	snprintf(dir, sizeof(dir), "/proc/%d", pid);
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return false;
	alive = !parse_stat(dirfd, &ps) && ps.state != 'Z' && ps.state != 'X';
	close(dirfd);
	return alive;
}

int rec_descendants(pid_t root, pid_t **ret_pids, size_t *ret_n)
{
	pid_t *all = NULL, *ppid = NULL, *out = NULL;
	size_t n = 0, i, nout = 0, scan;
	int err;

	err = list_pids(&all, &n);
	if (err)
		return err;
	ppid = calloc(n ? n : 1, sizeof(*ppid));
	out = malloc((n ? n : 1) * sizeof(*out));
	if (!ppid || !out) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		char dir[32];
		struct pstat ps = {0};
		int dirfd;

		snprintf(dir, sizeof(dir), "/proc/%d", all[i]);
		dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dirfd < 0)
			continue;
		if (!parse_stat(dirfd, &ps) && ps.state != 'Z')
			ppid[i] = ps.ppid;
		close(dirfd);
	}
	/* breadth first from root: children before grandchildren */
	for (i = 0; i < n; i++) {
		if (ppid[i] == root)
			out[nout++] = all[i];
	}
	for (scan = 0; scan < nout; scan++) {
		for (i = 0; i < n; i++) {
			if (ppid[i] == out[scan] && all[i] != root)
				out[nout++] = all[i];
		}
	}
out:
	free(all);
	free(ppid);
	if (err) {
		free(out);
		return err;
	}
	*ret_pids = out;
	*ret_n = nout;
	return 0;
}
