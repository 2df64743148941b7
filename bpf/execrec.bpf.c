// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * execrec's kernel side: one record per exec, failed exec, fork and process
 * exit, into one ring buffer.
 *
 * Hot-path rules: every program returns before touching anything when the
 * event is not wanted (thread fork without --threads, thread exit before the
 * whole group is gone, successful execve seen at the syscall exit, a process
 * outside the followed tree); nothing is kept per thread between hooks
 * except on the failed-exec paths of kernels without fexit; the
 * fixed-size records are reserved in the ring directly, only exec records are
 * built in a per-CPU scratch buffer because their size is only known at the
 * end.
 */
#include "core_types.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "execrec.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

#define AT_FDCWD -100
#define SIGNAL_GROUP_EXIT 0x00000004

/* Set by record/ through the skeleton's rodata before load.  The verifier
 * sees these as constants, which both bounds every variable-size copy and
 * drops the code of disabled features. */
const volatile bool cfg_follow = false;
const volatile bool cfg_threads = false;
const volatile bool cfg_env = false;
const volatile __u32 cfg_max_args = ER_ARGS_DEFAULT;
/* 0: wake the reader on every record; else only once this many bytes wait,
 * so a storm costs one wakeup per batch instead of one per record. */
const volatile __u64 cfg_wakeup_bytes = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20); /* resized by record/ */
} events SEC(".maps");

/* Records lost, per CPU and per type; see enum er_counter. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, ER_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

/* Followed processes by tgid (-- CMD, -p PID).  Filled by user space with
 * the roots, then by the fork hook with every child of a followed process. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} follow SEC(".maps");

/* One exec record under construction per CPU.  An ARRAY indexed by CPU, not
 * a PERCPU_ARRAY, because per-CPU values are limited to 32 KiB.  Sharing one
 * slot per CPU is safe: tracepoint programs run with preemption disabled and
 * the kernel never nests two of them on one CPU.  record/ sets value_size
 * (scratch_size() below) and max_entries (possible CPUs) before load; no BTF
 * value type, so the size can change. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct er_exec) + 2 * ER_PATH_MAX + 2 * ER_ARGS_DEFAULT);
} scratch SEC(".maps");

static __always_inline void count_lost(__u32 slot)
{
	__u64 *c = bpf_map_lookup_elem(&counters, &slot);

	if (c)
		*c += 1;
}

static __always_inline __u64 wake_flags(void)
{
	if (!cfg_wakeup_bytes)
		return 0;
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= cfg_wakeup_bytes
		   ? BPF_RB_FORCE_WAKEUP
		   : BPF_RB_NO_WAKEUP;
}

/*
 * A number or string field of a kernel pointer the program was given:
 * loaded directly in the tp_btf programs (the kernel's own BTF tells the
 * verifier the pointer's type, so a load is one instruction), read with a
 * CO-RE helper call in the raw_tp ones, which load without kernel BTF and
 * whose pointers are plain numbers to the verifier.  @raw is a constant in
 * each program, so each keeps one of the two; both relocate the same offset.
 *
 * A pointer field (task->mm, task->real_parent ...) is read with
 * BPF_CORE_READ() in every program, and so is everything behind it.  Loaded
 * directly, each such hop from a trusted pointer has the verifier look up
 * up to four "<struct>__safe_*" names in the kernel's BTF, by a linear
 * search of its types (125,850 on Linux 6.18), once per state it explores:
 * on 6.18 that was 60% of the programs' verification and of the recorder's
 * start (130 ms, against 63 ms now), which is what a boot's early units
 * wait for.  The helper calls cost about 0.2 us of BPF time per process
 * instead (bench/storm: 2,678 and 3,244 ns before, 2,996 and 3,292 after).
 */
#define KREAD(raw, src, a) ((raw) ? BPF_CORE_READ(src, a) : ___arrow(src, a))

static __always_inline bool followed(__u32 tgid)
{
	return !cfg_follow || bpf_map_lookup_elem(&follow, &tgid);
}

/* The fields every record has, for the current task. */
static __always_inline void fill_current(struct er_hdr *h, __u8 type, struct task_struct *task,
					 bool raw)
{
	__u64 ugid = bpf_get_current_uid_gid();

	h->type = type;
	h->ts_ns = bpf_ktime_get_boot_ns();
	/* The group leader's start time: the same in every record of one
	 * process, also across an exec from a non-leader thread (de_thread()
	 * hands the old leader's start time to the new one). */
	h->start_ns = BPF_CORE_READ(task, group_leader, start_boottime);
	h->cgroup_id = bpf_get_current_cgroup_id();
	h->pid = KREAD(raw, task, tgid);
	h->tid = KREAD(raw, task, pid);
	h->ppid = BPF_CORE_READ(task, real_parent, tgid);
	h->uid = (__u32)ugid;
	h->gid = ugid >> 32;
	bpf_get_current_comm(h->comm, sizeof(h->comm));
}

