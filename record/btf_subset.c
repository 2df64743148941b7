// SPDX-License-Identifier: MIT
/*
 * A compact BTF for the trace: the running kernel's definitions of the
 * types the BPF programs read (bpf/core_types.h) and the signatures of the
 * tracepoints they attach to, closed over everything those types embed.  A
 * pointer to a struct or union outside that set becomes a pointer to a
 * forward declaration, which keeps task_struct from pulling in most of the
 * kernel: the result is a few hundred KiB against the whole BTF's 5+ MiB,
 * and still loads with btf__new() and answers "what was at offset X of
 * task_struct on the reporter's kernel".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <linux/btf.h>

#include "common/macros.h"
#include "internal.h"

/* Keep in step with bpf/core_types.h. */
static const char *const wanted_composites[] = {
    "task_struct",
    "mm_struct",
    "fs_struct",
    "path",
    "dentry",
    "qstr",
    "vfsmount",
    "mount",
    "file",
    "linux_binprm",
    "signal_struct",
    "cred",
    "css_set",
    "cgroup",
    "cgroup_root",
    "kernfs_node",
    "pt_regs",
    "trace_event_raw_sched_process_template",
    "trace_event_raw_sched_process_exec",
    "trace_event_raw_sched_process_fork",
    "trace_event_raw_sched_process_exit",
};

/* The tracepoints' argument lists, as tp_btf programs see them. */
static const char *const wanted_typedefs[] = {
    "btf_trace_sched_process_exec", "btf_trace_sched_process_fork", "btf_trace_sched_process_exit",
    "btf_trace_cgroup_mkdir",	    "btf_trace_cgroup_rmdir",
};

struct subset {
	const struct btf *src;
	uint32_t n;	  /* types in src, void included */
	uint8_t *keep;	  /* src id -> copied */
	uint8_t *wanted;  /* src id -> a composite whose pointers are followed */
	uint32_t *fwd_of; /* src PTR id -> src composite it points to as fwd */
	uint32_t *map;	  /* src id -> dst id */
	uint32_t *fwd_id; /* src composite id -> dst FWD id */
	uint32_t *stack;
	uint32_t depth;
};

static bool is_modifier(int kind)
{
	return kind == BTF_KIND_CONST || kind == BTF_KIND_VOLATILE || kind == BTF_KIND_RESTRICT ||
	       kind == BTF_KIND_TYPE_TAG || kind == BTF_KIND_TYPEDEF;
}

static uint32_t skip_mods(const struct btf *b, uint32_t id)
{
	int guard;

	for (guard = 0; id && guard < 64; guard++) {
		const struct btf_type *t = btf__type_by_id(b, id);

		if (!t || !is_modifier(btf_kind(t)))
			break;
		id = t->type;
	}
	return id;
}

static void push(struct subset *s, uint32_t id)
{
	if (id && id < s->n && !s->keep[id]) {
		s->keep[id] = 1;
		s->stack[s->depth++] = id;
	}
}

/* Marks what the roots need; iterative, as struct chains run deep. */
static void mark(struct subset *s)
{
	while (s->depth) {
		uint32_t id = s->stack[--s->depth], i, tgt;
		const struct btf_type *t = btf__type_by_id(s->src, id);
		const struct btf_member *m;
		const struct btf_param *p;

		switch (btf_kind(t)) {
		case BTF_KIND_PTR:
			tgt = skip_mods(s->src, t->type);
			if (tgt) {
				const struct btf_type *tt = btf__type_by_id(s->src, tgt);

				if (btf_is_composite(tt) && !s->wanted[tgt]) {
					s->fwd_of[id] = tgt;
					break;
				}
			}
			push(s, t->type);
			break;
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
			m = btf_members(t);
			for (i = 0; i < btf_vlen(t); i++)
				push(s, m[i].type);
			break;
		case BTF_KIND_ARRAY:
			push(s, btf_array(t)->type);
			push(s, btf_array(t)->index_type);
			break;
		case BTF_KIND_FUNC_PROTO:
			push(s, t->type);
			p = btf_params(t);
			for (i = 0; i < btf_vlen(t); i++)
				push(s, p[i].type);
			break;
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
		case BTF_KIND_FUNC:
		case BTF_KIND_VAR:
		case BTF_KIND_DECL_TAG:
			push(s, t->type);
			break;
		default:
			break;
		}
	}
}

static uint32_t remap(const struct subset *s, uint32_t id)
{
	return id < s->n ? s->map[id] : 0;
}

