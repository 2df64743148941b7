/* SPDX-License-Identifier: MIT */
/*
 * Whether the running kernel can attach a probe type at all: a list of
 * 55,000 kernel functions says nothing if the kernel has no kprobes or no
 * BPF trampolines. Asked of the kernel itself, the way libbpf attaches:
 *   kprobe          the kprobe PMU (perf_event_open), else tracefs's
 *                   kprobe_events (libbpf's legacy path)
 *   uprobe, usdt    the uprobe PMU, else uprobe_events
 *   kfunc           a two-instruction fentry program loaded against a
 *                   kernel function's BTF id and attached for an instant:
 *                   only an attach proves that trampolines work
 * The other types need nothing beyond their list (tracefs, BTF, perf).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"
#include "kbtf.h"

static bool exists(const char *path)
{
	return !access(path, F_OK);
}

/* A PMU in sysfs or an events file in tracefs: 1, 0, or -errno when
 * neither could be looked at. */
static int pmu_or_events(struct probe_src *src, const char *pmu, const char *events)
{
	char path[512];

	snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/type", pmu);
	if (exists(path))
		return 1;
	if (probe_tracefs_path(src, events, path, sizeof(path)) == 0 && exists(path))
		return 1;
	return 0;
}

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

/* Functions that are there to be traced (net/bpf/test_run.c), then
 * common ones: the first the kernel's BTF has is the target. */
static const char *const fentry_targets[] = {
    "bpf_fentry_test1", "bpf_modify_return_test", "do_nanosleep", "vfs_read", "schedule",
};

/* Whether this process holds what loading a tracing program takes
 * (CAP_SYS_ADMIN, or CAP_BPF with CAP_PERFMON), so that EPERM is the
 * kernel's no and not ours. */
static bool may_trace(void)
{
	unsigned long long eff = 0;
	char line[256];
	bool found = false;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "CapEff: %llx", &eff) == 1;
	fclose(f);
	return (eff >> 21 & 1) || ((eff >> 38 & 1) && (eff >> 39 & 1));
}

static int trampoline_test(struct probe_src *src, const char **ret_why)
{
	struct bpf_insn prog[] = {
	    {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
	    {.code = BPF_JMP | BPF_EXIT},
	};
	union bpf_attr attr;
	struct kbtf *btf;
	int id = -ENOENT, pfd, lfd, e;

	if (probe_src_btf(src, &btf)) {
		*ret_why = "no kernel BTF to find a function in";
		return -ENOENT;
	}
	for (size_t i = 0; i < sizeof(fentry_targets) / sizeof(*fentry_targets) && id < 0; i++)
		id = kbtf__find_func(btf, fentry_targets[i]);
	if (id < 0) {
		*ret_why = "none of the functions it tries is in the kernel BTF";
		return -ENOENT;
	}
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_TRACING;
	attr.expected_attach_type = BPF_TRACE_FENTRY;
	attr.attach_btf_id = (uint32_t)id;
	attr.insns = (uintptr_t)prog;
	attr.insn_cnt = sizeof(prog) / sizeof(prog[0]);
	attr.license = (uintptr_t) "GPL";
	pfd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (pfd < 0) {
		e = errno;
		if (e == EPERM && !may_trace()) {
			*ret_why = "loading a BPF program needs root (CAP_BPF, CAP_PERFMON)";
			return -e;
		}
		/* with the capabilities: the kernel refuses the program type
		 * (bpftool: "program_type tracing is NOT available") or the
		 * attach point */
		*ret_why = "it refuses to load an fentry program (no BPF trampolines)";
		return 0;
	}
	memset(&attr, 0, sizeof(attr));
	attr.raw_tracepoint.prog_fd = (uint32_t)pfd;
	lfd = sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &attr);
	e = errno;
	close(pfd);
	if (lfd >= 0) {
		close(lfd);
		return 1;
	}
	if (e == EPERM && !may_trace()) {
		*ret_why = "attaching a BPF program needs root (CAP_BPF, CAP_PERFMON)";
		return -e;
	}
	*ret_why = "attaching an fentry program fails (no BPF trampolines)";
	return 0;
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
		r = pmu_or_events(src, "kprobe", "kprobe_events");
		why = r ? NULL
			: "no kprobe PMU in /sys/bus/event_source/devices, no kprobe_events in "
			  "tracefs";
		break;
	case PROBE_UPROBE:
	case PROBE_USDT:
		r = pmu_or_events(src, "uprobe", "uprobe_events");
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
