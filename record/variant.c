// SPDX-License-Identifier: MIT
/*
 * Which of execrec.bpf.c's programs this kernel gets.  The kernel is probed
 * for the helpers the programs would use (feature probes, not version
 * numbers: distributions backport), then one program per hook is chosen:
 *
 *   exec, failed exec   bpf_loop() walks (Linux 5.17), or bounded loops the
 *                       older verifiers unroll, with lower limits
 *   exec, fork, exit    tp_btf programs, or raw_tp ones where the kernel has
 *                       no BTF of its own (the types then come from a --btf
 *                       file; the bounded loops, no task iterator, no cgroup
 *                       tracepoints, no fexit: all need the kernel's BTF)
 *   failed exec path    fexit on the syscall's entry function, else a
 *                       kprobe/kretprobe pair on it (only execs pay), else
 *                       the syscall tracepoints (every syscall of every
 *                       process pays while they are attached)
 *
 * The failed-exec path is chosen before the programs are loaded: a program
 * of two instructions tells whether a trampoline attaches, the sysfs and
 * tracefs files whether the kernel has kprobes at all.  Verifying the whole
 * set only to have it refused costs a tenth of a second a time, and the boot
 * service's start is what the early units of a boot wait for.
 *
 * The choice and what was found go into the trace's metadata.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "execrec.h"
#include "execrec.skel.h"
#include "common/macros.h"
#include "internal.h"

/* The functions fexit attaches to: the syscalls' own entry points, never
 * inlined (the syscall table points at them), with the caller's saved
 * registers as their one argument. */
static const char *const fexit_funcs[] = {"__x64_sys_execve", "__x64_sys_execveat"};

static bool has_helper(enum bpf_func_id id)
{
	return libbpf_probe_bpf_helper(BPF_PROG_TYPE_TRACEPOINT, id, NULL) > 0;
}

/* Whether the first parameter of function @id is a pointer to a complete
 * struct.  Some kernels' BTF (Debian's 5.10) has the syscall functions'
 * struct pt_regs as a forward declaration, whose pointer a tracing program
 * may not even load from its context. */
static bool arg_is_struct_ptr(const struct btf *btf, int id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const struct btf_param *p;

	t = t ? btf__type_by_id(btf, t->type) : NULL; /* FUNC -> FUNC_PROTO */
	if (!t || !btf_is_func_proto(t) || btf_vlen(t) < 1)
		return false;
	p = btf_params(t);
	t = btf__type_by_id(btf, p[0].type);
	if (!t || !btf_is_ptr(t))
		return false;
	t = btf__type_by_id(btf, t->type);
	while (t && (btf_is_const(t) || btf_is_volatile(t) || btf_is_typedef(t)))
		t = btf__type_by_id(btf, t->type);
	return t && btf_is_struct(t);
}

/* Whether a trampoline attaches to the function of kernel BTF id @id: an
 * fexit program that returns 0, loaded and attached there for a moment, as
 * libbpf-tools checks before it chooses fentry.  Kernels without
 * trampolines (no CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS, some VMs) refuse
 * the load or the attach.  0 or a negative errno. */
