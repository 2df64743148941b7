/* SPDX-License-Identifier: MIT */
/*
 * live.h - this machine, now: what the running kernel and the local files
 * say can be traced
 *
 * The offline analyzer (replay/) reads traces; everything that asks the
 * running system is here: tracefs, the kernel's BTF file, /proc/kallsyms,
 * perf_event_open(), the bpf() syscall for a support probe, ELF files and
 * the library folders ld.so would search. Plain C types only (names and
 * numbers handed to a callback), so this library needs libc, and libelf
 * for the ELF part, and nothing of execrec's.
 *
 * Conventions as in format/etr.h: object__verb names, 0 or -errno,
 * constructors return NULL and set errno, destructors accept NULL, nothing
 * prints and nothing reads the environment: $PATH and $LD_LIBRARY_PATH
 * come in through live_opts.
 */
#ifndef EXECREC_LIVE_H
#define EXECREC_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bounds on what is read from files a user or the system controls. */
#define LIVE_SMALL_FILE_MAX (1u << 20) /* a format file, ld.so.conf */
#define LIVE_BIG_FILE_MAX (256u << 20) /* kallsyms, filter functions, BTF */

/*
 * A whole file, NUL-terminated (the NUL not counted), at most @max bytes:
 * 0 and *@ret_buf (free it) and *@ret_len, or -errno (-EFBIG: longer).
 * Reads until EOF, since procfs and tracefs files say their size is 0.
 */
int live_read_file(const char *path, size_t max, char **ret_buf, size_t *ret_len);

struct live_opts {
	size_t sz; /* sizeof(struct live_opts) */
	/* The usual places when NULL; tests point them at files of their own. */
	const char *tracefs;	      /* the tracefs mount point */
	const char *btf_path;	      /* /sys/kernel/btf/vmlinux */
	const char *filter_functions; /* TRACEFS/available_filter_functions */
	const char *kallsyms;	      /* /proc/kallsyms */
	const char *kprobe_blacklist; /* DEBUGFS/kprobes/blacklist */
	/* The caller's $PATH (NULL or "": the usual folders) and
	 * $LD_LIBRARY_PATH (NULL: none), for finding binaries and libraries. */
	const char *path;
	const char *ld_library_path;
};

/* One name; a non-zero return stops the listing and is returned. */
typedef int (*live_name_fn)(void *ctx, const char *name, size_t len);

/* ------------------------------------------------------------------ */
/* The running kernel                                                  */
/* ------------------------------------------------------------------ */

struct live_kernel;

/* Reads nothing until asked; what it reads it keeps. NULL + errno. */
struct live_kernel *live_kernel__new(const struct live_opts *opts);
void live_kernel__free(struct live_kernel *k);

/* Where a list came from. Strings live as long as the object. */
struct live_source {
	const char *path; /* the file or folder read, or the one missing */
	/* a better source that could not be read, and why */
	int fallback_err;
	const char *fallback_path;
};

/*
 * Every tracepoint, "system:event", from available_events, or when that is
 * unreadable from the events/ folders (then fallback_* say why). 0, the
 * callback's non-zero return, or -errno (tracefs missing: -ENOENT).
 */
int live_kernel__tracepoints(struct live_kernel *k, live_name_fn fn, void *ctx,
			     struct live_source *ret_src);
/* The format file of tracepoint "system:event": 0 and the text (free it),
 * -EINVAL for a name that is not one, or the read's -errno. */
int live_kernel__tp_format(struct live_kernel *k, const char *name, char **ret_text,
			   size_t *ret_len);

/*
 * The functions ftrace can attach to (available_filter_functions), sorted,
 * each once per line of the file. 0, or why not (-EACCES as non-root).
 * *@ret_path (optional) is the file, read or not.
 */
int live_kernel__filter_funcs(struct live_kernel *k, const char *const **ret_names, size_t *ret_cnt,
			      const char **ret_path);
/* Whether @name is in the sorted list @names. */
bool live_sorted_has(const char *const *names, size_t cnt, const char *name);
/* The kprobe blacklist (debugfs), sorted; empty when unreadable. */
void live_kernel__blacklist(struct live_kernel *k, const char *const **ret_names, size_t *ret_cnt);