/* State of the walk up from the working directory. */
struct cwd_walk {
	struct dentry *dentry;
	struct dentry *mnt_root; /* root of the mount dentry is in */
	struct mount *mnt;
	__u32 pos;
	bool done;
	bool fault;
};

/* State of one walk over a user-space string array. */
struct strv_walk {
	const char *const *vec; /* user pointer to the array */
	__u32 len;		/* bytes stored */
	__u32 orig_len;		/* bytes the whole block would take */
	__u32 count;		/* strings seen */
	bool trunc;
	bool fault;
	bool end; /* the array's NULL was reached */
};

/*
 * The state of the bounded-loop walks, per CPU.  In a map value, not on the
 * stack: the verifier knows nothing of what it loads from a map, so every
 * path through one step of the loop ends in the same state and is pruned
 * there; on the stack each path would carry its own range of the position
 * and the older verifiers would explore them all, exponentially.
 */
struct walk_state {
	struct cwd_walk cwd;
	struct strv_walk strv;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct walk_state);
} walk SEC(".maps");

static __always_inline struct walk_state *get_walk(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&walk, &zero);
}

/* The bpf_loop() callbacks' context: the state and where the bytes go. */
struct cwd_ctx {
	struct cwd_walk w;
	__u8 *out;
};

struct strv_ctx {
	struct strv_walk w;
	__u8 *out;
};

/* One step up: a component, or from a mount's root to its mountpoint.
 * Returns 1 when the walk is over. */
static __always_inline long cwd_step(struct cwd_walk *w, __u8 *out)
{
	struct dentry *dentry = w->dentry, *parent;
	struct mount *mnt = w->mnt, *up;
	__u32 pos;
	long n;

	if (dentry == w->mnt_root) {
		up = BPF_CORE_READ(mnt, mnt_parent);
		if (!up || up == mnt) {
			w->done = true;
			return 1;
		}
		w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = up;
		w->mnt_root = BPF_CORE_READ(up, mnt.mnt_root);
		return 0;
	}
	parent = BPF_CORE_READ(dentry, d_parent);
	if (!parent || parent == dentry) {
		w->done = true;
		return 1;
	}
	pos = w->pos;
	barrier_var(pos);
	if (pos > ER_PATH_MAX - ER_NAME_MAX)
		return 1;
	n = bpf_probe_read_kernel_str(out + pos, ER_NAME_MAX, BPF_CORE_READ(dentry, d_name.name));
	if (n <= 0) {
		w->fault = true;
		return 1;
	}
	w->pos = pos + n;
	w->dentry = parent;
	return 0;
}

/* The bpf_loop() callback: a subprogram of its own, which kernels before
 * bpf_loop() cannot even parse; only the loop programs reference it. */
static long cwd_step_cb(__u32 i, void *arg)
{
	struct cwd_ctx *c = arg;

	return cwd_step(&c->w, c->out);
}

/*
 * The working directory, as its components leaf first (see struct er_exec).
 * Walks dentries up to the root of each mount, then continues from the
 * mountpoint in the parent mount, up to the root of the mount namespace.
 * @loop: with bpf_loop() (Linux 5.17), else a bounded loop.
 */
static __always_inline __u32 read_cwd(struct task_struct *task, __u8 *out, __u16 *flags, bool loop)
{
	struct cwd_ctx c = {.out = out};
	struct walk_state *ws = NULL;
	struct cwd_walk *w = &c.w;
	struct vfsmount *vfsmnt;
	struct fs_struct *fs;
	__u32 len;

	if (!loop) {
		ws = get_walk();
		if (!ws)
			return 0;
		w = &ws->cwd;
		w->pos = 0;
		w->done = false;
		w->fault = false;
	}
	fs = BPF_CORE_READ(task, fs);
	if (!fs) {
		*flags |= ER_F_CWD_FAULT;
		return 0;
	}
	w->dentry = BPF_CORE_READ(fs, pwd.dentry);
	vfsmnt = BPF_CORE_READ(fs, pwd.mnt);
	w->mnt = (void *)vfsmnt - bpf_core_field_offset(struct mount, mnt);
	w->mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
	if (loop) {
		bpf_loop(ER_CWD_DEPTH, cwd_step_cb, &c, 0);
	} else {
		/* Unrolled: the verifiers of 5.x and 6.1 reject a back-edge
		 * that clang may lay out as the fall-through of a helper call
		 * ("back-edge from insn"); straight code has none. */
#pragma clang loop unroll(full)
		for (int i = 0; i < ER_CWD_DEPTH; i++)
			if (cwd_step(w, out))
				break;
	}
	if (w->fault)
		*flags |= ER_F_CWD_FAULT;
	else if (!w->done)
		*flags |= ER_F_CWD_TRUNC;
	len = w->pos;
	barrier_var(len);
	return len > ER_PATH_MAX ? 0 : len;
}