static int fexit_try_attach(int id)
{
	const struct bpf_insn insns[] = {
	    {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
	    {.code = BPF_JMP | BPF_EXIT},
	};
	LIBBPF_OPTS(bpf_prog_load_opts, lo, .expected_attach_type = BPF_TRACE_FEXIT,
		    .attach_btf_id = id);
	int prog, link, err = 0;

	prog = bpf_prog_load(BPF_PROG_TYPE_TRACING, "execrec_probe", "GPL", insns,
			     ARRAY_SIZE(insns), &lo);
	if (prog < 0)
		return -errno;
	link = bpf_raw_tracepoint_open(NULL, prog);
	if (link < 0)
		err = -errno;
	else
		close(link);
	close(prog);
	return err;
}

/* Whether the kernel can make kprobes: the kprobe PMU (libbpf's way) or
 * tracefs's kprobe_events (kprobes.c's).  Neither: CONFIG_KPROBES is off. */
static bool has_kprobes(void)
{
	const char *tfs = rec_tracefs();
	char path[128];

	if (!access("/sys/bus/event_source/devices/kprobe/type", F_OK))
		return true;
	if (!tfs)
		return false;
	snprintf(path, sizeof(path), "%s/kprobe_events", tfs);
	return !access(path, F_OK);
}

int rec_variant_probe(struct rec_variant *v, const struct recorder_opts *o,
		      enum recorder_problem *ret_problem, struct btf **ret_btf)
{
	int fexit_id = -1;
	struct btf *btf;
	size_t i;

	memset(v, 0, sizeof(*v));
	if (ret_btf)
		*ret_btf = NULL;
	v->kretprobe_maxactive = o->kretprobe_maxactive;
	v->f_loop = has_helper(BPF_FUNC_loop);
	v->f_task_btf = has_helper(BPF_FUNC_get_current_task_btf);
	v->f_task_pt_regs = has_helper(BPF_FUNC_task_pt_regs);
	v->f_kernel_btf = !access("/sys/kernel/btf/vmlinux", R_OK);

	btf = o->btf_path ? btf__parse(o->btf_path, NULL) : btf__load_vmlinux_btf();
	if (!btf) {
		int err = errno;

		*ret_problem = o->btf_path ? RECORDER_BTF_FILE : RECORDER_NO_BTF;
		/* libbpf's own codes (4000 and up) mean a malformed file */
		return err >= 4000 ? -EINVAL : err ? -err : -ENOENT;
	}
	/* The cgroup tracepoints' programs name cgroups (tp_btf: not in the
	 * raw set): without them the rest records as before (the start walk
	 * still names the cgroups). */
	v->no_cgroup =
	    btf__find_by_name_kind(btf, "btf_trace_cgroup_mkdir", BTF_KIND_TYPEDEF) < 0 ||
	    btf__find_by_name_kind(btf, "btf_trace_cgroup_rmdir", BTF_KIND_TYPEDEF) < 0;
	v->f_fexit_funcs = true;
	for (i = 0; i < ARRAY_SIZE(fexit_funcs); i++) {
		int id = btf__find_by_name_kind(btf, fexit_funcs[i], BTF_KIND_FUNC);

		if (id < 0) {
			v->f_fexit_funcs = false;
			snprintf(v->fallback, sizeof(v->fallback),
				 "fexit: %s not in the kernel's BTF", fexit_funcs[i]);
		} else if (!arg_is_struct_ptr(btf, id)) {
			v->f_fexit_funcs = false;
			snprintf(v->fallback, sizeof(v->fallback),
				 "fexit: the kernel's BTF declares %s's struct pt_regs only "
				 "forward, so the verifier lets no program read it",
				 fexit_funcs[i]);
		} else if (i == 0) {
			fexit_id = id;
		}
	}
	if (ret_btf)
		*ret_btf = btf;
	else
		btf__free(btf);
	if (!v->f_kernel_btf) {
		/* trampolines attach by the kernel's own BTF ids */
		v->f_fexit_funcs = false;
		snprintf(v->fallback, sizeof(v->fallback),
			 "fexit: the kernel has no BTF of its own (/sys/kernel/btf/vmlinux), "
			 "which trampolines attach by");
	}

	switch (o->programs) {
	case RECORDER_PROGS_LOOP:
	case RECORDER_PROGS_BOUNDED:
		if (!v->f_kernel_btf) {
			/* tp_btf programs: the kernel refuses them whatever
			 * file the types come from */
			*ret_problem = RECORDER_NO_BTF;
			return -ENOENT;
		}
		v->loop = o->programs == RECORDER_PROGS_LOOP;
		break;
	case RECORDER_PROGS_RAW:
		v->raw = true;
		break;
	default:
		if (!v->f_kernel_btf) {
			v->raw = true;
			break;
		}
		/* The loop programs' failed-exec tracepoint also reads the
		 * registers with bpf_task_pt_regs() (5.15); all three come
		 * together from 5.17 on. */
		v->loop = v->f_loop && v->f_task_btf && v->f_task_pt_regs;
		break;
	}
	if (v->raw) {
		v->loop = false;
		v->no_cgroup = true;
	}
	switch (o->failed_exec) {
	case RECORDER_FAILED_FEXIT:
		if (!v->f_fexit_funcs) {
			*ret_problem = RECORDER_NO_FEXIT;
			return -ENOENT;
		}
		v->failed = RECORDER_FAILED_FEXIT;
		break;
	case RECORDER_FAILED_TRACEPOINT:
	case RECORDER_FAILED_KPROBE:
		v->failed = o->failed_exec;
		break;
	default:
		/* kprobes need no BTF: tried when fexit cannot be.  The ids
		 * of a --btf file are not the kernel's: with one, whether
		 * fexit attaches is found out by loading the programs. */
		v->failed = v->f_fexit_funcs ? RECORDER_FAILED_FEXIT : RECORDER_FAILED_KPROBE;
		if (v->failed == RECORDER_FAILED_FEXIT && !o->btf_path && fexit_id > 0) {
			int err = fexit_try_attach(fexit_id);

			if (err)
				rec_variant_fall_back(v, "no trampoline attached", err);
		}
		if (v->failed == RECORDER_FAILED_KPROBE && !has_kprobes())
			rec_variant_fall_back(v, "no kprobe PMU nor kprobe_events", -ENOENT);
		break;
	}
	return 0;
}

void rec_variant_fall_back(struct rec_variant *v, const char *why, int err)
{
	size_t len = strlen(v->fallback);

	/* fexit, then kprobes, then the tracepoints: each reason kept */
	snprintf(v->fallback + len, sizeof(v->fallback) - len, "%s%s: %s (%s)", len ? "; " : "",
		 v->failed == RECORDER_FAILED_FEXIT ? "fexit" : "kprobe", why, strerror(-err));
	v->failed = v->failed == RECORDER_FAILED_FEXIT ? RECORDER_FAILED_KPROBE
						       : RECORDER_FAILED_TRACEPOINT;
}

/* Whether @prog is one of the programs @v wants. */
static bool wanted(const struct execrec_bpf *s, const struct bpf_program *p,
		   const struct rec_variant *v, bool have_iter)
{
	bool fexit = v->failed == RECORDER_FAILED_FEXIT;
	bool tp = v->failed == RECORDER_FAILED_TRACEPOINT;
	bool kp = v->failed == RECORDER_FAILED_KPROBE;

	if (p == s->progs.handle_exec)
		return v->loop && !v->raw;
	if (p == s->progs.handle_exec_bounded)
		return !v->loop && !v->raw;
	if (p == s->progs.handle_fork || p == s->progs.handle_exit)
		return !v->raw;
	if (p == s->progs.handle_exec_raw || p == s->progs.handle_fork_raw ||
	    p == s->progs.handle_exit_raw)
		return v->raw;
	if (p == s->progs.handle_execve_fexit || p == s->progs.handle_execveat_fexit)
		return fexit && v->loop;
	if (p == s->progs.handle_execve_fexit_bounded ||
	    p == s->progs.handle_execveat_fexit_bounded)
		return fexit && !v->loop;
	if (p == s->progs.handle_execve_exit || p == s->progs.handle_execveat_exit)
		return tp && v->loop;
	if (p == s->progs.handle_execve_enter_bounded ||
	    p == s->progs.handle_execveat_enter_bounded ||
	    p == s->progs.handle_execve_exit_bounded || p == s->progs.handle_execveat_exit_bounded)
		return tp && !v->loop;
	if (p == s->progs.handle_execve_kprobe || p == s->progs.handle_execveat_kprobe)
		return kp;
	if (p == s->progs.handle_execve_kretprobe || p == s->progs.handle_execveat_kretprobe)
		return kp && v->loop;
	if (p == s->progs.handle_execve_kretprobe_bounded ||
	    p == s->progs.handle_execveat_kretprobe_bounded)
		return kp && !v->loop;
	if (p == s->progs.snapshot_tasks)
		return have_iter && !v->raw; /* iterators need the kernel's BTF */
	if (p == s->progs.handle_cgroup_mkdir || p == s->progs.handle_cgroup_rmdir)
		return !v->no_cgroup;
	return true;
}

void rec_variant_apply(struct execrec_bpf *s, const struct rec_variant *v, bool have_iter)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, s->obj)
	    bpf_program__set_autoload(p, wanted(s, p, v, have_iter));
	/* The entry-to-exit map serves kprobes and the bounded tracepoints. */
	if (v->failed != RECORDER_FAILED_KPROBE &&
	    (v->loop || v->failed != RECORDER_FAILED_TRACEPOINT))
		bpf_map__set_max_entries(s->maps.pending, 1);
}

