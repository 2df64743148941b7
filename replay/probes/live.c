/* SPDX-License-Identifier: MIT */
/*
 * The running kernel's probes: tracefs for tracepoints and traceable
 * functions, the kernel's BTF for functions and raw tracepoints, and
 * /proc/kallsyms when nothing better is readable.
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

#include "internal.h"

static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* tracefs is at /sys/kernel/tracing since 4.1, and under debugfs before;
 * an administrator may have mounted it anywhere else. */
static int find_tracefs(struct probe_src *src)
{
	static const char *const usual[] = {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"};
	char path[PATH_MAX];
	FILE *f;

	if (src->tracefs_done)
		return src->tracefs_err;
	src->tracefs_done = true;
	if (src->o.tracefs) {
		snprintf(path, sizeof(path), "%s/events", src->o.tracefs);
		if (is_dir(path))
			src->tracefs = src->o.tracefs;
		else
			src->tracefs_err = access(src->o.tracefs, R_OK) ? -errno : -ENOENT;
		return src->tracefs_err;
	}
	for (size_t i = 0; i < sizeof(usual) / sizeof(usual[0]); i++) {
		snprintf(path, sizeof(path), "%s/events", usual[i]);
		if (is_dir(path)) {
			src->tracefs = usual[i];
			return 0;
		}
		if (errno == EACCES) {
			/* mounted, but not for us */
			src->tracefs_err = -EACCES;
			src->tracefs = NULL;
		}
	}
	f = fopen("/proc/self/mounts", "re");
	if (f) {
		char line[4096], dir[2048], type[64];

		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "%*s %2047s %63s", dir, type) == 2 &&
			    !strcmp(type, "tracefs")) {
				snprintf(path, sizeof(path), "%s/events", dir);
				if (is_dir(path)) {
					src->tracefs = probe_arena_strdup(&src->strs, dir);
					break;
				}
			}
		}
		fclose(f);
	}
	if (src->tracefs)
		src->tracefs_err = 0;
	else if (!src->tracefs_err)
		src->tracefs_err = -ENOENT;
	return src->tracefs_err;
}

int probe_tracefs_path(struct probe_src *src, const char *rel, char *buf, size_t size)
{
	int err = find_tracefs(src);

	if (err)
		return err;
	snprintf(buf, size, "%s/%s", src->tracefs, rel);
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
static int walk_events(struct probe_src *src, const char *dir)
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
			char name[PROBES_NAME_MAX + 2], en[PATH_MAX];
			int n;

			if (ev->d_name[0] == '.')
				continue;
			if ((size_t)snprintf(en, sizeof(en), "%s/%s/enable", path, ev->d_name) >=
				sizeof(en) ||
			    access(en, F_OK))
				continue;
			n = snprintf(name, sizeof(name), "%s:%s", sys->d_name, ev->d_name);
			if (n > 0 && (size_t)n < sizeof(name))
				err = probe_plist_add(src, PROBE_TRACEPOINT, name, (size_t)n, 0, 0);
		}
		closedir(e);
	}
	closedir(d);
	return err;
}

static int load_tracepoints(struct probe_src *src)
{
	struct probe_status *st = &src->lists[PROBE_TRACEPOINT].st;
	char path[PATH_MAX], *buf, *p, *eol;
	size_t len;
	int err;

	st->origin = PROBE_ORIGIN_TRACEFS;
	err = probe_tracefs_path(src, "available_events", path, sizeof(path));
	if (err) {
		st->path = "/sys/kernel/tracing";
		return err;
	}
	st->path = probe_arena_strdup(&src->strs, path);
	err = probe_read_file(path, PROBES_BIG_FILE_MAX, &buf, &len);
	if (err) {
		st->fallback_err = err;
		st->fallback_path = st->path;
		snprintf(path, sizeof(path), "%s/events", src->tracefs);
		st->path = probe_arena_strdup(&src->strs, path);
		return walk_events(src, path);
	}
	for (p = buf; p < buf + len && !err; p = eol + 1) {
		char *colon;

		eol = memchr(p, '\n', (size_t)(buf + len - p));
		if (!eol)
			eol = buf + len;
		colon = memchr(p, ':', (size_t)(eol - p));
		if (colon && valid_event_part(p, (size_t)(colon - p)) &&
		    valid_event_part(colon + 1, (size_t)(eol - colon - 1)))
			err = probe_plist_add(src, PROBE_TRACEPOINT, p, (size_t)(eol - p), 0, 0);
	}
	free(buf);
	return err;
}