static __always_inline __u8 *get_scratch(void)
{
	__u32 cpu = bpf_get_smp_processor_id();

	return bpf_map_lookup_elem(&scratch, &cpu);
}

/* Sends the exec record built in the scratch buffer. */
static __always_inline void emit_exec(struct er_exec *e)
{
	__u64 size = sizeof(*e) + e->filename_len + e->cwd_len;

	size += e->args_len;
	size += e->env_len;
	/* Never true (each part was bounded when stored), but the verifier
	 * must see the size bounded by the scratch value in this register. */
	barrier_var(size);
	if (size > sizeof(*e) + 2 * ER_PATH_MAX + (cfg_env ? 4 : 2) * (__u64)cfg_max_args)
		return;
	e->h.size = size;
	if (bpf_ringbuf_output(&events, e, size, wake_flags()))
		count_lost(e->h.type);
}

/*
 * Copies a process's argv or environment block (the strings and their NULs,
 * back to back, as exec laid them out) from the new program's memory, cut at
 * cfg_max_args bytes.
 */
static __always_inline __u32 read_block(__u8 *out, unsigned long start, unsigned long end,
					__u32 *orig_len, __u16 *flags, __u16 trunc_flag,
					__u16 fault_flag)
{
	__u64 len = end > start ? end - start : 0;

	*orig_len = len;
	if (len > cfg_max_args) {
		len = cfg_max_args;
		*flags |= trunc_flag;
	}
	barrier_var(len);
	if (len > cfg_max_args)
		return 0;
	if (len && bpf_probe_read_user(out, len, (const void *)start)) {
		*flags |= fault_flag;
		return 0;
	}
	return len;
}

/*
 * The filename and the cwd, the start of every exec record.  Returns where
 * the argv block goes in e->data; the masks change nothing (both parts were
 * bounded when read) but show the verifier the bound on the register used.
 */
static __always_inline __u32 fill_paths(struct er_exec *e, struct task_struct *task,
					const char *filename, bool user, bool loop)
{
	__u32 fn_len, cwd_len, off;
	long n;

	if (user)
		n = bpf_probe_read_user_str(e->data, ER_PATH_MAX, filename);
	else
		n = bpf_probe_read_kernel_str(e->data, ER_PATH_MAX, filename);
	if (n <= 0)
		n = 1;
	if (n >= ER_PATH_MAX)
		e->h.flags |= ER_F_FILENAME_TRUNC;
	/* barrier_var() before each mask: the compiler, knowing the mask
	 * changes nothing, would drop it. */
	fn_len = n - 1;
	barrier_var(fn_len);
	fn_len &= ER_PATH_MAX - 1;
	e->filename_len = fn_len;
	cwd_len = read_cwd(task, e->data + fn_len, &e->h.flags, loop);
	e->cwd_len = cwd_len;
	off = fn_len + cwd_len;
	barrier_var(off);
	return off & (2 * ER_PATH_MAX - 1);
}

/* @raw: a raw_tp program (see KREAD()), which also means bounded loops. */
static __always_inline int exec_common(__u64 *ctx, bool loop, bool raw)
{
	struct task_struct *task = (struct task_struct *)ctx[0];
	pid_t old_pid = (pid_t)ctx[1];
	struct linux_binprm *bprm = (struct linux_binprm *)ctx[2];
	struct mm_struct *mm;
	struct er_exec *e;
	__u32 args_len;
	__u64 off;

	if (!followed(KREAD(raw, task, tgid)))
		return 0;
	e = (struct er_exec *)get_scratch();
	if (!e)
		return 0;

	fill_current(&e->h, ER_EXEC, task, raw);
	e->h.flags = 0;
	e->ret = 0;
	e->old_tid = old_pid;
	e->dirfd = AT_FDCWD;
	e->at_flags = 0;
	e->argc = KREAD(raw, bprm, argc);
	e->envc = KREAD(raw, bprm, envc);

	/* bprm->filename is the path exec was given ("/dev/fd/N" for fexecve),
	 * the script's for a #! script. */
	off = fill_paths(e, task, KREAD(raw, bprm, filename), false, loop);
	mm = BPF_CORE_READ(task, mm);
	args_len =
	    read_block(e->data + off, BPF_CORE_READ(mm, arg_start), BPF_CORE_READ(mm, arg_end),
		       &e->args_orig_len, &e->h.flags, ER_F_ARGS_TRUNC, ER_F_ARGS_FAULT);
	e->args_len = args_len;
	e->env_len = 0;
	e->env_orig_len = 0;
	if (cfg_env) {
		barrier_var(args_len);
		if (args_len > cfg_max_args)
			return 0;
		off += args_len;
		e->env_len = read_block(e->data + off, BPF_CORE_READ(mm, env_start),
					BPF_CORE_READ(mm, env_end), &e->env_orig_len, &e->h.flags,
					ER_F_ENV_TRUNC, ER_F_ENV_FAULT);
	}
	emit_exec(e);
	return 0;
}

