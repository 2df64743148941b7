/* SPDX-License-Identifier: MIT */
/* Probe names from a BTF, the running kernel's or one stored in a trace:
 * functions (kprobe, kfunc) and raw tracepoints. */
#include <string.h>

#include "internal.h"

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
		if (filtered && !live_sorted_has(src->filter_funcs, src->nr_filter_funcs, name))
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