struct live_ksym {
	const char *name;
	char type; /* nm's letter */
};
/* /proc/kallsyms, module symbols included, in file order. */
int live_kernel__ksyms(struct live_kernel *k, const struct live_ksym **ret_syms, size_t *ret_cnt);
const char *live_kernel__kallsyms_path(const struct live_kernel *k);

/* The kernel's BTF, raw: 0 and the bytes (free them), or -errno. */
int live_kernel__btf(struct live_kernel *k, char **ret_data, size_t *ret_size);
const char *live_kernel__btf_path(const struct live_kernel *k);

/*
 * Whether the kernel has the perf PMU @pmu ("kprobe", "uprobe") or, for
 * libbpf's legacy path, tracefs's @events file ("kprobe_events"): 1 or 0.
 */
int live_kernel__has_pmu(struct live_kernel *k, const char *pmu, const char *events);

/*
 * Whether BPF trampolines work: a two-instruction fentry program loaded
 * against the kernel function of BTF id @btf_id and attached for an
 * instant. 1 yes, 0 no, -EPERM when this process may not load one (so it
 * cannot be told); *@ret_why says why not.
 */
int live_fentry_works(uint32_t btf_id, const char **ret_why);

/* ------------------------------------------------------------------ */
/* perf events                                                         */
/* ------------------------------------------------------------------ */

/* For this task, user space only, disabled: asking whether an event
 * exists, as perf list does. */
#define LIVE_PERF_QUERY 0x1u
/* On every task of CPU @cpu, each hit a sample: for a BPF program to
 * hang off (the probe runs it on every CPU). */
#define LIVE_PERF_ATTACH 0x2u

/* perf_event_open() of event @type/@config as @how says: an fd (closed on
 * exec) or -errno. */
int live_perf_open(uint32_t type, uint64_t config, int cpu, unsigned how);
/*
 * Whether this kernel and CPU can count the event: no PMU (a VM without
 * one) is no; a refusal for want of privilege does not say the event is
 * missing, so it is yes.
 */
bool live_perf_supported(uint32_t type, uint64_t config);

/* ------------------------------------------------------------------ */
/* ELF files: uprobe and usdt                                          */
/* ------------------------------------------------------------------ */

struct live_elf;

/* Uses @opts' path and ld_library_path. NULL + errno. */
struct live_elf *live_elf__new(const struct live_opts *opts);
void live_elf__free(struct live_elf *e);

enum live_elf_kind {
	LIVE_ELF_FUNC, /* a function symbol: "FILE:SYMBOL" */
	LIVE_ELF_USDT, /* a .note.stapsdt probe: "FILE:PROVIDER:NAME" */
};
/* One probe of file @file; @idx is for live_elf__func/__usdt. */
typedef int (*live_elf_fn)(void *ctx, enum live_elf_kind kind, const char *name, size_t len,
			   uint32_t file, uint32_t idx);

/*
 * Read ELF file @path and (unless @no_libs) the libraries and interpreter
 * it loads, found as ld.so would: each probe of each file read for the
 * first time goes to @fn. A root id (>= 0) naming those files, or -errno
 * for @path: -ENOENT, -EACCES, -EISDIR, -ENOEXEC (not ELF, or damaged),
 * -ENOTSUP (built without libelf).
 */
int live_elf__add_binary(struct live_elf *e, const char *path, bool no_libs, live_elf_fn fn,
			 void *ctx);
/* The files process @pid has mapped executable, its executable first. */
int live_elf__add_pid(struct live_elf *e, pid_t pid, live_elf_fn fn, void *ctx);
/* A path if @name holds a '/', else the first match in $PATH, else a
 * library of that name in the library folders: 0 and @buf, or -ENOENT. */
int live_elf__find_binary(struct live_elf *e, const char *name, char *buf, size_t size);
const char *live_elf__file_path(const struct live_elf *e, uint32_t file);
bool live_elf__root_has(const struct live_elf *e, int root, uint32_t file);
/* A function's address and size; a USDT probe's address, semaphore (0 if
 * none) and argument specifiers ("-4@%edi 8@%rsi"). 0 or -ENOENT. */
int live_elf__func(const struct live_elf *e, uint32_t idx, uint64_t *ret_addr, uint64_t *ret_size);
int live_elf__usdt(const struct live_elf *e, uint32_t idx, uint64_t *ret_addr,
		   uint64_t *ret_semaphore, const char **ret_args);

#ifdef __cplusplus
}
#endif

#endif /* EXECREC_LIVE_H */