/* record/ loads one of the three, after probing for bpf_loop() and the
 * kernel's own BTF.  A raw tracepoint's context is its arguments, 8 bytes
 * each, as a tp_btf one's: (task, old_pid, bprm). */
SEC("tp_btf/sched_process_exec")
int handle_exec(__u64 *ctx)
{
	return exec_common(ctx, true, false);
}

SEC("tp_btf/sched_process_exec")
int handle_exec_bounded(__u64 *ctx)
{
	return exec_common(ctx, false, false);
}

SEC("raw_tp/sched_process_exec")
int handle_exec_raw(__u64 *ctx)
{
	return exec_common(ctx, false, true);
}

static __always_inline long strv_step(__u32 i, struct strv_walk *w, __u8 *out)
{
	const char *s;
	__u64 pos; /* 64-bit: no zero-extended copy for the compiler to check instead */
	long n;

	if (bpf_probe_read_user(&s, sizeof(s), &w->vec[i])) {
		w->fault = true;
		w->end = true;
		return 1;
	}
	if (!s) {
		w->end = true;
		return 1;
	}
	w->count++;
	/* Once the block is full, later strings are still read (into the
	 * spare room after it) only to learn the block's whole length. */
	pos = w->trunc ? cfg_max_args : w->len;
	barrier_var(pos);
	if (pos > cfg_max_args)
		return 1;
	if (w->fault)
		return 0;
	n = bpf_probe_read_user_str(out + pos, cfg_max_args, s);
	if (n <= 0) {
		/* A string on a page the process never touched (a literal
		 * of a freshly forked child, say) cannot be faulted in here:
		 * keep what was read, go on counting the strings. */
		w->fault = true;
		return 0;
	}
	w->orig_len += n;
	if (w->trunc)
		return 0;
	if (pos + n > cfg_max_args) {
		w->len = cfg_max_args;
		w->trunc = true;
	} else {
		w->len = pos + n;
	}
	return 0;
}

static long strv_step_cb(__u32 i, void *arg)
{
	struct strv_ctx *c = arg;

	return strv_step(i, &c->w, c->out);
}

/* Walks a user string array into @out; returns the bytes stored.  Without
 * bpf_loop() (@loop false) at most ER_FAIL_ARGC_BOUNDED strings, more are a
 * cut. */
static __always_inline __u32 read_strv(const char *const *vec, __u8 *out, __u32 *ret_count,
				       __u32 *ret_orig_len, __u16 *flags, __u16 trunc_flag,
				       __u16 fault_flag, bool loop)
{
	struct strv_ctx c = {.w.vec = vec, .out = out};
	struct strv_walk *w = &c.w;
	struct walk_state *ws;
	__u32 len;

	if (!loop) {
		ws = get_walk();
		if (!ws)
			return 0;
		w = &ws->strv;
		__builtin_memset(w, 0, sizeof(*w));
		w->vec = vec;
	}
	if (!vec) {
		w->end = true;
	} else if (loop) {
		bpf_loop(cfg_max_args, strv_step_cb, &c, 0);
		w->end = true; /* cfg_max_args strings fill the block anyway */
	} else {
#pragma clang loop unroll(full)
		for (__u32 i = 0; i < ER_FAIL_ARGC_BOUNDED; i++)
			if (strv_step(i, w, out))
				break;
	}
	*ret_count = w->count;
	*ret_orig_len = w->orig_len;
	if (w->trunc || !w->end)
		*flags |= trunc_flag;
	if (w->fault)
		*flags |= fault_flag;
	len = w->len;
	barrier_var(len);
	return len > cfg_max_args ? 0 : len;
}