static bool is_failed_exec(const struct execrec_bpf *s, const struct bpf_program *p)
{
	return p != s->progs.handle_exec && p != s->progs.handle_exec_bounded &&
	       p != s->progs.handle_fork && p != s->progs.handle_exit &&
	       p != s->progs.handle_exec_raw && p != s->progs.handle_fork_raw &&
	       p != s->progs.handle_exit_raw && p != s->progs.handle_cgroup_mkdir &&
	       p != s->progs.handle_cgroup_rmdir;
}

static bool is_kprobe(const struct execrec_bpf *s, const struct bpf_program *p)
{
	return p == s->progs.handle_execve_kprobe || p == s->progs.handle_execveat_kprobe ||
	       p == s->progs.handle_execve_kretprobe || p == s->progs.handle_execveat_kretprobe ||
	       p == s->progs.handle_execve_kretprobe_bounded ||
	       p == s->progs.handle_execveat_kretprobe_bounded;
}

int rec_variant_attach(struct execrec_bpf *s, struct rec_variant *v, struct bpf_link **links,
		       size_t max, size_t *ret_n, enum recorder_problem *ret_problem)
{
	struct bpf_program *p;
	size_t n = 0;

	bpf_object__for_each_program(p, s->obj)
	{
		struct bpf_link *l;
		int err;

		if (!bpf_program__autoload(p) || p == s->progs.snapshot_tasks)
			continue;
		if (n == max)
			return -E2BIG;
		l = NULL;
		if (is_kprobe(s, p)) {
			/* tracefs first: maxactive and a miss count */
			const char *sec = bpf_program__section_name(p);

			if (rec_kprobe_attach(v, p, strchr(sec, '/') + 1, sec[1] == 'r', &l))
				l = NULL;
			v->kprobe_libbpf = v->kprobe_libbpf || !l;
		}
		if (!l)
			l = bpf_program__attach(p);
		err = l ? 0 : (errno ? -errno : -EINVAL);
		if (l) {
			links[n++] = l;
			*ret_n = n;
			continue;
		}
		/* Without syscall tracepoints (CONFIG_FTRACE_SYSCALLS=n)
		 * failed execs go unrecorded, the rest still works; a failed
		 * fexit attach is the caller's to fall back from. */
		if (is_failed_exec(s, p) && v->failed == RECORDER_FAILED_TRACEPOINT) {
			v->failed_missing = true;
			continue;
		}
		/* Nor are the cgroup programs needed for the rest. */
		if (p == s->progs.handle_cgroup_mkdir || p == s->progs.handle_cgroup_rmdir) {
			v->no_cgroup = true;
			continue;
		}
		*ret_problem = RECORDER_ATTACH;
		if (is_failed_exec(s, p))
			*ret_problem = v->failed == RECORDER_FAILED_FEXIT ? RECORDER_NO_FEXIT
									  : RECORDER_NO_KPROBE;
		return err;
	}
	return 0;
}

