/* SPDX-License-Identifier: MIT */
/*
 * The probes of the machine a trace was recorded on: its stored tracepoint
 * formats (TPFORMAT chunks) and BTF (BTF chunks). Everything read here is
 * untrusted: names are checked before they become probe names, texts and
 * BTF are copied within the limits the format already enforces, and the
 * BTF goes through kbtf__parse()'s checks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "etr.h"
#include "internal.h"

#define MAX_TPFORMATS 100000u

static void on_problem(void *ctx, const struct etr_problem *p)
{
	struct probe_src *src = ctx;

	(void)p;
	src->info.problems++;
}

/* "system:event", each part of the characters tracefs names use. */
static bool valid_tp_name(const struct etr_str *s)
{
	uint32_t colons = 0;

	if (!s->len || s->len > PROBES_NAME_MAX)
		return false;
	for (uint32_t i = 0; i < s->len; i++) {
		unsigned char c = (unsigned char)s->ptr[i];

		if (c == ':')
			colons++;
		else if (c <= ' ' || c >= 0x7f || c == '/')
			return false;
	}
	return colons == 1 && s->ptr[0] != ':' && s->ptr[s->len - 1] != ':';
}

/* A META value fit to print: printable ASCII, bounded. */
static const char *meta_text(struct probe_src *src, const struct etr_str *v)
{
	char buf[256];
	uint32_t n = v->len < sizeof(buf) - 1 ? v->len : sizeof(buf) - 1;

	for (uint32_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v->ptr[i];

		buf[i] = c >= ' ' && c < 0x7f ? (char)c : '?';
	}
	buf[n] = '\0';
	return ec_arena__strdup(&src->strs, buf);
}

static int on_record(struct probe_src *src, const struct etr_walk_item *it)
{
	const struct etr_str *a, *b;

	switch (it->kind) {
	case ETR_WALK_META:
		a = &it->meta.key;
		b = &it->meta.value;
		if (a->len == 14 && !memcmp(a->ptr, "kernel.release", 14))
			src->info.kernel_release = meta_text(src, b);
		else if (a->len == 8 && !memcmp(a->ptr, "hostname", 8))
			src->info.hostname = meta_text(src, b);
		return 0;
	case ETR_WALK_TPFORMAT: {
		struct tp_text *t;

		a = &it->tpformat.name;
		b = &it->tpformat.text;
		if (!valid_tp_name(a) || src->nr_tps >= MAX_TPFORMATS) {
			src->info.problems++;
			return 0;
		}
		if (!(src->nr_tps & (src->nr_tps + 1))) {
			/* at 0, 1, 3, 7 ...: grow to the next power of two */
			t = realloc(src->tps, (src->nr_tps + 1) * 2 * sizeof(*t));
			if (!t)
				return -ENOMEM;
			src->tps = t;
		}
		t = &src->tps[src->nr_tps];
		t->name = ec_arena__strndup(&src->strs, a->ptr, a->len);
		t->text = ec_arena__strndup(&src->strs, b->ptr, b->len);
		t->len = b->len;
		if (!t->name || !t->text)
			return -ENOMEM;
		src->nr_tps++;
		return 0;
	}
	case ETR_WALK_BTF: {
		uint32_t kind = it->btf.kind;
		uint8_t *copy;

		a = &it->btf.data;
		if ((kind != ETR_BTF_SUBSET && kind != ETR_BTF_FULL) || !a->len) {
			src->info.problems++;
			return 0;
		}
		copy = malloc(a->len);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, a->ptr, a->len);
		/* the last one of a kind wins */
		free(src->btf_raw[kind]);
		src->btf_raw[kind] = copy;
		src->btf_raw_size[kind] = a->len;
		return 0;
	}
	default:
		return 0;
	}
}

int probe_trace_open(struct probe_src *src, const char *path)
{
	struct etr_walk_opts o = {
	    .sz = sizeof(o),
	    .problem_cb = on_problem,
	    .problem_ctx = src,
	    /* events are most of a trace: leave them compressed */
	    .type_mask = 1u << ETR_CHUNK_META | 1u << ETR_CHUNK_TPFORMAT | 1u << ETR_CHUNK_BTF |
			 1u << ETR_CHUNK_END,
	};
	struct etr_walk *w;
	struct etr_walk_item it;
	struct kbtf_error e = {0};
	int err = 0, n;

	src->info.kernel_release = "";
	src->info.hostname = "";
	src->trace_path = ec_arena__strdup(&src->strs, path);
	if (!src->trace_path)
		return -ENOMEM;
	w = etr_walk__open(path, &o);
	if (!w)
		return -errno;
	while (!err && (n = etr_walk__next(w, &it, NULL)) > 0)
		err = on_record(src, &it);
	if (n < 0 && !err)
		err = n;
	src->info.ended_cleanly = etr_reader__ended_cleanly(etr_walk__reader(w));
	etr_walk__free(w);
	if (err)
		return err;

	src->info.nr_tpformats = (uint32_t)src->nr_tps;
	src->btf_done = true;
	src->info.btf_kind = src->btf_raw[ETR_BTF_FULL]	    ? ETR_BTF_FULL
			     : src->btf_raw[ETR_BTF_SUBSET] ? ETR_BTF_SUBSET
							    : 0;
	if (!src->info.btf_kind) {
		src->btf_err = -ENODATA;
		return 0;
	}
	src->info.btf_size = src->btf_raw_size[src->info.btf_kind];
	src->btf_err =
	    kbtf__parse(src->btf_raw[src->info.btf_kind], src->info.btf_size, &src->btf, &e);
	if (src->btf_err == -ENOMEM)
		return src->btf_err;
	if (src->btf_err) {
		src->info.btf_error = e.what;
		src->info.btf_error_offset = e.offset;
	}
	return 0;
}

int probe_trace_load(struct probe_src *src, enum probe_type type)
{
	struct probe_status *st = &src->lists[type].st;
	bool full = src->info.btf_kind == ETR_BTF_FULL;
	int err = 0;

	st->origin = PROBE_ORIGIN_TRACE;
	st->path = src->trace_path;
	switch (type) {
	case PROBE_TRACEPOINT:
		/* a recorder stores the formats it cares about, not all */
		st->partial = true;
		if (!src->nr_tps)
			return -ENODATA;
		for (size_t i = 0; i < src->nr_tps && !err; i++)
			err = probe_plist_add(src, type, src->tps[i].name, strlen(src->tps[i].name),
					      0, (uint32_t)i);
		return err;
	case PROBE_KPROBE:
	case PROBE_KFUNC:
		/* the subset has no functions; nor does a trace say which
		 * functions were traceable, so both lists are BTF's */
		if (!full)
			return -ENODATA;
		if (!src->btf)
			return src->btf_err;
		st->partial = true;
		return probe_btf_add_funcs(src, type, src->btf, false);
	case PROBE_RAWTRACEPOINT:
		if (src->btf) {
			st->partial = !full;
			return probe_btf_add_rawtps(src, src->btf);
		}
		if (src->info.btf_kind)
			return src->btf_err;
		if (!src->nr_tps)
			return -ENODATA;
		st->partial = true;
		for (size_t i = 0; i < src->nr_tps && !err; i++) {
			const char *ev = strchr(src->tps[i].name, ':');

			err = probe_plist_add(src, type, ev + 1, strlen(ev + 1), 0, 0);
		}
		return err;
	default:
		return -ENODATA;
	}
}

void probe_trace_free(struct probe_src *src)
{
	free(src->tps);
	for (int k = 0; k < 3; k++)
		free(src->btf_raw[k]);
}