/* The header fields of the current task, read through helpers: for the
 * programs of kernels without bpf_get_current_task_btf() (before 5.11),
 * whose task pointer the verifier does not let be dereferenced. */
static __always_inline void fill_current_read(struct er_hdr *h, __u8 type)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 ugid = bpf_get_current_uid_gid();
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	h->type = type;
	h->ts_ns = bpf_ktime_get_boot_ns();
	h->start_ns = BPF_CORE_READ(task, group_leader, start_boottime);
	h->cgroup_id = bpf_get_current_cgroup_id();
	h->pid = pid_tgid >> 32;
	h->tid = (__u32)pid_tgid;
	h->ppid = BPF_CORE_READ(task, real_parent, tgid);
	h->uid = (__u32)ugid;
	h->gid = ugid >> 32;
	bpf_get_current_comm(h->comm, sizeof(h->comm));
}

/* The arguments of an execve/execveat, as the syscall got them. */
struct exec_args {
	const char *filename;
	const char *const *argv;
	const char *const *envp;
	__s32 dirfd;
	__u32 flags;
};

static __always_inline void args_from_regs(struct exec_args *a, const struct pt_regs *regs, bool at)
{
	if (at) {
		a->dirfd = (int)BPF_CORE_READ(regs, di);
		a->filename = (const char *)BPF_CORE_READ(regs, si);
		a->argv = (const char *const *)BPF_CORE_READ(regs, dx);
		a->envp = (const char *const *)BPF_CORE_READ(regs, r10);
		a->flags = BPF_CORE_READ(regs, r8);
	} else {
		a->dirfd = AT_FDCWD;
		a->filename = (const char *)BPF_CORE_READ(regs, di);
		a->argv = (const char *const *)BPF_CORE_READ(regs, si);
		a->envp = (const char *const *)BPF_CORE_READ(regs, dx);
		a->flags = 0;
	}
}

/*
 * A failed execve/execveat.  The caller's memory is still intact after a
 * failed exec, so filename and argv are read now.  @loop: the bpf_loop()
 * programs, which also have bpf_get_current_task_btf(); else the bounded
 * ones.
 */
static __always_inline int exec_fail_common(long ret, const struct exec_args *a, bool loop)
{
	struct task_struct *task;
	struct er_exec *e;
	__u32 args_len;
	__u64 off;

	if (!followed(bpf_get_current_pid_tgid() >> 32))
		return 0;
	e = (struct er_exec *)get_scratch();
	if (!e)
		return 0;
	if (loop) {
		task = bpf_get_current_task_btf();
		fill_current(&e->h, ER_EXEC_FAIL, task, false);
	} else {
		task = (struct task_struct *)bpf_get_current_task();
		fill_current_read(&e->h, ER_EXEC_FAIL);
	}
	e->h.flags = 0;
	e->ret = ret;
	e->old_tid = e->h.tid;
	e->dirfd = a->dirfd;
	e->at_flags = a->flags;

	off = fill_paths(e, task, a->filename, true, loop);
	args_len = read_strv(a->argv, e->data + off, &e->argc, &e->args_orig_len, &e->h.flags,
			     ER_F_ARGS_TRUNC, ER_F_ARGS_FAULT, loop);
	e->args_len = args_len;
	e->env_len = 0;
	e->env_orig_len = 0;
	e->envc = 0;
	if (cfg_env) {
		barrier_var(args_len);
		if (args_len > cfg_max_args)
			return 0;
		off += args_len;
		e->env_len = read_strv(a->envp, e->data + off, &e->envc, &e->env_orig_len,
				       &e->h.flags, ER_F_ENV_TRUNC, ER_F_ENV_FAULT, loop);
	}
	emit_exec(e);
	return 0;
}

/*
 * Failed execs, first way: at the return of the syscall's entry function,
 * through a BPF trampoline (fexit).  Only execs pay; the function gets the
 * caller's saved registers, which hold the arguments.
 */
static __always_inline int fexit_common(const struct pt_regs *regs, long ret, bool at, bool loop)
{
	struct exec_args a;

	if (ret >= 0)
		return 0;
	args_from_regs(&a, regs, at);
	return exec_fail_common(ret, &a, loop);
}

SEC("fexit/__x64_sys_execve")
int BPF_PROG(handle_execve_fexit, const struct pt_regs *regs, long ret)
{
	return fexit_common(regs, ret, false, true);
}

SEC("fexit/__x64_sys_execveat")
int BPF_PROG(handle_execveat_fexit, const struct pt_regs *regs, long ret)
{
	return fexit_common(regs, ret, true, true);
}

