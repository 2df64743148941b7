/* SPDX-License-Identifier: MIT */
/*
 * Whether BPF trampolines work, asked of the kernel the way libbpf
 * attaches: a list of 55,000 kernel functions says nothing if the kernel
 * cannot attach an fentry program to any of them, and only an attach
 * proves that it can.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/macros.h"
#include "live.h"

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

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

int live_fentry_works(uint32_t btf_id, const char **ret_why)
{
	struct bpf_insn prog[] = {
	    {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
	    {.code = BPF_JMP | BPF_EXIT},
	};
	union bpf_attr attr;
	int pfd, lfd, e;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_TRACING;
	attr.expected_attach_type = BPF_TRACE_FENTRY;
	attr.attach_btf_id = btf_id;
	attr.insns = (uintptr_t)prog;
	attr.insn_cnt = ARRAY_SIZE(prog);
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