/* The copies still hold source ids: point them at their copies.  The dst
 * BTF is ours and finished growing, so its types are edited in place. */
static void fix_ids(struct subset *s, struct btf *dst, uint32_t src_id)
{
	struct btf_type *t = (struct btf_type *)btf__type_by_id(dst, s->map[src_id]);
	struct btf_member *m;
	struct btf_param *p;
	uint32_t i;

	switch (btf_kind(t)) {
	case BTF_KIND_PTR:
		if (s->fwd_of[src_id]) {
			t->type = s->fwd_id[s->fwd_of[src_id]];
			break;
		}
		t->type = remap(s, t->type);
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		m = btf_members(t);
		for (i = 0; i < btf_vlen(t); i++)
			m[i].type = remap(s, m[i].type);
		break;
	case BTF_KIND_ARRAY:
		btf_array(t)->type = remap(s, btf_array(t)->type);
		btf_array(t)->index_type = remap(s, btf_array(t)->index_type);
		break;
	case BTF_KIND_FUNC_PROTO:
		t->type = remap(s, t->type);
		p = btf_params(t);
		for (i = 0; i < btf_vlen(t); i++)
			p[i].type = remap(s, p[i].type);
		break;
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
	case BTF_KIND_FUNC:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		t->type = remap(s, t->type);
		break;
	default:
		break;
	}
}

int rec_btf_subset__build(const struct btf *src, void **ret_data, size_t *ret_len)
{
	struct subset s = {.src = src};
	struct btf *dst = NULL;
	const void *raw;
	uint32_t id, size;
	size_t i;
	int err = 0, r;

	s.n = btf__type_cnt(src);
	s.keep = calloc(s.n, 1);
	s.wanted = calloc(s.n, 1);
	s.fwd_of = calloc(s.n, sizeof(uint32_t));
	s.map = calloc(s.n, sizeof(uint32_t));
	s.fwd_id = calloc(s.n, sizeof(uint32_t));
	s.stack = calloc(s.n, sizeof(uint32_t));
	dst = btf__new_empty();
	if (!s.keep || !s.wanted || !s.fwd_of || !s.map || !s.fwd_id || !s.stack || !dst) {
		err = -ENOMEM;
		goto out;
	}

	for (i = 0; i < ARRAY_SIZE(wanted_composites); i++) {
		r = btf__find_by_name_kind(src, wanted_composites[i], BTF_KIND_STRUCT);
		if (r > 0)
			s.wanted[r] = 1;
	}
	for (id = 1; id < s.n; id++)
		if (s.wanted[id])
			push(&s, id);
	for (i = 0; i < ARRAY_SIZE(wanted_typedefs); i++) {
		r = btf__find_by_name_kind(src, wanted_typedefs[i], BTF_KIND_TYPEDEF);
		if (r > 0)
			push(&s, r);
	}
	mark(&s);

	/* Copy in source order, then one FWD per composite only pointed to. */
	for (id = 1; id < s.n && !err; id++) {
		if (!s.keep[id])
			continue;
		r = btf__add_type(dst, src, btf__type_by_id(src, id));
		if (r < 0)
			err = r;
		else
			s.map[id] = r;
	}
	for (id = 1; id < s.n && !err; id++) {
		const struct btf_type *t;
		const char *name;
		uint32_t tgt = s.fwd_of[id];

		if (!s.keep[id] || !tgt || s.fwd_id[tgt])
			continue;
		t = btf__type_by_id(src, tgt);
		name = btf__name_by_offset(src, t->name_off);
		if (!name || !*name)
			continue; /* an anonymous one: void * then */
		r = btf__add_fwd(dst, name, btf_is_union(t) ? BTF_FWD_UNION : BTF_FWD_STRUCT);
		if (r < 0)
			err = r;
		else
			s.fwd_id[tgt] = r;
	}
	if (err)
		goto out;
	for (id = 1; id < s.n; id++)
		if (s.keep[id])
			fix_ids(&s, dst, id);

	raw = btf__raw_data(dst, &size);
	if (!raw) {
		err = -ENOMEM;
		goto out;
	}
	*ret_data = malloc(size);
	if (!*ret_data) {
		err = -ENOMEM;
		goto out;
	}
	memcpy(*ret_data, raw, size);
	*ret_len = size;
out:
	btf__free(dst);
	free(s.keep);
	free(s.wanted);
	free(s.fwd_of);
	free(s.map);
	free(s.fwd_id);
	free(s.stack);
	return err;
}
