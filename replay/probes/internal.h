/* SPDX-License-Identifier: MIT */
/* Shared by the files of replay/probes: the source object and its lists. */
#ifndef EXECREC_PROBES_INTERNAL_H
#define EXECREC_PROBES_INTERNAL_H

#include "kbtf.h"
#include "probes.h"

/* Bounds on what is read from files a user or a trace controls. */
#define PROBES_SMALL_FILE_MAX (1u << 20) /* a format file, ld.so.conf */
#define PROBES_BIG_FILE_MAX (256u << 20) /* kallsyms, filter functions, BTF */
#define PROBES_NAME_MAX 512u		 /* a probe name */
#define PROBES_MAX_FILES 1024u		 /* ELF files in one source */

/* Strings that never move once stored: blocks of an arena. */
struct arena_block;
struct arena {
	struct arena_block *head;
};
const char *probe_arena_strndup(struct arena *a, const char *s, size_t len);
const char *probe_arena_strdup(struct arena *a, const char *s);
void probe_arena_free(struct arena *a);

struct plist {
	struct probe *v;
	size_t cnt;
	size_t cap;
	bool loaded;
	struct probe_status st;
};

/* A tracepoint format stored in a trace. */
struct tp_text {
	const char *name;
	const char *text;
	size_t len;
};

/* An ELF symbol or USDT note behind a uprobe or usdt probe. */
struct elf_sym {
	uint64_t addr;
	uint64_t size;
};
struct usdt_note {
	uint64_t pc;
	uint64_t base;
	uint64_t semaphore;
	const char *args; /* "-4@%edi 8@%rsi" */
};

struct elf_file {
	const char *path;
	dev_t dev;
	ino_t ino;
	uint32_t *deps; /* files this one loads (itself excluded) */
	uint32_t nr_deps;
	bool walked; /* its libraries were looked for */
};

struct elf_root {
	uint32_t *files; /* closure: the root file(s) and all they load */
	uint32_t nr_files;
};

struct probe_src {
	struct probe_src_opts o;
	bool is_trace;
	struct arena strs;
	struct plist lists[PROBE_TYPE__NR];

	/* live */
	const char *tracefs; /* found mount, or NULL */
	int tracefs_err;
	bool tracefs_done;
	int filter_err; /* available_filter_functions: 0 read, or why not */
	/* probe_src__supported(), asked once per type */
	int support[PROBE_TYPE__NR];
	const char *support_why[PROBE_TYPE__NR];
	bool support_done[PROBE_TYPE__NR];
	bool filter_done;
	const char **filter_funcs; /* sorted, for kfunc filtering */
	size_t nr_filter_funcs;

	/* the kernel BTF: live from btf_path, or a trace's */
	struct kbtf *btf;
	int btf_err;
	bool btf_done;

	/* kallsyms */
	struct probe_ksym *ksyms;
	size_t nr_ksyms;
	int ksyms_err;
	bool ksyms_done;

	/* trace */
	const char *trace_path;
	struct probe_trace_info info;
	struct tp_text *tps;
	size_t nr_tps;
	uint8_t *btf_raw[3]; /* by kind: [1] subset, [2] full */
	size_t btf_raw_size[3];

	/* ELF */
	struct elf_file *files;
	uint32_t nr_files;
	struct elf_root *roots;
	uint32_t nr_roots;
	struct elf_sym *syms;
	size_t nr_syms, cap_syms;
	struct usdt_note *notes;
	size_t nr_notes, cap_notes;
	const char **libdirs; /* ld.so.conf and default folders, once */
	size_t nr_libdirs;
	bool libdirs_done;
};

/* probes.c */
int probe_plist_add(struct probe_src *src, enum probe_type type, const char *name, size_t len,
		    uint32_t file, uint32_t aux);
void probe_plist_sort(struct probe_src *src, enum probe_type type);
int probe_read_file(const char *path, size_t max, char **ret_buf, size_t *ret_len);
int probe_src_btf(struct probe_src *src, struct kbtf **ret_btf);
int probe_btf_func_detail(struct probe_src *src, const char *func, int skip_args,
			  struct probe_detail *d);

/* live.c */
int probe_live_load(struct probe_src *src, enum probe_type type);
/* @rel under the tracefs mount; 0 or -errno (not mounted). */
int probe_tracefs_path(struct probe_src *src, const char *rel, char *buf, size_t size);
int probe_live_tp_format(struct probe_src *src, const char *name, char **ret_text, size_t *ret_len);
int probe_live_ksyms(struct probe_src *src);
int probe_btf_add_funcs(struct probe_src *src, enum probe_type type, struct kbtf *btf,
			bool filtered);
int probe_btf_add_rawtps(struct probe_src *src, struct kbtf *btf);

/* trace.c */
int probe_trace_open(struct probe_src *src, const char *path);
int probe_trace_load(struct probe_src *src, enum probe_type type);
void probe_trace_free(struct probe_src *src);

/* tpformat.c: the fields of a tracepoint format into @d (strings copied). */
int probe_tp_format_parse(const char *text, size_t len, struct probe_detail *d);

/* elf.c */
int probe_elf_add_binary(struct probe_src *src, const char *path, unsigned flags);
int probe_elf_add_pid(struct probe_src *src, pid_t pid);
int probe_elf_find_binary(struct probe_src *src, const char *name, char *buf, size_t size);
int probe_elf_detail(struct probe_src *src, const struct probe *p, struct probe_detail *d);
bool probe_elf_root_has(const struct probe_src *src, int root, uint32_t file);
void probe_elf_free(struct probe_src *src);

/* detail helpers */
struct probe_arg *probe_detail_add_arg(struct probe_detail *d);
char *probe_detail_strdup(const char *s);
char *probe_detail_strndup(const char *s, size_t n);

#endif
