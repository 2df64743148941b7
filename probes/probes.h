/* SPDX-License-Identifier: MIT */
/*
 * probes.h - what can be traced, on this machine or on the one a trace
 * was recorded on
 *
 * A probe_src answers for one machine: probe_src__new_live() reads tracefs,
 * the kernel's BTF, /proc/kallsyms and perf; probe_src__new_trace() reads the
 * tracepoint formats and BTF stored in an .etr file. Both hand out the same
 * lists: probes of one type, sorted by name, each named as bpftrace and
 * perf write them after "type:" ("syscalls:sys_enter_execve", "vfs_read",
 * "/usr/lib/x86_64-linux-gnu/libc.so.6:malloc").
 *
 * Conventions as in format/etr.h: object__verb names, 0 or -errno,
 * constructors return NULL and set errno, destructors accept NULL, and
 * nothing here prints. What a front end should tell the user (a fallback
 * source, a list the trace cannot give) is in probe_status.
 */
#ifndef EXECREC_PROBES_H
#define EXECREC_PROBES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

enum probe_type {
	PROBE_TRACEPOINT,
	PROBE_KPROBE,
	PROBE_KFUNC,
	PROBE_RAWTRACEPOINT,
	PROBE_SOFTWARE,
	PROBE_HARDWARE,
	PROBE_UPROBE,
	PROBE_USDT,
	PROBE_TYPE__NR,
};

/* "tracepoint", "kprobe", ...; NULL out of range. */
const char *probe_type__str(enum probe_type type);
/* A type name or a bpftrace alias (t, k, kretprobe, f, fentry, fexit, rt,
 * s, h, u, uretprobe, U): 0 and *@ret_type, or -ENOENT. */
int probe_type__parse(const char *s, size_t len, enum probe_type *ret_type);

/* Where a list came from. */
enum probe_origin {
	PROBE_ORIGIN_NONE,
	PROBE_ORIGIN_TRACEFS,	       /* available_events, or the events/ folders */
	PROBE_ORIGIN_FILTER_FUNCTIONS, /* tracefs available_filter_functions */
	PROBE_ORIGIN_BTF,	       /* the kernel's BTF */
	PROBE_ORIGIN_KALLSYMS,	       /* /proc/kallsyms text symbols */
	PROBE_ORIGIN_PERF,	       /* the perf ABI's generic events */
	PROBE_ORIGIN_ELF,	       /* symbol tables and .note.stapsdt */
	PROBE_ORIGIN_TRACE,	       /* a trace's stored formats or BTF */
};

struct probe_status {
	/* 0, or why there is no list:
	 *   -ENOENT   the source is absent (tracefs not mounted, no BTF)
	 *   -EACCES/-EPERM  it is there but unreadable
	 *   -ENODATA  a trace does not store what this type needs
	 *   -ENOTSUP  this build cannot list the type (uprobe without libelf)
	 *   -EINVAL   the source is malformed (a trace's BTF that does not parse) */
	int err;
	enum probe_origin origin;
	const char *path; /* the file or folder read, or the one missing */
	/* A better source that could not be used, and why (e.g. kprobes from
	 * BTF because available_filter_functions gave -EPERM). */
	int fallback_err;
	const char *fallback_path;
	/* Some listed probes may not be attachable (a fallback source), or
	 * the list is incomplete (a trace stores only some formats). */
	bool partial;
};

/* One probe. Names live as long as their source. */
struct probe {
	enum probe_type type;
	const char *name; /* after "type:" */
	uint32_t file;	  /* uprobe, usdt: the ELF file it is in */
	uint32_t aux;	  /* private */
};

struct probe_src_opts {
	size_t sz; /* sizeof(struct probe_src_opts) */
	/* Live sources; NULL finds or uses the usual ones. For tests. */
	const char *tracefs;	      /* the tracefs mount point */
	const char *btf_path;	      /* /sys/kernel/btf/vmlinux */
	const char *filter_functions; /* TRACEFS/available_filter_functions */
	const char *kallsyms;	      /* /proc/kallsyms */
	const char *kprobe_blacklist; /* DEBUGFS/kprobes/blacklist */
	/* List perf's generic events without checking with perf_event_open(). */
	bool no_perf_check;
	/* The caller's $PATH and $LD_LIBRARY_PATH (the library reads no
	 * environment): where probe_src__find_binary() looks for a command
	 * (NULL or "": the usual folders), and where ld.so would look for
	 * libraries first (NULL: nowhere). */
	const char *path;
	const char *ld_library_path;
};

struct probe_src;

/* This machine. Reads nothing until asked. NULL + errno (ENOMEM, EINVAL). */
struct probe_src *probe_src__new_live(const struct probe_src_opts *opts);
/*
 * The machine @path (an .etr file) was recorded on. Reads the file's META,
 * TPFORMAT and BTF chunks now. NULL + errno: EINVAL not a trace, ENOTSUP a
 * newer major version, EBADMSG a damaged file header, or the open(2) error.
 */
