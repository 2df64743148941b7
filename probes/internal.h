/* SPDX-License-Identifier: MIT */
/* Shared by the files of probes/: the source object and its lists. */
#ifndef EXECREC_PROBES_INTERNAL_H
#define EXECREC_PROBES_INTERNAL_H

#include "common/mem.h"
#include "kbtf.h"
#include "live.h"
#include "probes.h"

/* Bounds on what is read from a trace. */
#define PROBES_NAME_MAX 512u /* a probe name */

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

struct probe_src {
	struct probe_src_opts o;
	bool is_trace;
	struct ec_arena strs;
	struct plist lists[PROBE_TYPE__NR];

	/* live: this machine, asked through live/ */
	struct live_kernel *live;
	/* probe_src__supported(), asked once per type */
	int support[PROBE_TYPE__NR];
	const char *support_why[PROBE_TYPE__NR];
	bool support_done[PROBE_TYPE__NR];
	const char *const *filter_funcs; /* sorted, for kfunc filtering */
	size_t nr_filter_funcs;

	/* the kernel BTF: live from btf_path, or a trace's */
	struct kbtf *btf;
	int btf_err;
	bool btf_done;

	/* kallsyms, as probe_src__ksyms() hands it out */
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

	/* uprobe and usdt: ELF files, read through live/ */
	struct live_elf *elf;
};

/* probes.c */
int probe_plist_add(struct probe_src *src, enum probe_type type, const char *name, size_t len,
		    uint32_t file, uint32_t aux);
void probe_plist_sort(struct probe_src *src, enum probe_type type);
int probe_src_btf(struct probe_src *src, struct kbtf **ret_btf);
int probe_btf_func_detail(struct probe_src *src, const char *func, int skip_args,
			  struct probe_detail *d);

/* live.c: the lists of a live source, from live/'s */
int probe_live_load(struct probe_src *src, enum probe_type type);
int probe_live_ksyms(struct probe_src *src);

/* btfnames.c: probe names from a BTF, live or stored */
int probe_btf_add_funcs(struct probe_src *src, enum probe_type type, struct kbtf *btf,
			bool filtered);
int probe_btf_add_rawtps(struct probe_src *src, struct kbtf *btf);

/* trace.c */
int probe_trace_open(struct probe_src *src, const char *path);
int probe_trace_load(struct probe_src *src, enum probe_type type);
void probe_trace_free(struct probe_src *src);

/* tpformat.c: the fields of a tracepoint format into @d (strings copied). */
int probe_tp_format_parse(const char *text, size_t len, struct probe_detail *d);

/* binary.c: uprobe and usdt, from live/'s ELF reader */
int probe_elf_detail(struct probe_src *src, const struct probe *p, struct probe_detail *d);
bool probe_elf_root_has(const struct probe_src *src, int root, uint32_t file);

/* print.c: a probe (with its details), a type's count */
struct rp_out;
int probe_print(struct rp_out *o, struct probe_src *src, const struct probe *p, bool verbose,
		bool json, bool unsupported);
void probe_print_count(struct rp_out *o, const struct probe_src *src, enum probe_type t,
		       size_t count, int supported, bool all, bool json);

/* report.c: a line for the user, through the caller's callback */
__attribute__((format(printf, 3, 4))) void probe_say(probe_msg_fn msg, void *ctx, const char *fmt,
						     ...);
/* A line per type whose list is missing or partial; how many are missing. */
int probe_list_report(struct probe_src *src, const struct probe_list_opts *o,
		      struct probe_pattern *const *pats, size_t npats, const int *supported,
		      const char *const *why, const size_t *counts, probe_msg_fn msg, void *ctx);

/* detail helpers */
struct probe_arg *probe_detail_add_arg(struct probe_detail *d);
char *probe_detail_strdup(const char *s);
char *probe_detail_strndup(const char *s, size_t n);

#endif
