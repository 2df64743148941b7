/* SPDX-License-Identifier: MIT */
/*
 * The running kernel's lists: tracefs for tracepoints and traceable
 * functions, the kprobe blacklist, /proc/kallsyms and the BTF file. Each
 * is read once and kept; names point into the file's buffer, cut in place.
 */
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
#include "common/opts.h"
#include "live.h"

#define NAME_MAX_LEN 512u /* longer is no name anyone attaches to */

struct live_list {
	char *buf; /* the file, cut into names */
	const char **v;
	size_t n;
	int err;
	bool done;
};

struct live_kernel {
	struct live_opts o;
	char *tracefs; /* found mount, or NULL */
	int tracefs_err;
	bool tracefs_done;
	char *filter_path;
	char events_path[PATH_MAX], folder_path[PATH_MAX]; /* tracepoints' sources */
	struct live_list filter, black;
	struct live_ksym *ksyms;
	size_t nr_ksyms;
	char *ksyms_buf;
	int ksyms_err;
	bool ksyms_done;
};

int live_read_file(const char *path, size_t max, char **ret_buf, size_t *ret_len)
{
	size_t len = 0, cap = 64 << 10;
	char *buf = NULL;
	struct stat st;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* sysfs gives BTF's real size: one read, no regrowing. procfs and
	 * tracefs say 0, and are read until EOF. */
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0 && (uint64_t)st.st_size < max)
		cap = (size_t)st.st_size + 2; /* room to see EOF without regrowing */
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap || !buf) {
			char *nb;

			if (buf)
				cap *= 2;
			if (cap > max + 1)
				cap = max + 1;
			if (len + 1 >= cap) {
				err = -EFBIG;
				break;
			}
			nb = realloc(buf, cap);
			if (!nb) {
				err = -ENOMEM;
				break;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (err) {
		free(buf);
		return err;
	}
	buf[len] = '\0';
	*ret_buf = buf;
	*ret_len = len;
	return 0;
}

struct live_kernel *live_kernel__new(const struct live_opts *opts)
{
	struct live_kernel *k;

	if (!EC_OPTS_VALID(opts, struct live_opts)) {
		errno = EINVAL;
		return NULL;
	}
	k = calloc(1, sizeof(*k));
	if (!k) {
		errno = ENOMEM;
		return NULL;
	}
	/* an older caller's smaller struct reads as defaults past its end */
	k->o = (struct live_opts){
	    .sz = sizeof(k->o),
	    .tracefs = EC_OPTS_GET(opts, tracefs, NULL),
	    .btf_path = EC_OPTS_GET(opts, btf_path, NULL),
	    .filter_functions = EC_OPTS_GET(opts, filter_functions, NULL),
	    .kallsyms = EC_OPTS_GET(opts, kallsyms, NULL),
	    .kprobe_blacklist = EC_OPTS_GET(opts, kprobe_blacklist, NULL),
	};
	return k;
}

static void list_free(struct live_list *l)
{
	free(l->buf);
	free(l->v);
}

void live_kernel__free(struct live_kernel *k)
{
	if (!k)
		return;
	free(k->tracefs);
	free(k->filter_path);
	list_free(&k->filter);
	list_free(&k->black);
	free(k->ksyms);
	free(k->ksyms_buf);
	free(k);
}

static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* tracefs is at /sys/kernel/tracing since 4.1, and under debugfs before;
 * an administrator may have mounted it anywhere else. */
static int find_tracefs(struct live_kernel *k)
{
	static const char *const usual[] = {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"};
	const char *found = NULL;
	char path[PATH_MAX];
	FILE *f;

	if (k->tracefs_done)
		return k->tracefs_err;
	k->tracefs_done = true;
	if (k->o.tracefs) {
		snprintf(path, sizeof(path), "%s/events", k->o.tracefs);
		if (is_dir(path))
			found = k->o.tracefs;
		else
			k->tracefs_err = access(k->o.tracefs, R_OK) ? -errno : -ENOENT;
	}
	for (size_t i = 0; !k->o.tracefs && !found && i < ARRAY_SIZE(usual); i++) {
		snprintf(path, sizeof(path), "%s/events", usual[i]);
		if (is_dir(path))
			found = usual[i];
		else if (errno == EACCES)
			k->tracefs_err = -EACCES; /* mounted, but not for us */
	}
	f = k->o.tracefs || found ? NULL : fopen("/proc/self/mounts", "re");
	if (f) {
		char line[4096], dir[2048], type[64];

		while (!found && fgets(line, sizeof(line), f)) {
			if (sscanf(line, "%*s %2047s %63s", dir, type) == 2 &&
			    !strcmp(type, "tracefs")) {
				snprintf(path, sizeof(path), "%s/events", dir);
				if (is_dir(path))
					found = dir;
			}
		}
		fclose(f);
	}
	if (found) {
		k->tracefs = strdup(found);
		k->tracefs_err = k->tracefs ? 0 : -ENOMEM;
	} else if (!k->tracefs_err) {
		k->tracefs_err = -ENOENT;
	}
	return k->tracefs_err;
}

/* @rel under the tracefs mount; 0 or -errno (not mounted). */
static int tracefs_path(struct live_kernel *k, const char *rel, char *buf, size_t size)
{
	int err = find_tracefs(k);

	if (err)
		return err;
	snprintf(buf, size, "%s/%s", k->tracefs, rel);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Tracepoints                                                         */
/* ------------------------------------------------------------------ */

static bool valid_event_part(const char *s, size_t n)
{
	if (!n || (n == 2 && !memcmp(s, "..", 2)) || (n == 1 && *s == '.'))
		return false;
	return !memchr(s, '/', n) && !memchr(s, ':', n);
}

/* The events/ folders, for a tracefs whose available_events cannot be
 * read: events without an "enable" file (ftrace's own) are not tracepoints
 * one can attach to, and available_events leaves them out too. */
static int walk_events(const char *dir, live_name_fn fn, void *ctx)
{
	DIR *d = opendir(dir);
	struct dirent *sys;
	int err = 0;

	if (!d)
		return -errno;
	while (!err && (sys = readdir(d))) {
		char path[PATH_MAX];
		struct dirent *ev;
		DIR *e;

		if (sys->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, sys->d_name) >= sizeof(path))
			continue;
		e = opendir(path);
		if (!e)
			continue;
		while (!err && (ev = readdir(e))) {
			char name[NAME_MAX_LEN + 2], en[PATH_MAX];
			int n;

			if (ev->d_name[0] == '.')
				continue;
			if ((size_t)snprintf(en, sizeof(en), "%s/%s/enable", path, ev->d_name) >=
				sizeof(en) ||
			    access(en, F_OK))
				continue;
			n = snprintf(name, sizeof(name), "%s:%s", sys->d_name, ev->d_name);
			if (n > 0 && (size_t)n < sizeof(name))
				err = fn(ctx, name, (size_t)n);
		}
		closedir(e);
	}
	closedir(d);
	return err;
}

int live_kernel__tracepoints(struct live_kernel *k, live_name_fn fn, void *ctx,
			     struct live_source *ret_src)
{
	char *events_path = k->events_path, *folder_path = k->folder_path;
	char *buf, *p, *eol;
	size_t len;
	int err;

	memset(ret_src, 0, sizeof(*ret_src));
	err = tracefs_path(k, "available_events", events_path, PATH_MAX);
	if (err) {
		ret_src->path = "/sys/kernel/tracing";
		return err;
	}
	ret_src->path = events_path;
	err = live_read_file(events_path, LIVE_BIG_FILE_MAX, &buf, &len);
	if (err) {
		ret_src->fallback_err = err;
		ret_src->fallback_path = events_path;
		snprintf(folder_path, PATH_MAX, "%s/events", k->tracefs);
		ret_src->path = folder_path;
		return walk_events(folder_path, fn, ctx);
	}
	for (p = buf; p < buf + len && !err; p = eol + 1) {
		char *colon;

		eol = memchr(p, '\n', (size_t)(buf + len - p));
		if (!eol)
			eol = buf + len;
		colon = memchr(p, ':', (size_t)(eol - p));
		if (colon && valid_event_part(p, (size_t)(colon - p)) &&
		    valid_event_part(colon + 1, (size_t)(eol - colon - 1)))
			err = fn(ctx, p, (size_t)(eol - p));
	}
	free(buf);
	return err;
}

int live_kernel__tp_format(struct live_kernel *k, const char *name, char **ret_text,
			   size_t *ret_len)
{
	const char *colon = strchr(name, ':');
	char rel[NAME_MAX_LEN + 32], path[PATH_MAX];
	int err;

	if (!colon || !valid_event_part(name, (size_t)(colon - name)) ||
	    !valid_event_part(colon + 1, strlen(colon + 1)))
		return -EINVAL;
	snprintf(rel, sizeof(rel), "events/%.*s/%s/format", (int)(colon - name), name, colon + 1);
	err = tracefs_path(k, rel, path, sizeof(path));
	if (err)
		return err;
	return live_read_file(path, LIVE_SMALL_FILE_MAX, ret_text, ret_len);
}

int live_kernel__has_pmu(struct live_kernel *k, const char *pmu, const char *events)
{
	char path[512];

	snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/type", pmu);
	if (!access(path, F_OK))
		return 1;
	if (tracefs_path(k, events, path, sizeof(path)) == 0 && !access(path, F_OK))
		return 1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Traceable functions                                                 */
/* ------------------------------------------------------------------ */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

bool live_sorted_has(const char *const *v, size_t n, const char *name)
{
	return n && bsearch(&name, v, n, sizeof(*v), cmp_str);
}

/*
 * A file of one name per line, the name where @field says ("name [mod]"
 * at 0, "ADDR-ADDR\tname [mod]" after the tab at 1), cut in place and
 * sorted. @skip: a placeholder name to leave out.
 */
static int read_names(struct live_list *l, const char *path, bool after_tab, const char *skip)
{
	char *p, *eol;
	size_t len;

	l->done = true;
	l->err = live_read_file(path, LIVE_BIG_FILE_MAX, &l->buf, &len);
	if (l->err)
		return l->err;
	/* each line is at least "x\n" */
	l->v = malloc((len / 2 + 1) * sizeof(*l->v));
	if (!l->v)
		return l->err = -ENOMEM;
	for (p = l->buf; p < l->buf + len; p = eol + 1) {
		char *name = p;
		size_t nl;

		eol = memchr(p, '\n', (size_t)(l->buf + len - p));
		if (!eol)
			eol = l->buf + len;
		if (after_tab) {
			name = memchr(p, '\t', (size_t)(eol - p));
			if (!name)
				continue;
			name++;
		}
		nl = strcspn(name, " \t\n");
		if (nl > (size_t)(eol - name))
			nl = (size_t)(eol - name);
		if (!nl || (skip && !strncmp(name, skip, strlen(skip))))
			continue;
		name[nl] = '\0';
		l->v[l->n++] = name;
	}
	qsort(l->v, l->n, sizeof(*l->v), cmp_str);
	return 0;
}

/* available_filter_functions: "name" or "name [module]" per line. */
int live_kernel__filter_funcs(struct live_kernel *k, const char *const **ret_names, size_t *ret_cnt,
			      const char **ret_path)
{
	char path[PATH_MAX];

	if (!k->filter_path) {
		if (k->o.filter_functions)
			snprintf(path, sizeof(path), "%s", k->o.filter_functions);
		else if (tracefs_path(k, "available_filter_functions", path, sizeof(path)))
			snprintf(path, sizeof(path),
				 "/sys/kernel/tracing/available_filter_functions");
		k->filter_path = strdup(path);
		if (!k->filter_path)
			return -ENOMEM;
	}
	if (ret_path)
		*ret_path = k->filter_path;
	/* ftrace's placeholders for functions whose address it lost */
	if (!k->filter.done)
		read_names(&k->filter, k->filter_path, false, "__ftrace_invalid_address__");
	if (k->filter.err)
		return k->filter.err;
	*ret_names = k->filter.v;
	*ret_cnt = k->filter.n;
	return 0;
}

/* The kprobe blacklist (debugfs): names kprobes refuse. Used to thin a
 * fallback list; unreadable (debugfs not mounted) is fine. */
void live_kernel__blacklist(struct live_kernel *k, const char *const **ret_names, size_t *ret_cnt)
{
	const char *path =
	    k->o.kprobe_blacklist ? k->o.kprobe_blacklist : "/sys/kernel/debug/kprobes/blacklist";

	if (!k->black.done)
		read_names(&k->black, path, true, NULL);
	*ret_names = k->black.err ? NULL : k->black.v;
	*ret_cnt = k->black.err ? 0 : k->black.n;
}

const char *live_kernel__kallsyms_path(const struct live_kernel *k)
{
	return k->o.kallsyms ? k->o.kallsyms : "/proc/kallsyms";
}

int live_kernel__ksyms(struct live_kernel *k, const struct live_ksym **ret_syms, size_t *ret_cnt)
{
	char *buf, *p, *eol;
	size_t len, n = 0;

	if (!k->ksyms_done) {
		k->ksyms_done = true;
		k->ksyms_err =
		    live_read_file(live_kernel__kallsyms_path(k), LIVE_BIG_FILE_MAX, &buf, &len);
		if (k->ksyms_err)
			return k->ksyms_err;
		k->ksyms_buf = buf;
		/* each line is at least "0 t x\n" */
		k->ksyms = malloc((len / 6 + 1) * sizeof(*k->ksyms));
		if (!k->ksyms)
			return k->ksyms_err = -ENOMEM;
		for (p = buf; p < buf + len; p = eol + 1) {
			char *sp1, *name;
			size_t nl;

			eol = memchr(p, '\n', (size_t)(buf + len - p));
			if (!eol)
				eol = buf + len;
			sp1 = memchr(p, ' ', (size_t)(eol - p));
			if (!sp1 || eol - sp1 < 4 || sp1[2] != ' ')
				continue;
			name = sp1 + 3;
			nl = strcspn(name, " \t\n");
			if (nl > (size_t)(eol - name))
				nl = (size_t)(eol - name);
			if (!nl)
				continue;
			name[nl] = '\0';
			k->ksyms[n].type = sp1[1];
			k->ksyms[n].name = name;
			n++;
		}
		k->nr_ksyms = n;
	}
	if (k->ksyms_err)
		return k->ksyms_err;
	*ret_syms = k->ksyms;
	*ret_cnt = k->nr_ksyms;
	return 0;
}

const char *live_kernel__btf_path(const struct live_kernel *k)
{
	return k->o.btf_path ? k->o.btf_path : "/sys/kernel/btf/vmlinux";
}

int live_kernel__btf(struct live_kernel *k, char **ret_data, size_t *ret_size)
{
	return live_read_file(live_kernel__btf_path(k), LIVE_BIG_FILE_MAX, ret_data, ret_size);
}
