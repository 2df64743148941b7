/* SPDX-License-Identifier: MIT */
/*
 * The records the BPF programs put into the ring buffer, shared by
 * bpf/execrec.bpf.c and record/.  Plain fixed-width types only, no kernel or
 * libc headers, so both sides compile this file unchanged.
 *
 * Every record starts with struct er_hdr; er_hdr.size is the record's whole
 * length (the ring buffer rounds samples up to 8 bytes, so user space must
 * use this size, not the sample's).  These records live only between the
 * kernel and the recorder of the same build; what goes into a .etr file is
 * defined by SPEC.md, not here.
 */
#ifndef EXECREC_BPF_EXECREC_H
#define EXECREC_BPF_EXECREC_H

#define ER_COMM_LEN 16

/* One path: the kernel's PATH_MAX. */
#define ER_PATH_MAX 4096
/* A path component: NAME_MAX plus the NUL. */
#define ER_NAME_MAX 256
/* Components walked up from the working directory before giving up and
 * marking the cwd truncated. */
#define ER_CWD_DEPTH 48
/* Strings of a failed exec's argv (and environment) walked by the programs
 * for kernels without bpf_loop() (before Linux 5.17): a bounded loop the
 * verifier of those kernels unrolls.  More strings than this are a cut
 * (ER_F_ARGS_TRUNC); with bpf_loop() the walk goes to --max-args-bytes. */
#define ER_FAIL_ARGC_BOUNDED 64

/* Bounds of --max-args-bytes.  The upper bound keeps the per-CPU scratch
 * value (see execrec.bpf.c) under the 4 MiB the kernel allows a map value. */
#define ER_ARGS_MIN 4096u
#define ER_ARGS_DEFAULT (256u << 10)
#define ER_ARGS_LIMIT (1u << 20)

enum er_type {
	ER_EXEC = 1,	  /* execve/execveat returned to a new program */
	ER_EXEC_FAIL = 2, /* execve/execveat returned an error */
	ER_FORK = 3,	  /* a new process (or thread, with --threads) */
	ER_EXIT = 4,	  /* the last thread of a process exited */
	ER_TYPE_MAX = 5,
	/* not an event: a cgroup v2 directory made or removed (struct
	 * er_cgroup), outside the event types' counters */
	ER_CGROUP = 8,
};

/* Slots of the per-CPU "counters" map: 0..ER_TYPE_MAX-1 count records of that
 * type the ring buffer refused (full), the others count what else was not
 * recorded. */
enum er_counter {
	ER_CNT_FOLLOW_FULL = ER_TYPE_MAX, /* a followed child not added: map full */
	ER_CNT_CGROUP = ER_TYPE_MAX + 1,  /* an ER_CGROUP record the ring refused */
	ER_CNT_MAX = 8,
};

enum er_flags {
	ER_F_ARGS_TRUNC = 1 << 0,     /* argv cut at --max-args-bytes */
	ER_F_ENV_TRUNC = 1 << 1,      /* environment cut at --max-args-bytes */
	ER_F_CWD_TRUNC = 1 << 2,      /* cwd deeper than ER_CWD_DEPTH or longer than ER_PATH_MAX */
	ER_F_FILENAME_TRUNC = 1 << 3, /* filename longer than ER_PATH_MAX */
	ER_F_ARGS_FAULT = 1 << 4,     /* argv memory could not be read */
	ER_F_ENV_FAULT = 1 << 5,      /* environment memory could not be read */
	ER_F_THREAD = 1 << 6,	      /* ER_FORK: the child is a thread */
	ER_F_CWD_FAULT = 1 << 7,      /* cwd could not be read */
};

struct er_hdr {
	__u8 type; /* enum er_type */
	__u8 pad0;
	__u16 flags;	/* enum er_flags */
	__u32 size;	/* bytes of the whole record, header included */
	__u64 ts_ns;	/* CLOCK_BOOTTIME */
	__u64 start_ns; /* process start, CLOCK_BOOTTIME: the group leader's */
	__u64 cgroup_id;
	__u32 pid; /* tgid */
	__u32 tid;
	__u32 ppid; /* real parent's tgid */
	__u32 uid;  /* real uid */
	__u32 gid;  /* real gid */
	__u32 pad1;
	char comm[ER_COMM_LEN];
};

/*
 * ER_EXEC and ER_EXEC_FAIL.  data[] holds, back to back and without
 * terminators, the filename, the cwd, the argv block and the environment
 * block, of the lengths given.  The argv and environment blocks are the
 * strings each followed by its NUL, as the kernel lays them out.  The cwd
 * holds the path components leaf first, each followed by a NUL: BPF can only
 * walk the dentry chain upwards, user space reverses it.
 */
struct er_exec {
	struct er_hdr h;
	__s32 ret;	/* 0, or the -errno of a failed exec */
	__u32 old_tid;	/* the tid that called exec (differs from tid after
			 * an exec from a non-leader thread) */
	__s32 dirfd;	/* ER_EXEC_FAIL of execveat: its dirfd; else -100 */
	__u32 at_flags; /* ER_EXEC_FAIL of execveat: its flags */
	__u32 argc;	/* arguments the program got (or was to get) */
	__u32 filename_len;
	__u32 cwd_len;
	__u32 args_len;	     /* bytes of argv in data[] */
	__u32 args_orig_len; /* bytes of the whole argv block */
	__u32 env_len;
	__u32 env_orig_len;
	__u32 envc;
	__u8 data[];
};

/* ER_FORK: the header describes the child (its pid, tid, start time, its real
 * parent's tgid as ppid); the calling thread is parent_tid. */
struct er_fork {
	struct er_hdr h;
	__u32 parent_tid;
	__u32 pad;
	__u64 parent_start_ns;
};

/* ER_EXIT: tid is the last thread to exit; comm is the group leader's. */
struct er_exit {
	struct er_hdr h;
	__s32 status; /* as wait(2) reports it: exit code << 8 | signal | 0x80 core */
	__u32 pad;
};

/* ER_CGROUP: a cgroup of the v2 hierarchy made (h.flags ER_CG_MKDIR) or
 * removed (ER_CG_RMDIR); only the header's type, flags, size and ts_ns are
 * set.  path is from the hierarchy's root, path_len bytes without the NUL
 * (the kernel's own limit is PATH_MAX; deeper paths are cut). */
#define ER_CGROUP_PATH 1024
enum er_cgroup_op {
	ER_CG_MKDIR = 1,
	ER_CG_RMDIR = 2,
};
struct er_cgroup {
	struct er_hdr h;
	__u64 id; /* the cgroup id: kernfs node id, the directory's inode */
	__u32 path_len;
	__u32 pad;
	char path[ER_CGROUP_PATH];
};

/* One process from the iter/task program: what /proc gives only to the
 * clock tick, exactly, for the snapshot of processes already running. */
struct er_snap {
	__u32 pid; /* tgid */
	__u32 ppid;
	__u64 start_ns; /* CLOCK_BOOTTIME, as in struct er_hdr */
};

#endif /* EXECREC_BPF_EXECREC_H */
