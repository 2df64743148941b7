/* SPDX-License-Identifier: MIT */
/*
 * The lists of a live source, from what live/ reads of the running kernel:
 * which source each type is listed from, and the fallbacks when the best
 * one is unreadable (not root, lockdown, a container). Nothing here asks
 * the kernel itself.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct add_ctx {
	struct probe_src *src;
	enum probe_type type;
};

static int add_name(void *ctx, const char *name, size_t len)
{
	struct add_ctx *a = ctx;

	return probe_plist_add(a->src, a->type, name, len, 0, 0);
}

static int load_tracepoints(struct probe_src *src)
{
	struct probe_status *st = &src->lists[PROBE_TRACEPOINT].st;
	struct add_ctx a = {src, PROBE_TRACEPOINT};
	struct live_source ls;
	int err;

	st->origin = PROBE_ORIGIN_TRACEFS;
	err = live_kernel__tracepoints(src->live, add_name, &a, &ls);
	st->path = ls.path ? ec_arena__strdup(&src->strs, ls.path) : NULL;
	if (ls.fallback_err) {
		st->fallback_err = ls.fallback_err;
		st->fallback_path = ec_arena__strdup(&src->strs, ls.fallback_path);
	}
	return err;
}

/* available_filter_functions, kept for kfunc filtering: 0 or why not. */
static int load_filter(struct probe_src *src, const char **ret_path)
{
	int err = live_kernel__filter_funcs(src->live, &src->filter_funcs, &src->nr_filter_funcs,
					    ret_path);

	if (err)
		src->nr_filter_funcs = 0;
	return err;
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
	const struct live_ksym *ks;
	size_t n;

	if (src->ksyms_done)
		return src->ksyms_err;
	src->ksyms_done = true;
	src->ksyms_err = live_kernel__ksyms(src->live, &ks, &n);
	if (src->ksyms_err)
		return src->ksyms_err;
	src->ksyms = malloc((n + 1) * sizeof(*src->ksyms));
	if (!src->ksyms)
		return src->ksyms_err = -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		src->ksyms[i].name = ks[i].name;
		src->ksyms[i].type = ks[i].type;
	}
	src->nr_ksyms = n;
	return 0;
}

static int load_kprobes(struct probe_src *src)
{
	struct probe_status *st = &src->lists[PROBE_KPROBE].st;
	const char *const *black;
	size_t nblack;
	struct kbtf *btf;
	const char *fpath = NULL;
	int err;

	err = load_filter(src, &fpath);
	if (fpath)
		fpath = ec_arena__strdup(&src->strs, fpath);
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
	live_kernel__blacklist(src->live, &black, &nblack);
	err = probe_src_btf(src, &btf);
	if (!err) {
		st->origin = PROBE_ORIGIN_BTF;
		st->path = live_kernel__btf_path(src->live);
		err = probe_btf_add_funcs(src, PROBE_KPROBE, btf, false);
	} else {
		st->origin = PROBE_ORIGIN_KALLSYMS;
		st->path = live_kernel__kallsyms_path(src->live);
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
			if (!live_sorted_has(black, nblack, l->v[i].name))
				l->v[j++] = l->v[i];
		}
		l->cnt = j;
	}
	return err;
}

static int load_kfuncs(struct probe_src *src)
{
	struct probe_status *st = &src->lists[PROBE_KFUNC].st;
	struct kbtf *btf;
	const char *fpath = NULL;
	int err, ferr;

	st->origin = PROBE_ORIGIN_BTF;
	st->path = live_kernel__btf_path(src->live);
	err = probe_src_btf(src, &btf);
	if (err)
		return err;
	/* fentry needs the function's ftrace site: when the list of those is
	 * readable, keep only the functions in it */
	ferr = load_filter(src, &fpath);
	if (ferr) {
		st->fallback_err = ferr;
		st->fallback_path = fpath ? ec_arena__strdup(&src->strs, fpath) : NULL;
		st->partial = true;
	}
	return probe_btf_add_funcs(src, PROBE_KFUNC, btf, !ferr);
}

static int load_rawtps(struct probe_src *src)
{
	struct probe_status *st = &src->lists[PROBE_RAWTRACEPOINT].st;
	const char *bpath = live_kernel__btf_path(src->live);
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