SEC("fexit/__x64_sys_execve")
int BPF_PROG(handle_execve_fexit_bounded, const struct pt_regs *regs, long ret)
{
	return fexit_common(regs, ret, false, false);
}

SEC("fexit/__x64_sys_execveat")
int BPF_PROG(handle_execveat_fexit_bounded, const struct pt_regs *regs, long ret)
{
	return fexit_common(regs, ret, true, false);
}

/*
 * Failed execs, second way, for kernels whose BTF does not let fexit read the
 * registers (Debian's 5.10): a kprobe at the entry of the same function
 * keeps the arguments, a kretprobe at its return reads the result.  Only
 * execs pay, as with fexit.  (The map is defined with the tracepoints'.)
 */
struct exec_args;
static __always_inline void keep_args(const struct exec_args *a);
static __always_inline int exit_kept(long ret, bool loop);

static __always_inline int kprobe_common(const struct pt_regs *regs, bool at)
{
	struct exec_args a;

	args_from_regs(&a, regs, at);
	keep_args(&a);
	return 0;
}

/* A kprobe's context is the registers at the probed function: its one
 * argument, the caller's saved registers, in di; at the return, the result
 * in ax. */
SEC("kprobe/__x64_sys_execve")
int handle_execve_kprobe(struct pt_regs *ctx)
{
	return kprobe_common((const struct pt_regs *)ctx->di, false);
}

SEC("kprobe/__x64_sys_execveat")
int handle_execveat_kprobe(struct pt_regs *ctx)
{
	return kprobe_common((const struct pt_regs *)ctx->di, true);
}

SEC("kretprobe/__x64_sys_execve")
int handle_execve_kretprobe(struct pt_regs *ctx)
{
	return exit_kept((long)ctx->ax, true);
}

SEC("kretprobe/__x64_sys_execveat")
int handle_execveat_kretprobe(struct pt_regs *ctx)
{
	return exit_kept((long)ctx->ax, true);
}

SEC("kretprobe/__x64_sys_execve")
int handle_execve_kretprobe_bounded(struct pt_regs *ctx)
{
	return exit_kept((long)ctx->ax, false);
}

SEC("kretprobe/__x64_sys_execveat")
int handle_execveat_kretprobe_bounded(struct pt_regs *ctx)
{
	return exit_kept((long)ctx->ax, false);
}

/*
 * Failed execs, third way: the syscall tracepoints.  While any is attached
 * every syscall of every process takes the kernel's slow path, so this is
 * the fallback for kernels without trampolines.
 */

/* The context of a syscalls:sys_exit_* tracepoint, as its format file says. */
struct sys_exit_args {
	__u64 common;
	int nr;
	long ret;
};

/* With bpf_task_pt_regs() (5.15) the exit alone does: the syscall entry
 * leaves the arguments untouched in the saved registers, so no entry hook,
 * no per-thread map, and a successful exec pays a single compare. */
static __always_inline int tp_exit_common(struct sys_exit_args *ctx, bool at)
{
	struct exec_args a;

	if (ctx->ret >= 0)
		return 0;
	args_from_regs(&a, (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf()), at);
	return exec_fail_common(ctx->ret, &a, true);
}

SEC("tracepoint/syscalls/sys_exit_execve")
int handle_execve_exit(struct sys_exit_args *ctx)
{
	return tp_exit_common(ctx, false);
}

SEC("tracepoint/syscalls/sys_exit_execveat")
int handle_execveat_exit(struct sys_exit_args *ctx)
{
	return tp_exit_common(ctx, true);
}

/* Without bpf_task_pt_regs(): the entry tracepoint keeps the arguments for
 * the exit, per thread.  LRU: the entry of an exec that succeeded from a
 * non-leader thread is never looked up again (the exit runs under the
 * leader's tid). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct exec_args);
} pending SEC(".maps");

/* The contexts of syscalls:sys_enter_execve(at): every argument 8 bytes. */
struct sys_enter_execve_args {
	__u64 common;
	__u64 nr;
	__u64 filename;
	__u64 argv;
	__u64 envp;
};

struct sys_enter_execveat_args {
	__u64 common;
	__u64 nr;
	__u64 fd;
	__u64 filename;
	__u64 argv;
	__u64 envp;
	__u64 flags;
};

static __always_inline void keep_args(const struct exec_args *a)
{
	__u64 id = bpf_get_current_pid_tgid();

	if (!followed(id >> 32))
		return;
	bpf_map_update_elem(&pending, &id, a, BPF_ANY);
}