int probe_live_tp_format(struct probe_src *src, const char *name, char **ret_text, size_t *ret_len)
{
	const char *colon = strchr(name, ':');
	char rel[PROBES_NAME_MAX + 32], path[PATH_MAX];
	int err;

	if (!colon || !valid_event_part(name, (size_t)(colon - name)) ||
	    !valid_event_part(colon + 1, strlen(colon + 1)))
		return -EINVAL;
	snprintf(rel, sizeof(rel), "events/%.*s/%s/format", (int)(colon - name), name, colon + 1);
	err = probe_tracefs_path(src, rel, path, sizeof(path));
	if (err)
		return err;
	return probe_read_file(path, PROBES_SMALL_FILE_MAX, ret_text, ret_len);
}

/* ------------------------------------------------------------------ */
/* Traceable functions                                                 */
/* ------------------------------------------------------------------ */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* available_filter_functions: "name" or "name [module]" per line. */
static int load_filter(struct probe_src *src, const char **ret_path)
{
	char path[PATH_MAX], *buf, *p, *eol;
	size_t len, n = 0, cap = 0;
	int err;

	if (src->o.filter_functions)
		snprintf(path, sizeof(path), "%s", src->o.filter_functions);
	else if (probe_tracefs_path(src, "available_filter_functions", path, sizeof(path)))
		snprintf(path, sizeof(path), "/sys/kernel/tracing/available_filter_functions");
	*ret_path = probe_arena_strdup(&src->strs, path);
	if (src->filter_done)
		return src->filter_err;
	src->filter_done = true;
	err = probe_read_file(path, PROBES_BIG_FILE_MAX, &buf, &len);
	if (err) {
		src->filter_err = err;
		return err;
	}
	for (p = buf; p < buf + len; p = eol + 1) {
		size_t nl;
		const char *s;

		eol = memchr(p, '\n', (size_t)(buf + len - p));
		if (!eol)
			eol = buf + len;
		nl = strcspn(p, " \t\n");
		if (nl > (size_t)(eol - p))
			nl = (size_t)(eol - p);
		/* ftrace's placeholders for functions whose address it lost */
		if (!nl || !strncmp(p, "__ftrace_invalid_address__", 26))
			continue;
		if (n == cap) {
			const char **nf;

			cap = cap ? cap * 2 : 8192;
			nf = realloc(src->filter_funcs, cap * sizeof(*nf));
			if (!nf) {
				err = -ENOMEM;
				break;
			}
			src->filter_funcs = nf;
		}
		s = probe_arena_strndup(&src->strs, p, nl);
		if (!s) {
			err = -ENOMEM;
			break;
		}
		src->filter_funcs[n++] = s;
	}
	free(buf);
	if (!err)
		qsort(src->filter_funcs, n, sizeof(*src->filter_funcs), cmp_str);
	src->nr_filter_funcs = n;
	src->filter_err = err;
	return err;
}

static bool in_sorted(const char *const *v, size_t n, const char *name)
{
	return n && bsearch(&name, v, n, sizeof(*v), cmp_str);
}

/* The kprobe blacklist (debugfs): names kprobes refuse. Used to thin a
 * fallback list; unreadable (debugfs not mounted) is fine. */
static void load_blacklist(struct probe_src *src, const char ***ret_v, size_t *ret_n)
{
	const char *path = src->o.kprobe_blacklist ? src->o.kprobe_blacklist
						   : "/sys/kernel/debug/kprobes/blacklist";
	char *buf, *p, *eol;
	size_t len, n = 0;
	const char **v;

	*ret_v = NULL;
	*ret_n = 0;
	if (probe_read_file(path, PROBES_BIG_FILE_MAX, &buf, &len))
		return;
	v = malloc((len / 4 + 1) * sizeof(*v));
	if (!v) {
		free(buf);
		return;
	}
	for (p = buf; p < buf + len; p = eol + 1) {
		/* "0xffffffff81000000-0xffffffff81000010\tname [mod]" */
		char *tab;

		eol = memchr(p, '\n', (size_t)(buf + len - p));
		if (!eol)
			eol = buf + len;
		tab = memchr(p, '\t', (size_t)(eol - p));
		if (tab) {
			size_t nl = strcspn(tab + 1, " \t\n");

			if (nl > (size_t)(eol - tab - 1))
				nl = (size_t)(eol - tab - 1);
			v[n] = probe_arena_strndup(&src->strs, tab + 1, nl);
			if (v[n])
				n++;
		}
	}
	free(buf);
	qsort(v, n, sizeof(*v), cmp_str);
	*ret_v = v;
	*ret_n = n;
}

