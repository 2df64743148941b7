/* SPDX-License-Identifier: MIT */
/* What the files of record/ share; not for use outside record/. */
#ifndef EXECREC_RECORD_INTERNAL_H
#define EXECREC_RECORD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "etr.h"
#include "record.h"
#include "redact.h"

struct btf;

static inline uint64_t rec_now(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* recorder.c: the caller's recorder_opts @u, of any size it was built
 * with, into @o (fields past its sz are 0); -EINVAL if it is NULL or has
 * non-zero bytes beyond the fields known here. */
int rec_opts_read(struct recorder_opts *o, const struct recorder_opts *u);

/* meta.c */
int rec_write_meta(struct etr_writer *w, const struct recorder_opts *o);
int rec_write_clock(struct etr_writer *w);
int rec_write_tpformats(struct etr_writer *w);
/* @path: the kernel BTF from this file instead of /sys/kernel/btf/vmlinux;
 * @btf: that BTF already parsed (rec_variant_probe() did), or NULL to
 * parse it here.  @btf stays the caller's. */
struct btf;
int rec_write_btf(struct etr_writer *w, enum recorder_btf mode, const char *path,
		  const struct btf *btf);
/* The tracefs directory holding events/, or NULL when none is mounted. */
const char *rec_tracefs(void);

/* btf_subset.c: raw BTF of the kernel types record/ reads (see
 * bpf/core_types.h), with their members' types, pointers to any other
 * struct or union reduced to forward declarations.  *ret_data is malloc'ed. */
int rec_btf_subset__build(const struct btf *vmlinux, void **ret_data, size_t *ret_len);

/* variant.c: which programs this kernel gets (see the file's comment) */
#define REC_KPROBES_MAX 4
struct rec_variant {
	bool loop;				 /* the bpf_loop() programs, else bounded loops */
	bool raw;				 /* raw_tp programs: no kernel BTF at load */
	bool f_kernel_btf;			 /* /sys/kernel/btf/vmlinux exists */
	enum recorder_failed_exec failed;	 /* FEXIT or TRACEPOINT */
	bool failed_missing;			 /* no way to see failed execs attached */
	bool f_loop, f_task_btf, f_task_pt_regs; /* helpers the kernel has */
	bool f_fexit_funcs;			 /* the fexit targets are in the BTF */
	bool no_cgroup;				 /* no cgroup:cgroup_mkdir/rmdir programs */
	char fallback[160];			 /* why auto did not get fexit, "" if it did */
	/* the kprobe path's tracefs events (kprobes.c), to count misses and
	 * remove; kprobe_libbpf: attached by libbpf instead, misses unseen */
	char kprobes[REC_KPROBES_MAX][32];
	size_t nkprobes;
	int kretprobe_maxactive;
	bool kprobe_libbpf;
};
struct execrec_bpf;
struct bpf_link;
/* @ret_btf: when not NULL, the kernel BTF it parsed (of o->btf_path, or
 * the kernel's own) is handed over there, for the trace's BTF subset,
 * instead of being parsed a second time: the caller's to free, whatever
 * the result (NULL if the parse failed). */
int rec_variant_probe(struct rec_variant *v, const struct recorder_opts *o,
		      enum recorder_problem *ret_problem, struct btf **ret_btf);
void rec_variant_fall_back(struct rec_variant *v, const char *why, int err);
void rec_variant_apply(struct execrec_bpf *s, const struct rec_variant *v, bool have_iter);
int rec_variant_attach(struct execrec_bpf *s, struct rec_variant *v, struct bpf_link **links,
		       size_t max, size_t *ret_n, enum recorder_problem *ret_problem);
int rec_write_variant(struct etr_writer *w, const struct rec_variant *v, bool have_iter);

/* kprobes.c: the failed-exec kprobes through tracefs (see the file) */
struct bpf_program;
int rec_kprobe_attach(struct rec_variant *v, struct bpf_program *prog, const char *func,
		      bool retprobe, struct bpf_link **ret_link);
/* Removes the events; their links must be destroyed first. */
void rec_kprobe_remove_all(struct rec_variant *v);
/* The calls and returns the events missed so far. */
int rec_kprobe_missed(const struct rec_variant *v, uint64_t *ret_missed);

/* cgroups.c: the cgroup map (CGROUP chunks) */
/* A CREATED/PRESENT record for every directory of the cgroup v2 hierarchy,
 * if one is mounted; paths through @rd's rules when not NULL. */
int rec_cgroup_walk(struct etr_writer *w, struct redactor *rd);
/* The CGROUP record of an ER_CGROUP ring buffer record. */
int rec_cgroup_sample(struct etr_writer *w, struct redactor *rd, const void *data, size_t size);

/* snapshot.c */
/* Exact start times of running processes (from the BPF task iterator),
 * sorted by pid. */
struct rec_start {
	uint32_t pid;
	uint64_t start_ns;
};

/* Write a PROC record for each process in @pids, or for every process in
 * /proc when @pids is NULL.  Processes gone meanwhile are skipped.  A
 * process found in @starts (may be NULL) gets that start time, else the
 * one /proc gives, exact to a clock tick. */
int rec_snapshot(struct etr_writer *w, const pid_t *pids, size_t n, const struct rec_start *starts,
		 size_t nstarts, struct redactor *rd);
/* The processes @root started that are still alive, children before their
 * own children.  *ret_pids is malloc'ed. */
int rec_descendants(pid_t root, pid_t **ret_pids, size_t *ret_n);
/* The thread group of thread @tid (@tid itself when unknown). */
pid_t rec_tgid_of(pid_t tid);
/* Whether a process @pid is alive (a zombie counts as gone). */
bool rec_pid_alive(pid_t pid);

/* child.c: the command a session follows (see the file) */
/* @name as execvp() finds it in @search_path (NULL or "": a default). */
int rec_cmd_find(const char *name, const char *search_path, char *buf, size_t len);
/* Start @prog held on a pipe: it runs nothing until a byte is written to
 * *ret_gate (closing it makes it exit 127).  *ret_exec_err is read by
 * rec_cmd_exec_error() once it exited.  The pid, or -1 and errno. */
pid_t rec_cmd_spawn_held(const char *prog, char *const *argv, bool stdout_to_stderr, int *ret_gate,
			 int *ret_exec_err);
/* Why the command's exec failed (-errno), or 0 if it did not. */
int rec_cmd_exec_error(int fd);

#define REC_WAIT_SHOWN 3
/* After CMD exited: the processes of its tree still running. */
struct rec_wait {
	int alive;		    /* at the last look */
	pid_t pids[REC_WAIT_SHOWN]; /* some of them, to name */
	uint64_t next_look;	    /* CLOCK_MONOTONIC ns */
	bool settling;		    /* none left: one more drain first */
};
/* Look at the followed processes again if it is time (@now, CLOCK_MONOTONIC
 * ns).  True once none is left and the events of the last ones had time to
 * arrive: then the recording can end. */
bool rec_wait_done(struct rec_wait *w, struct recorder *r, uint64_t now);
/* "sleep (1234), sh (1233) and 2 more" */
void rec_wait_describe(const struct rec_wait *w, char *buf, size_t len);

#endif /* EXECREC_RECORD_INTERNAL_H */