SEC("tracepoint/syscalls/sys_enter_execve")
int handle_execve_enter_bounded(struct sys_enter_execve_args *ctx)
{
	struct exec_args a = {
	    .filename = (const char *)ctx->filename,
	    .argv = (const char *const *)ctx->argv,
	    .envp = (const char *const *)ctx->envp,
	    .dirfd = AT_FDCWD,
	};

	keep_args(&a);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_execveat")
int handle_execveat_enter_bounded(struct sys_enter_execveat_args *ctx)
{
	struct exec_args a = {
	    .filename = (const char *)ctx->filename,
	    .argv = (const char *const *)ctx->argv,
	    .envp = (const char *const *)ctx->envp,
	    .dirfd = (int)ctx->fd,
	    .flags = (__u32)ctx->flags,
	};

	keep_args(&a);
	return 0;
}

/* The return of an exec whose arguments keep_args() kept. */
static __always_inline int exit_kept(long ret, bool loop)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct exec_args a, *kept;

	kept = bpf_map_lookup_elem(&pending, &id);
	if (!kept)
		return 0;
	a = *kept;
	bpf_map_delete_elem(&pending, &id);
	if (ret >= 0)
		return 0;
	return exec_fail_common(ret, &a, loop);
}

SEC("tracepoint/syscalls/sys_exit_execve")
int handle_execve_exit_bounded(struct sys_exit_args *ctx)
{
	return exit_kept(ctx->ret, false);
}

SEC("tracepoint/syscalls/sys_exit_execveat")
int handle_execveat_exit_bounded(struct sys_exit_args *ctx)
{
	return exit_kept(ctx->ret, false);
}

/* The fork hook's body; @raw: a raw_tp program (see KREAD()). */
static __always_inline int fork_common(__u64 *ctx, bool raw)
{
	struct task_struct *parent = (struct task_struct *)ctx[0];
	struct task_struct *child = (struct task_struct *)ctx[1];
	__u32 parent_tgid, child_tgid = KREAD(raw, child, tgid);
	bool thread = KREAD(raw, child, pid) != child_tgid;
	const struct cred *cred;
	struct er_fork *f;
	__u8 one = 1;

	if (thread && !cfg_threads)
		return 0;
	parent_tgid = KREAD(raw, parent, tgid);
	if (cfg_follow) {
		if (!bpf_map_lookup_elem(&follow, &parent_tgid))
			return 0;
		if (!thread && bpf_map_update_elem(&follow, &child_tgid, &one, BPF_ANY))
			count_lost(ER_CNT_FOLLOW_FULL);
	}

	f = bpf_ringbuf_reserve(&events, sizeof(*f), 0);
	if (!f) {
		count_lost(ER_FORK);
		return 0;
	}
	f->h.type = ER_FORK;
	f->h.pad0 = 0;
	f->h.flags = thread ? ER_F_THREAD : 0;
	f->h.size = sizeof(*f);
	f->h.ts_ns = bpf_ktime_get_boot_ns();
	f->h.start_ns = BPF_CORE_READ(child, group_leader, start_boottime);
	/* The child's cgroup: not yet bpf_get_current_cgroup_id()'s, which is
	 * the parent's (a pointer chain: BPF_CORE_READ(), see KREAD()). */
	f->h.cgroup_id = BPF_CORE_READ(child, cgroups, dfl_cgrp, kn, id);
	f->h.pid = child_tgid;
	f->h.tid = KREAD(raw, child, pid);
	f->h.ppid = BPF_CORE_READ(child, real_parent, tgid);
	cred = BPF_CORE_READ(child, real_cred);
	f->h.uid = BPF_CORE_READ(cred, uid.val);
	f->h.gid = BPF_CORE_READ(cred, gid.val);
	f->h.pad1 = 0;
	/* The child has no comm of its own yet: it is the parent's. */
	bpf_get_current_comm(f->h.comm, sizeof(f->h.comm));
	f->parent_tid = KREAD(raw, parent, pid);
	f->pad = 0;
	f->parent_start_ns = BPF_CORE_READ(parent, group_leader, start_boottime);
	bpf_ringbuf_submit(f, wake_flags());
	return 0;
}

/* (parent, child) */
SEC("tp_btf/sched_process_fork")
int handle_fork(__u64 *ctx)
{
	return fork_common(ctx, false);
}

SEC("raw_tp/sched_process_fork")
int handle_fork_raw(__u64 *ctx)
{
	return fork_common(ctx, true);
}