struct probe_src *probe_src__new_trace(const char *path, const struct probe_src_opts *opts);
void probe_src__free(struct probe_src *src);

/* What a trace says about itself (NULL for a live source). */
struct probe_trace_info {
	const char *kernel_release; /* "" if not stored */
	const char *hostname;
	uint32_t nr_tpformats;
	uint32_t btf_kind; /* 0 none, 1 subset, 2 full (the one used) */
	size_t btf_size;
	uint64_t problems; /* damage the reader reported */
	bool ended_cleanly;
	/* the stored BTF did not parse: why, and where in the BTF */
	const char *btf_error;
	uint64_t btf_error_offset;
};
const struct probe_trace_info *probe_src__trace_info(const struct probe_src *src);

/* Read the probes of @type (once; later calls return the first result).
 * 0, or the status's err. */
int probe_src__load(struct probe_src *src, enum probe_type type);
/* The status of a loaded type (all zero before probe_src__load). */
const struct probe_status *probe_src__status(const struct probe_src *src, enum probe_type type);
/*
 * Whether the running kernel can attach probes of @type at all, asked of
 * the kernel (the kprobe and uprobe PMUs or tracefs's *probe_events; for
 * kfunc an fentry program loaded and attached for an instant, which needs
 * root). 1 yes, 0 no, -errno when it cannot be told (-EPERM: not root;
 * -ENODATA: a trace source). *ret_why (optional) says why not, or why it
 * cannot be told. Asked once per type and source.
 */
int probe_src__supported(struct probe_src *src, enum probe_type type, const char **ret_why);
/* The probes of a loaded type, sorted by name, each name once. */
size_t probe_src__count(const struct probe_src *src, enum probe_type type);
const struct probe *probe_src__probe(const struct probe_src *src, enum probe_type type, size_t i);

/* ------------------------------------------------------------------ */
/* Binaries: uprobe and usdt                                           */
/* ------------------------------------------------------------------ */

#define PROBE_BIN_NO_LIBS 0x1u /* the file alone, not the libraries it loads */

/*
 * Add an ELF file to the uprobe and usdt lists, with (unless
 * PROBE_BIN_NO_LIBS) the shared libraries and interpreter it loads, found as
 * ld.so would (RPATH, RUNPATH, /etc/ld.so.conf, the default folders); a
 * library that cannot be found is left out. Returns a root id (>= 0) for
 * probe_pattern__add_root(), or -errno for @path itself: -ENOENT, -EACCES,
 * -EISDIR, -ENOEXEC (not an ELF file, or a damaged one), -ENOTSUP (built
 * without libelf).
 */
int probe_src__add_binary(struct probe_src *src, const char *path, unsigned flags);
/* The files a process has mapped, its executable first: a root id or -errno. */
int probe_src__add_pid(struct probe_src *src, pid_t pid);
/* The path of file @file (struct probe's file). */
const char *probe_src__file_path(const struct probe_src *src, uint32_t file);

/*
 * Find a binary named on a command line: a path if it holds a '/', else
 * the first match in $PATH, else a library of that name in the library
 * folders. 0 and the path in @buf, or -ENOENT.
 */
int probe_src__find_binary(struct probe_src *src, const char *name, char *buf, size_t size);

/* ------------------------------------------------------------------ */
/* Patterns                                                            */
/* ------------------------------------------------------------------ */

/*
 * A pattern is TYPE:NAME with '*' and '?' wildcards anywhere, or a bare
 * NAME (matched against "type:name" and against the name's last part, so
 * "*execve*" and "vfs_read" both work). TYPE may be a wildcard or an alias;
 * for uprobe and usdt NAME is BINARY:SYMBOL, where BINARY selects files
 * (see probe_pattern__binary) and SYMBOL is matched.
 */
struct probe_pattern;

/* 0, or -EINVAL for an empty pattern or an unknown type (the type part is
 * then in @ret_bad_type, optional, at most @bad_size bytes). */
int probe_pattern__new(const char *text, struct probe_pattern **ret_pat, char *ret_bad_type,
		       size_t bad_size);
void probe_pattern__free(struct probe_pattern *pat);
const char *probe_pattern__text(const struct probe_pattern *pat);

/* Whether the pattern can match probes of @type. */
bool probe_pattern__wants(const struct probe_pattern *pat, enum probe_type type);
/* Whether it names @type itself (or an alias), not by a wildcard. */
bool probe_pattern__names_type(const struct probe_pattern *pat, enum probe_type type);
/* For uprobe/usdt patterns: the BINARY part (may hold wildcards), or NULL. */
const char *probe_pattern__binary(const struct probe_pattern *pat);
/* Let the pattern's uprobe/usdt part match the files of root @root. */
int probe_pattern__add_root(struct probe_pattern *pat, int root);

bool probe_pattern__match(const struct probe_pattern *pat, const struct probe_src *src,
			  const struct probe *probe);
