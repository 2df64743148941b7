/* SPDX-License-Identifier: MIT */
/*
 * Whether the running kernel can attach a probe type at all: a list of
 * 55,000 kernel functions says nothing if the kernel has no kprobes or no
 * BPF trampolines. Asked of the kernel through live/, the way libbpf
 * attaches:
 *   kprobe          the kprobe PMU, else tracefs's kprobe_events (libbpf's
 *                   legacy path)
 *   uprobe, usdt    the uprobe PMU, else uprobe_events
 *   kfunc           an fentry program attached for an instant to the first
 *                   of a few functions the kernel's BTF has
 * The other types need nothing beyond their list (tracefs, BTF, perf).
 */
#include <errno.h>

#include "common/macros.h"
#include "internal.h"

/* Functions that are there to be traced (net/bpf/test_run.c), then
 * common ones: the first the kernel's BTF has is the target. */
static const char *const fentry_targets[] = {
    "bpf_fentry_test1", "bpf_modify_return_test", "do_nanosleep", "vfs_read", "schedule",
};

static int trampoline_test(struct probe_src *src, const char **ret_why)
{
	struct kbtf *btf;
	int id = -ENOENT;

	if (probe_src_btf(src, &btf)) {
		*ret_why = "no kernel BTF to find a function in";
		return -ENOENT;
	}
	for (size_t i = 0; i < ARRAY_SIZE(fentry_targets) && id < 0; i++)
		id = kbtf__find_func(btf, fentry_targets[i]);
	if (id < 0) {
		*ret_why = "none of the functions it tries is in the kernel BTF";
		return -ENOENT;
	}
	return live_fentry_works((uint32_t)id, ret_why);
}

int probe_src__supported(struct probe_src *src, enum probe_type type, const char **ret_why)
{
	const char *why = NULL;
	int r;

	if (!src || type >= PROBE_TYPE__NR)
		return -EINVAL;
	if (src->is_trace) {
		/* a trace cannot say what its kernel could attach */
		if (ret_why)
			*ret_why = "a trace does not say";
		return -ENODATA;
	}
	if (src->support_done[type]) {
		if (ret_why)
			*ret_why = src->support_why[type];
		return src->support[type];
	}
	switch (type) {
	case PROBE_KPROBE:
		r = live_kernel__has_pmu(src->live, "kprobe", "kprobe_events");
		why = r ? NULL
			: "no kprobe PMU in /sys/bus/event_source/devices, no kprobe_events in "
			  "tracefs";
		break;
	case PROBE_UPROBE:
	case PROBE_USDT:
		r = live_kernel__has_pmu(src->live, "uprobe", "uprobe_events");
		why = r ? NULL
			: "no uprobe PMU in /sys/bus/event_source/devices, no uprobe_events in "
			  "tracefs";
		break;
	case PROBE_KFUNC:
		r = trampoline_test(src, &why);
		break;
	default:
		r = 1;
	}
	src->support[type] = r;
	src->support_why[type] = why;
	src->support_done[type] = true;
	if (ret_why)
		*ret_why = why;
	return r;
}