/* The exit hook's body; @raw: a raw_tp program (see KREAD()). */
static __always_inline int exit_common(__u64 *ctx, bool raw)
{
	struct task_struct *task = (struct task_struct *)ctx[0];
	struct signal_struct *sig = BPF_CORE_READ(task, signal);
	struct task_struct *leader;
	__u32 tgid = KREAD(raw, task, tgid);
	bool group_dead;
	struct er_exit *x;

	/* Since Linux 6.16 the tracepoint says whether this is the group's
	 * last thread; before, signal->live already dropped to 0 for it. */
	if (bpf_core_field_exists(struct trace_event_raw_sched_process_exit, group_dead))
		group_dead = (bool)ctx[1];
	else
		group_dead = BPF_CORE_READ(sig, live.counter) == 0;
	if (!group_dead)
		return 0;
	if (cfg_follow) {
		if (!bpf_map_lookup_elem(&follow, &tgid))
			return 0;
		bpf_map_delete_elem(&follow, &tgid);
	}

	x = bpf_ringbuf_reserve(&events, sizeof(*x), 0);
	if (!x) {
		count_lost(ER_EXIT);
		return 0;
	}
	fill_current(&x->h, ER_EXIT, task, raw);
	x->h.pad0 = 0;
	x->h.flags = 0;
	x->h.size = sizeof(*x);
	x->h.pad1 = 0;
	leader = BPF_CORE_READ(task, group_leader);
	/* What wait(2) will report: the group exit code once exit_group() or
	 * a fatal signal ended the group, else the leader's own. */
	if (BPF_CORE_READ(sig, flags) & SIGNAL_GROUP_EXIT)
		x->status = BPF_CORE_READ(sig, group_exit_code);
	else
		x->status = BPF_CORE_READ(leader, exit_code);
	/* The process's name, not that of whichever thread exited last. */
	bpf_probe_read_kernel(x->h.comm, sizeof(x->h.comm), leader->comm);
	x->pad = 0;
	bpf_ringbuf_submit(x, wake_flags());
	return 0;
}

/* (task), and since Linux 6.16 group_dead */
SEC("tp_btf/sched_process_exit")
int handle_exit(__u64 *ctx)
{
	return exit_common(ctx, false);
}

SEC("raw_tp/sched_process_exit")
int handle_exit_raw(__u64 *ctx)
{
	return exit_common(ctx, true);
}

/*
 * The cgroup map: each cgroup the v2 hierarchy (hierarchy id 0) gains or
 * loses, so user space can name the cgroup id every event carries.  Rare
 * (a unit start or stop), so a fixed-size record is reserved directly.
 */
static __always_inline int cgroup_event(struct cgroup *cgrp, const char *path, __u16 op)
{
	struct er_cgroup *c;
	long n;

	if (BPF_CORE_READ(cgrp, root, hierarchy_id) != 0)
		return 0;
	c = bpf_ringbuf_reserve(&events, sizeof(*c), 0);
	if (!c) {
		count_lost(ER_CNT_CGROUP);
		return 0;
	}
	__builtin_memset(&c->h, 0, sizeof(c->h));
	c->h.type = ER_CGROUP;
	c->h.flags = op;
	c->h.size = sizeof(*c);
	c->h.ts_ns = bpf_ktime_get_boot_ns();
	c->id = BPF_CORE_READ(cgrp, kn, id);
	n = bpf_probe_read_kernel_str(c->path, sizeof(c->path), path);
	c->path_len = n > 0 ? n - 1 : 0;
	c->pad = 0;
	bpf_ringbuf_submit(c, wake_flags());
	return 0;
}

SEC("tp_btf/cgroup_mkdir")
int handle_cgroup_mkdir(__u64 *ctx)
{
	return cgroup_event((struct cgroup *)ctx[0], (const char *)ctx[1], ER_CG_MKDIR);
}

SEC("tp_btf/cgroup_rmdir")
int handle_cgroup_rmdir(__u64 *ctx)
{
	return cgroup_event((struct cgroup *)ctx[0], (const char *)ctx[1], ER_CG_RMDIR);
}

/*
 * The processes alive now, one struct er_snap per thread group, read by
 * user space through an iterator link.  /proc has start times in clock
 * ticks only; these are the exact values the events carry, so a process of
 * the snapshot is matched by (pid, start_ns) like any other.
 */
SEC("iter/task")
int snapshot_tasks(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct er_snap s;

	if (!task || BPF_CORE_READ(task, pid) != BPF_CORE_READ(task, tgid))
		return 0;
	s.pid = BPF_CORE_READ(task, tgid);
	s.ppid = BPF_CORE_READ(task, real_parent, tgid);
	s.start_ns = BPF_CORE_READ(task, start_boottime);
	bpf_seq_write(ctx->meta->seq, &s, sizeof(s));
	return 0;
}