int rec_write_variant(struct etr_writer *w, const struct rec_variant *v, bool have_iter)
{
	char buf[256];
	int err;

	if (v->raw)
		snprintf(buf, sizeof(buf), "%s",
			 "raw-tracepoints (no kernel BTF: CO-RE from the --btf file; bounded "
			 "loops)");
	else
		snprintf(buf, sizeof(buf), "%s",
			 v->loop ? "bpf_loop"
				 : "bounded-loops (no bpf_loop: for Linux before 5.17)");
	err = etr_writer__write_meta(w, "bpf.programs", buf, strlen(buf));
	if (err)
		return err;
	if (v->failed_missing)
		snprintf(buf, sizeof(buf),
			 "none: the syscalls:sys_*_execve(at) tracepoints "
			 "could not be attached");
	else if (v->failed == RECORDER_FAILED_FEXIT)
		snprintf(buf, sizeof(buf), "fexit %s %s", fexit_funcs[0], fexit_funcs[1]);
	else if (v->failed == RECORDER_FAILED_KPROBE && v->kprobe_libbpf)
		snprintf(buf, sizeof(buf),
			 "kprobe %s %s (entry and return; perf kprobes: the kernel's maxactive, "
			 "misses not counted)",
			 fexit_funcs[0], fexit_funcs[1]);
	else if (v->failed == RECORDER_FAILED_KPROBE)
		snprintf(buf, sizeof(buf), "kprobe %s %s (entry and return, maxactive %d)",
			 fexit_funcs[0], fexit_funcs[1], v->kretprobe_maxactive);
	else
		snprintf(buf, sizeof(buf), "tracepoint syscalls:sys_%s_execve(at)",
			 v->loop ? "exit" : "enter/exit");
	err = etr_writer__write_meta(w, "bpf.failed_exec", buf, strlen(buf));
	if (err)
		return err;
	if (v->fallback[0]) {
		err = etr_writer__write_meta(w, "bpf.fallback", v->fallback, strlen(v->fallback));
		if (err)
			return err;
	}
	snprintf(buf, sizeof(buf),
		 "kernel_btf=%s bpf_loop=%s get_current_task_btf=%s task_pt_regs=%s "
		 "fexit_funcs=%s task_iter=%s cgroup_tracepoints=%s",
		 v->f_kernel_btf ? "yes" : "no", v->f_loop ? "yes" : "no",
		 v->f_task_btf ? "yes" : "no", v->f_task_pt_regs ? "yes" : "no",
		 v->f_fexit_funcs ? "yes" : "no", have_iter && !v->raw ? "yes" : "no",
		 v->no_cgroup ? "no" : "yes");
	err = etr_writer__write_meta(w, "bpf.features", buf, strlen(buf));
	if (err)
		return err;
	if (v->loop)
		snprintf(buf, sizeof(buf), "cwd_depth=%d failed_exec_argc=unbounded", ER_CWD_DEPTH);
	else
		snprintf(buf, sizeof(buf), "cwd_depth=%d failed_exec_argc=%d", ER_CWD_DEPTH,
			 ER_FAIL_ARGC_BOUNDED);
	return etr_writer__write_meta(w, "bpf.limits", buf, strlen(buf));
}