/* Match a bare name as if it were a probe of @type (not uprobe/usdt). */
bool probe_pattern__match_name(const struct probe_pattern *pat, enum probe_type type,
			       const char *name);

/* Wildcard match: '*' any run of characters (':' included), '?' one. */
bool probe_glob(const char *pattern, const char *text);

/* ------------------------------------------------------------------ */
/* Details (-v)                                                        */
/* ------------------------------------------------------------------ */

struct probe_arg {
	const char *name;
	const char *type; /* the C type alone: "const char *" */
	const char *decl; /* as declared: "const char * filename" (a tracepoint's
			     verbatim), "const char *filename" (from BTF), or a USDT
			     argument specifier "-4@%edi" */
	int offset;	  /* tracepoint field offset, -1 otherwise */
	int size;	  /* bytes, -1 if unknown */
	int is_signed;	  /* 1, 0, or -1 if unknown */
	bool common;	  /* a tracepoint's common_* field */
};

struct probe_detail {
	/* kprobe, kfunc, rawtracepoint: from BTF; NULL when there is no
	 * prototype (then @why says so) */
	const char *ret_type;
	/* tracepoint fields, function arguments, USDT arguments */
	size_t nr_args;
	struct probe_arg *args;
	/* software, hardware: perf_event_attr type and config, other name */
	int perf_type;
	uint64_t perf_config;
	const char *alias;
	/* uprobe: the symbol's address and size; usdt: the probe's address
	 * and its semaphore (0 if none) */
	uint64_t addr;
	uint64_t size;
	uint64_t semaphore;
	/* no details, and why ("no BTF prototype", "format unreadable: ...") */
	const char *why;
};

/* 0 and *@ret_detail (free it), or -ENOMEM. Missing details are not an
 * error: they come back empty with @why set. */
int probe_src__detail(struct probe_src *src, const struct probe *probe,
		      struct probe_detail **ret_detail);
void probe_detail__free(struct probe_detail *detail);

/* ------------------------------------------------------------------ */
/* Kernel symbols, for --count                                         */
/* ------------------------------------------------------------------ */

struct probe_ksym {
	const char *name;
	char type; /* nm's letter: 't', 'T', 'd', ... */
};

/* /proc/kallsyms, live sources only (-ENODATA for a trace). Module
 * symbols included. The array lives as long as @src. */
int probe_src__ksyms(struct probe_src *src, const struct probe_ksym **ret_syms, size_t *ret_cnt);
/* Whether a symbol is a function one could probe: text, and not the
 * __pfx_/__cfi_ padding or static-call trampolines the kernel adds. */
bool probe_ksym__is_func(const struct probe_ksym *sym);

/* ------------------------------------------------------------------ */
/* Listing: what 'execrec probes' prints                               */
/* ------------------------------------------------------------------ */

struct probe_list_opts {
	size_t sz;	   /* sizeof(struct probe_list_opts) */
	bool verbose;	   /* each probe's details (probe_src__detail) under it */
	bool count;	   /* how many per type (and kernel symbols) instead */
	bool json;	   /* one JSON object per line */
	bool all;	   /* also the types the kernel cannot attach, marked */
	bool no_libs;	   /* uprobe/usdt: a BINARY alone, not what it loads */
	pid_t pid;	   /* uprobe/usdt: the files this process has mapped */
	const char *input; /* a trace source: its path, named in messages */
};

/* One line for the user (no program name, no newline). */
typedef void (*probe_msg_fn)(void *ctx, const char *msg);

struct probe_list_result {
	size_t matched; /* probes that matched a pattern */
	int missing;	/* wanted types with no list (each said in a line) */
};

struct rp_out;

/*
 * List the probes of @src that match any of @pats: load the binaries the
 * patterns name (and with opts->pid a process's files), the types they
 * want, ask the kernel which types it can attach, write the probes (or
 * the counts) to @out, flush it, then tell @msg what the lists could not
 * cover, and "nothing matches ..." when nothing did and nothing was said.
 * 0; -EINVAL when a binary or process cannot be read (said through @msg);
 * -ENOMEM; or the write error of @out's FILE.
 */
int probe_src__list(struct probe_src *src, struct probe_pattern *const *pats, size_t npats,
		    const struct probe_list_opts *opts, struct rp_out *out, probe_msg_fn msg,
		    void *ctx, struct probe_list_result *ret);

/* ------------------------------------------------------------------ */
/* BTF stored in a trace                                               */
/* ------------------------------------------------------------------ */

/*
 * The raw BTF of kind @kind (1 subset, 2 full; 0 = full if stored, else
 * subset) stored in trace source @src. 0 and a pointer valid as long as
 * @src, -ENODATA if the trace holds none of that kind, -EINVAL for a live
 * source.
 */
int probe_src__trace_btf(const struct probe_src *src, uint32_t kind, const void **ret_data,
			 size_t *ret_size, uint32_t *ret_kind);

#ifdef __cplusplus
}
#endif

#endif /* EXECREC_PROBES_H */