/* Symbols the kernel adds around functions that are not functions one
 * would probe: padding before each function, CFI stubs, static calls. */
bool probe_ksym__is_func(const struct probe_ksym *k)
{
	if (!k)
		return false;
	if (k->type != 't' && k->type != 'T' && k->type != 'w' && k->type != 'W')
		return false;
	return strncmp(k->name, "__pfx_", 6) && strncmp(k->name, "__cfi_", 6) &&
	       strncmp(k->name, "__SCT__", 7) && k->name[0] != '$';
}

int probe_live_ksyms(struct probe_src *src)
{
	const char *path = src->o.kallsyms ? src->o.kallsyms : "/proc/kallsyms";
	char *buf, *p, *eol;
	size_t len, n = 0;
	int err;

	if (src->ksyms_done)
		return src->ksyms_err;
	src->ksyms_done = true;
	err = probe_read_file(path, PROBES_BIG_FILE_MAX, &buf, &len);
	if (err) {
		src->ksyms_err = err;
		return err;
	}
	/* each line is at least "0 t x\n" */
	src->ksyms = malloc((len / 6 + 1) * sizeof(*src->ksyms));
	if (!src->ksyms) {
		free(buf);
		src->ksyms_err = -ENOMEM;
		return -ENOMEM;
	}
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
		src->ksyms[n].type = sp1[1];
		src->ksyms[n].name = probe_arena_strndup(&src->strs, name, nl);
		if (!src->ksyms[n].name) {
			err = -ENOMEM;
			break;
		}
		n++;
	}
	free(buf);
	src->nr_ksyms = n;
	src->ksyms_err = err;
	return err;
}

int probe_btf_add_funcs(struct probe_src *src, enum probe_type type, struct kbtf *btf,
			bool filtered)
{
	const uint32_t *ids;
	size_t n;
	int err;

	err = kbtf__funcs(btf, &ids, &n);
	for (size_t i = 0; i < n && !err; i++) {
		const struct kbtf_type *t = kbtf__type_by_id(btf, ids[i]);
		const char *name = kbtf__str(btf, t->name_off);

		/* an extern FUNC is a declaration, not code of this kernel */
		if (kbtf_vlen(t) == KBTF_LINKAGE_EXTERN)
			continue;
		if (filtered && !in_sorted(src->filter_funcs, src->nr_filter_funcs, name))
			continue;
		err = probe_plist_add(src, type, name, strlen(name), 0, ids[i]);
	}
	return err;
}

int probe_btf_add_rawtps(struct probe_src *src, struct kbtf *btf)
{
	int err = 0;

	/* each tracepoint has a "btf_trace_NAME" typedef of its BPF-side
	 * prototype, bare tracepoints (no tracefs event) too */
	for (uint32_t id = 1; id <= kbtf__type_cnt(btf) && !err; id++) {
		const struct kbtf_type *t = kbtf__type_by_id(btf, id);
		const char *name;

		if (kbtf_kind(t) != KBTF_KIND_TYPEDEF)
			continue;
		name = kbtf__str(btf, t->name_off);
		if (!strncmp(name, "btf_trace_", 10) && name[10])
			err = probe_plist_add(src, PROBE_RAWTRACEPOINT, name + 10,
					      strlen(name + 10), 0, id);
	}
	return err;
}

static int load_kprobes(struct probe_src *src)
{
	struct probe_status *st = &src->lists[PROBE_KPROBE].st;
	const char **black;
	size_t nblack;
	struct kbtf *btf;
	const char *fpath;
	int err;

	err = load_filter(src, &fpath);
	if (!err) {
		st->origin = PROBE_ORIGIN_FILTER_FUNCTIONS;
		st->path = fpath;
		for (size_t i = 0; i < src->nr_filter_funcs && !err; i++)
			err = probe_plist_add(src, PROBE_KPROBE, src->filter_funcs[i],
					      strlen(src->filter_funcs[i]), 0, 0);
		return err;
	}
	/* The list of traceable functions is root-only or hidden (lockdown,
	 * a container): fall back on a superset and say so. */
	st->fallback_err = err;
	st->fallback_path = fpath;
	st->partial = true;
	load_blacklist(src, &black, &nblack);
	err = probe_src_btf(src, &btf);
	if (!err) {
		st->origin = PROBE_ORIGIN_BTF;
		st->path = src->o.btf_path ? src->o.btf_path : "/sys/kernel/btf/vmlinux";
		err = probe_btf_add_funcs(src, PROBE_KPROBE, btf, false);
	} else {
		st->origin = PROBE_ORIGIN_KALLSYMS;
		st->path = src->o.kallsyms ? src->o.kallsyms : "/proc/kallsyms";
		err = probe_live_ksyms(src);
		for (size_t i = 0; i < src->nr_ksyms && !err; i++) {
			if (probe_ksym__is_func(&src->ksyms[i]))
				err = probe_plist_add(src, PROBE_KPROBE, src->ksyms[i].name,
						      strlen(src->ksyms[i].name), 0, 0);
		}
	}
	if (!err && nblack) {
		struct plist *l = &src->lists[PROBE_KPROBE];
		size_t j = 0;

		for (size_t i = 0; i < l->cnt; i++) {
			if (!in_sorted(black, nblack, l->v[i].name))
				l->v[j++] = l->v[i];
		}
		l->cnt = j;
	}
	free(black);
	return err;
}

static int load_kfuncs(struct probe_src *src)
{
	struct probe_status *st = &src->lists[PROBE_KFUNC].st;
	struct kbtf *btf;
	const char *fpath;
	int err, ferr;

	st->origin = PROBE_ORIGIN_BTF;
	st->path = src->o.btf_path ? src->o.btf_path : "/sys/kernel/btf/vmlinux";
	err = probe_src_btf(src, &btf);
	if (err)
		return err;
	/* fentry needs the function's ftrace site: when the list of those is
	 * readable, keep only the functions in it */
	ferr = load_filter(src, &fpath);
	if (ferr) {
		st->fallback_err = ferr;
		st->fallback_path = fpath;
		st->partial = true;
	}
	return probe_btf_add_funcs(src, PROBE_KFUNC, btf, !ferr);
}

static int load_rawtps(struct probe_src *src)
{
	struct probe_status *st = &src->lists[PROBE_RAWTRACEPOINT].st;
	const char *bpath = src->o.btf_path ? src->o.btf_path : "/sys/kernel/btf/vmlinux";
	struct kbtf *btf;
	int err;

	err = probe_src_btf(src, &btf);
	if (!err) {
		st->origin = PROBE_ORIGIN_BTF;
		st->path = bpath;
		return probe_btf_add_rawtps(src, btf);
	}
	/* without BTF: a raw tracepoint per tracefs event */
	st->fallback_err = err;
	st->fallback_path = bpath;
	err = probe_src__load(src, PROBE_TRACEPOINT);
	if (err)
		return err;
	st->origin = PROBE_ORIGIN_TRACEFS;
	st->path = src->lists[PROBE_TRACEPOINT].st.path;
	for (size_t i = 0; i < src->lists[PROBE_TRACEPOINT].cnt && !err; i++) {
		const char *ev = strchr(src->lists[PROBE_TRACEPOINT].v[i].name, ':');

		if (ev)
			err =
			    probe_plist_add(src, PROBE_RAWTRACEPOINT, ev + 1, strlen(ev + 1), 0, 0);
	}
	return err;
}

int probe_live_load(struct probe_src *src, enum probe_type type)
{
	switch (type) {
	case PROBE_TRACEPOINT:
		return load_tracepoints(src);
	case PROBE_KPROBE:
		return load_kprobes(src);
	case PROBE_KFUNC:
		return load_kfuncs(src);
	case PROBE_RAWTRACEPOINT:
		return load_rawtps(src);
	default:
		return -EINVAL;
	}
}
