/* SPDX-License-Identifier: MIT */
/*
 * The probe source: lists per type, patterns, details common to both
 * kinds of source (live and trace), and perf's generic events.
 */
#include <errno.h>
#include <linux/perf_event.h> /* the generic events' numbers */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/macros.h"
#include "common/opts.h"
#include "internal.h"

/* ------------------------------------------------------------------ */
/* Types                                                               */
/* ------------------------------------------------------------------ */

static const char *const type_names[PROBE_TYPE__NR] = {
    [PROBE_TRACEPOINT] = "tracepoint", [PROBE_KPROBE] = "kprobe",
    [PROBE_KFUNC] = "kfunc",	       [PROBE_RAWTRACEPOINT] = "rawtracepoint",
    [PROBE_SOFTWARE] = "software",     [PROBE_HARDWARE] = "hardware",
    [PROBE_UPROBE] = "uprobe",	       [PROBE_USDT] = "usdt",
};

/* bpftrace's spellings, so a probe copied from a script is understood. */
static const struct {
	const char *alias;
	enum probe_type type;
} type_aliases[] = {
    {"t", PROBE_TRACEPOINT},	 {"k", PROBE_KPROBE},	 {"kr", PROBE_KPROBE},
    {"kretprobe", PROBE_KPROBE}, {"f", PROBE_KFUNC},	 {"fr", PROBE_KFUNC},
    {"fentry", PROBE_KFUNC},	 {"fexit", PROBE_KFUNC}, {"kretfunc", PROBE_KFUNC},
    {"rt", PROBE_RAWTRACEPOINT}, {"s", PROBE_SOFTWARE},	 {"h", PROBE_HARDWARE},
    {"u", PROBE_UPROBE},	 {"ur", PROBE_UPROBE},	 {"uretprobe", PROBE_UPROBE},
    {"U", PROBE_USDT},
};

const char *probe_type__str(enum probe_type type)
{
	return (unsigned)type < PROBE_TYPE__NR ? type_names[type] : NULL;
}

int probe_type__parse(const char *s, size_t len, enum probe_type *ret_type)
{
	for (int t = 0; t < PROBE_TYPE__NR; t++) {
		if (strlen(type_names[t]) == len && !memcmp(s, type_names[t], len)) {
			*ret_type = t;
			return 0;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(type_aliases); i++) {
		if (strlen(type_aliases[i].alias) == len &&
		    !memcmp(s, type_aliases[i].alias, len)) {
			*ret_type = type_aliases[i].type;
			return 0;
		}
	}
	return -ENOENT;
}

/* ------------------------------------------------------------------ */
/* Lists                                                               */
/* ------------------------------------------------------------------ */

int probe_plist_add(struct probe_src *src, enum probe_type type, const char *name, size_t len,
		    uint32_t file, uint32_t aux)
{
	struct plist *l = &src->lists[type];
	struct probe *p;

	if (!len || len > PROBES_NAME_MAX)
		return 0; /* not a name anyone can attach to: leave it out */
	if (l->cnt == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		struct probe *n = realloc(l->v, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		l->v = n;
		l->cap = cap;
	}
	p = &l->v[l->cnt];
	p->name = ec_arena__strndup(&src->strs, name, len);
	if (!p->name)
		return -ENOMEM;
	p->type = type;
	p->file = file;
	p->aux = aux;
	l->cnt++;
	return 0;
}

static int cmp_probe(const void *a, const void *b)
{
	const struct probe *x = a, *y = b;
	int r = strcmp(x->name, y->name);

	/* equal names: the first added wins the dedup below */
	if (r)
		return r;
	return (x->aux > y->aux) - (x->aux < y->aux);
}

void probe_plist_sort(struct probe_src *src, enum probe_type type)
{
	struct plist *l = &src->lists[type];
	size_t i, j;

	if (!l->cnt)
		return;
	qsort(l->v, l->cnt, sizeof(*l->v), cmp_probe);
	for (i = 1, j = 1; i < l->cnt; i++) {
		if (strcmp(l->v[i].name, l->v[j - 1].name))
			l->v[j++] = l->v[i];
	}
	l->cnt = j;
}

/* ------------------------------------------------------------------ */
/* Sources                                                             */
/* ------------------------------------------------------------------ */

static struct probe_src *src_alloc(const struct probe_src_opts *opts)
{
	struct probe_src *src;

	if (!EC_OPTS_VALID(opts, struct probe_src_opts)) {
		errno = EINVAL;
		return NULL;
	}
	src = calloc(1, sizeof(*src));
	if (!src) {
		errno = ENOMEM;
		return NULL;
	}
	/* an older caller's smaller struct reads as defaults past its end */
	src->o = (struct probe_src_opts){
	    .sz = sizeof(src->o),
	    .tracefs = EC_OPTS_GET(opts, tracefs, NULL),
	    .btf_path = EC_OPTS_GET(opts, btf_path, NULL),
	    .filter_functions = EC_OPTS_GET(opts, filter_functions, NULL),
	    .kallsyms = EC_OPTS_GET(opts, kallsyms, NULL),
	    .kprobe_blacklist = EC_OPTS_GET(opts, kprobe_blacklist, NULL),
	    .no_perf_check = EC_OPTS_GET(opts, no_perf_check, false),
	    .path = EC_OPTS_GET(opts, path, NULL),
	    .ld_library_path = EC_OPTS_GET(opts, ld_library_path, NULL),
	};
	return src;
}

struct probe_src *probe_src__new_live(const struct probe_src_opts *opts)
{
	struct probe_src *src = src_alloc(opts);
	struct live_opts lo;

	if (!src)
		return NULL;
	lo = (struct live_opts){
	    .sz = sizeof(lo),
	    .tracefs = src->o.tracefs,
	    .btf_path = src->o.btf_path,
	    .filter_functions = src->o.filter_functions,
	    .kallsyms = src->o.kallsyms,
	    .kprobe_blacklist = src->o.kprobe_blacklist,
	};
	src->live = live_kernel__new(&lo);
	if (!src->live) {
		probe_src__free(src);
		errno = ENOMEM;
		return NULL;
	}
	return src;
}

struct probe_src *probe_src__new_trace(const char *path, const struct probe_src_opts *opts)
{
	struct probe_src *src = src_alloc(opts);
	int err;

	if (!src)
		return NULL;
	src->is_trace = true;
	err = probe_trace_open(src, path);
	if (err) {
		probe_src__free(src);
		errno = -err;
		return NULL;
	}
	return src;
}

void probe_src__free(struct probe_src *src)
{
	if (!src)
		return;
	for (int t = 0; t < PROBE_TYPE__NR; t++)
		free(src->lists[t].v);
	kbtf__free(src->btf);
	free(src->ksyms);
	probe_trace_free(src);
	live_elf__free(src->elf);
	live_kernel__free(src->live);
	ec_arena__release(&src->strs);
	free(src);
}

const struct probe_trace_info *probe_src__trace_info(const struct probe_src *src)
{
	return src && src->is_trace ? &src->info : NULL;
}

/* perf's generic events (include/uapi/linux/perf_event.h), under the names
 * bpftrace's software: and hardware: probes take. */
struct perf_ev {
	const char *name;
	uint64_t config;
	const char *alias;
};

static const struct perf_ev sw_events[] = {
    {"cpu-clock", PERF_COUNT_SW_CPU_CLOCK, "cpu"},
    {"task-clock", PERF_COUNT_SW_TASK_CLOCK, NULL},
    {"page-faults", PERF_COUNT_SW_PAGE_FAULTS, "faults"},
    {"context-switches", PERF_COUNT_SW_CONTEXT_SWITCHES, "cs"},
    {"cpu-migrations", PERF_COUNT_SW_CPU_MIGRATIONS, "migrations"},
    {"minor-faults", PERF_COUNT_SW_PAGE_FAULTS_MIN, NULL},
    {"major-faults", PERF_COUNT_SW_PAGE_FAULTS_MAJ, NULL},
    {"alignment-faults", PERF_COUNT_SW_ALIGNMENT_FAULTS, NULL},
    {"emulation-faults", PERF_COUNT_SW_EMULATION_FAULTS, NULL},
    {"dummy", PERF_COUNT_SW_DUMMY, NULL},
    {"bpf-output", PERF_COUNT_SW_BPF_OUTPUT, NULL},
    {"cgroup-switches", 11 /* PERF_COUNT_SW_CGROUP_SWITCHES, 5.13 */, NULL},
};

static const struct perf_ev hw_events[] = {
    {"cpu-cycles", PERF_COUNT_HW_CPU_CYCLES, "cycles"},
    {"instructions", PERF_COUNT_HW_INSTRUCTIONS, NULL},
    {"cache-references", PERF_COUNT_HW_CACHE_REFERENCES, NULL},
    {"cache-misses", PERF_COUNT_HW_CACHE_MISSES, NULL},
    {"branch-instructions", PERF_COUNT_HW_BRANCH_INSTRUCTIONS, "branches"},
    {"branch-misses", PERF_COUNT_HW_BRANCH_MISSES, NULL},
    {"bus-cycles", PERF_COUNT_HW_BUS_CYCLES, NULL},
    {"frontend-stalls", PERF_COUNT_HW_STALLED_CYCLES_FRONTEND, "stalled-cycles-frontend"},
    {"backend-stalls", PERF_COUNT_HW_STALLED_CYCLES_BACKEND, "stalled-cycles-backend"},
    {"ref-cycles", PERF_COUNT_HW_REF_CPU_CYCLES, NULL},
};

static const struct perf_ev *perf_event_of(const struct probe *p)
{
	if (p->type == PROBE_SOFTWARE && p->aux < ARRAY_SIZE(sw_events))
		return &sw_events[p->aux];
	if (p->type == PROBE_HARDWARE && p->aux < ARRAY_SIZE(hw_events))
		return &hw_events[p->aux];
	return NULL;
}

static int load_perf(struct probe_src *src, enum probe_type type)
{
	struct plist *l = &src->lists[type];
	const struct perf_ev *evs = type == PROBE_SOFTWARE ? sw_events : hw_events;
	size_t n = type == PROBE_SOFTWARE ? ARRAY_SIZE(sw_events) : ARRAY_SIZE(hw_events);
	uint32_t ptype = type == PROBE_SOFTWARE ? PERF_TYPE_SOFTWARE : PERF_TYPE_HARDWARE;

	if (src->is_trace) {
		/* perf events are a property of the CPU and kernel config that
		 * a trace does not record */
		l->st.err = -ENODATA;
		return l->st.err;
	}
	l->st.origin = PROBE_ORIGIN_PERF;
	l->st.path = "perf_event_open";
	for (size_t i = 0; i < n; i++) {
		int err;

		if (!src->o.no_perf_check && !live_perf_supported(ptype, evs[i].config))
			continue;
		err = probe_plist_add(src, type, evs[i].name, strlen(evs[i].name), 0, (uint32_t)i);
		if (err)
			return err;
	}
	return 0;
}

int probe_src__load(struct probe_src *src, enum probe_type type)
{
	struct plist *l;
	int err;

	if (!src || (unsigned)type >= PROBE_TYPE__NR)
		return -EINVAL;
	l = &src->lists[type];
	if (l->loaded)
		return l->st.err;
	l->loaded = true;
	switch (type) {
	case PROBE_SOFTWARE:
	case PROBE_HARDWARE:
		err = load_perf(src, type);
		break;
	case PROBE_UPROBE:
	case PROBE_USDT:
		/* filled by probe_src__add_binary() */
		l->st.origin = PROBE_ORIGIN_ELF;
		err = 0;
		break;
	default:
		err = src->is_trace ? probe_trace_load(src, type) : probe_live_load(src, type);
		break;
	}
	if (err && !l->st.err)
		l->st.err = err;
	probe_plist_sort(src, type);
	return l->st.err;
}

const struct probe_status *probe_src__status(const struct probe_src *src, enum probe_type type)
{
	static const struct probe_status none;

	if (!src || (unsigned)type >= PROBE_TYPE__NR)
		return &none;
	return &src->lists[type].st;
}

size_t probe_src__count(const struct probe_src *src, enum probe_type type)
{
	if (!src || (unsigned)type >= PROBE_TYPE__NR)
		return 0;
	return src->lists[type].cnt;
}

const struct probe *probe_src__probe(const struct probe_src *src, enum probe_type type, size_t i)
{
	if (!src || (unsigned)type >= PROBE_TYPE__NR || i >= src->lists[type].cnt)
		return NULL;
	return &src->lists[type].v[i];
}

int probe_src__ksyms(struct probe_src *src, const struct probe_ksym **ret_syms, size_t *ret_cnt)
{
	int err;

	if (!src)
		return -EINVAL;
	if (src->is_trace)
		return -ENODATA;
	err = probe_live_ksyms(src);
	if (err)
		return err;
	*ret_syms = src->ksyms;
	*ret_cnt = src->nr_ksyms;
	return 0;
}

int probe_src__trace_btf(const struct probe_src *src, uint32_t kind, const void **ret_data,
			 size_t *ret_size, uint32_t *ret_kind)
{
	if (!src || !src->is_trace || kind > 2)
		return -EINVAL;
	if (!kind)
		kind = src->btf_raw[2] ? 2 : 1;
	if (!src->btf_raw[kind])
		return -ENODATA;
	*ret_data = src->btf_raw[kind];
	*ret_size = src->btf_raw_size[kind];
	if (ret_kind)
		*ret_kind = kind;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Patterns                                                            */
/* ------------------------------------------------------------------ */

struct probe_pattern {
	char *text;
	bool bare;	 /* no ':' at all */
	char *type_pat;	 /* the type part */
	bool type_named; /* a type or alias, not a wildcard */
	enum probe_type named;
	char *name_pat; /* after the type */
	char *bin;	/* uprobe/usdt: BINARY part, or NULL */
	char *sym_pat;	/* uprobe/usdt: after BINARY */
	int *roots;
	size_t nr_roots;
};

bool probe_glob(const char *p, const char *s)
{
	const char *star = NULL, *resume = NULL;

	/* Greedy with one backtrack point: on a mismatch, let the last '*'
	 * take one more character. Linear in practice, never exponential. */
	while (*s) {
		if (*p == '*') {
			star = ++p;
			resume = s;
		} else if (*p == '?' || *p == *s) {
			p++;
			s++;
		} else if (star) {
			p = star;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*p == '*')
		p++;
	return !*p;
}

static bool has_wild(const char *s)
{
	return strpbrk(s, "*?") != NULL;
}

int probe_pattern__new(const char *text, struct probe_pattern **ret_pat, char *ret_bad_type,
		       size_t bad_size)
{
	struct probe_pattern *p;
	const char *colon;

	if (!text || !*text || !ret_pat)
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->text = strdup(text);
	if (!p->text)
		goto nomem;
	colon = strchr(text, ':');
	if (!colon) {
		p->bare = true;
		*ret_pat = p;
		return 0;
	}
	p->type_pat = strndup(text, (size_t)(colon - text));
	p->name_pat = strdup(colon + 1);
	if (!p->type_pat || !p->name_pat)
		goto nomem;
	if (!*p->type_pat)
		goto bad;
	if (!has_wild(p->type_pat)) {
		if (probe_type__parse(p->type_pat, strlen(p->type_pat), &p->named))
			goto bad;
		p->type_named = true;
	}
	if (!*p->name_pat) {
		/* "tracepoint:" lists them all, as "tracepoint:*" */
		free(p->name_pat);
		p->name_pat = strdup("*");
		if (!p->name_pat)
			goto nomem;
	}
	/* The binary of a uprobe or usdt pattern: always after a named
	 * uprobe/usdt type; after a wildcard type only if it is a path. */
	if ((p->type_named && (p->named == PROBE_UPROBE || p->named == PROBE_USDT)) ||
	    (!p->type_named && p->name_pat[0] == '/')) {
		const char *c = strchr(p->name_pat, ':');

		p->bin = c ? strndup(p->name_pat, (size_t)(c - p->name_pat)) : strdup(p->name_pat);
		p->sym_pat = strdup(c && c[1] ? c + 1 : "*");
		if (!p->bin || !p->sym_pat)
			goto nomem;
	}
	*ret_pat = p;
	return 0;

bad:
	if (ret_bad_type && bad_size)
		snprintf(ret_bad_type, bad_size, "%s", p->type_pat ? p->type_pat : "");
	probe_pattern__free(p);
	return -EINVAL;
nomem:
	probe_pattern__free(p);
	return -ENOMEM;
}

void probe_pattern__free(struct probe_pattern *p)
{
	if (!p)
		return;
	free(p->text);
	free(p->type_pat);
	free(p->name_pat);
	free(p->bin);
	free(p->sym_pat);
	free(p->roots);
	free(p);
}

const char *probe_pattern__text(const struct probe_pattern *p)
{
	return p ? p->text : NULL;
}

bool probe_pattern__wants(const struct probe_pattern *p, enum probe_type type)
{
	if (!p || (unsigned)type >= PROBE_TYPE__NR)
		return false;
	if (p->bare)
		return true;
	if (p->type_named)
		return p->named == type;
	return probe_glob(p->type_pat, type_names[type]);
}

bool probe_pattern__names_type(const struct probe_pattern *p, enum probe_type type)
{
	return p && p->type_named && p->named == type;
}

const char *probe_pattern__binary(const struct probe_pattern *p)
{
	return p ? p->bin : NULL;
}

int probe_pattern__add_root(struct probe_pattern *p, int root)
{
	int *n;

	if (!p || root < 0)
		return -EINVAL;
	for (size_t i = 0; i < p->nr_roots; i++) {
		if (p->roots[i] == root)
			return 0;
	}
	n = realloc(p->roots, (p->nr_roots + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	p->roots = n;
	p->roots[p->nr_roots++] = root;
	return 0;
}

static bool match_bare(const struct probe_pattern *p, enum probe_type type, const char *name)
{
	char full[PROBES_NAME_MAX + 32];
	const char *last = strrchr(name, ':');

	if (probe_glob(p->text, last ? last + 1 : name) || probe_glob(p->text, name))
		return true;
	snprintf(full, sizeof(full), "%s:%s", type_names[type], name);
	return probe_glob(p->text, full);
}

bool probe_pattern__match_name(const struct probe_pattern *p, enum probe_type type,
			       const char *name)
{
	if (!probe_pattern__wants(p, type))
		return false;
	if (p->bare)
		return match_bare(p, type, name);
	return probe_glob(p->name_pat, name);
}

bool probe_pattern__match(const struct probe_pattern *p, const struct probe_src *src,
			  const struct probe *probe)
{
	const char *path;
	size_t plen;
	bool in = false;

	if (!p || !probe || !probe_pattern__wants(p, probe->type))
		return false;
	if (probe->type == PROBE_SOFTWARE || probe->type == PROBE_HARDWARE) {
		/* "software:cs" means context-switches, as in perf and bpftrace */
		const struct perf_ev *ev = perf_event_of(probe);

		if (ev && ev->alias &&
		    (p->bare ? match_bare(p, probe->type, ev->alias)
			     : probe_glob(p->name_pat, ev->alias)))
			return true;
	}
	if (p->bare)
		return match_bare(p, probe->type, probe->name);
	if ((probe->type != PROBE_UPROBE && probe->type != PROBE_USDT) || !p->bin)
		return probe_glob(p->name_pat, probe->name);

	path = probe_src__file_path(src, probe->file);
	if (!path)
		return false;
	plen = strlen(path);
	if (strncmp(probe->name, path, plen) || probe->name[plen] != ':')
		return false;
	for (size_t i = 0; i < p->nr_roots && !in; i++)
		in = probe_elf_root_has(src, p->roots[i], probe->file);
	/* a wildcard binary also matches the files already loaded (-p) */
	if (!in && has_wild(p->bin))
		in = probe_glob(p->bin, path);
	return in && probe_glob(p->sym_pat, probe->name + plen + 1);
}

/* ------------------------------------------------------------------ */
/* Details                                                             */
/* ------------------------------------------------------------------ */

char *probe_detail_strndup(const char *s, size_t n)
{
	return strndup(s ? s : "", n);
}

char *probe_detail_strdup(const char *s)
{
	return strdup(s ? s : "");
}

struct probe_arg *probe_detail_add_arg(struct probe_detail *d)
{
	struct probe_arg *n = realloc(d->args, (d->nr_args + 1) * sizeof(*n));

	if (!n)
		return NULL;
	d->args = n;
	n = &d->args[d->nr_args++];
	memset(n, 0, sizeof(*n));
	n->offset = -1;
	n->size = -1;
	n->is_signed = -1;
	return n;
}

void probe_detail__free(struct probe_detail *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nr_args; i++) {
		free((char *)d->args[i].name);
		free((char *)d->args[i].type);
		free((char *)d->args[i].decl);
	}
	free(d->args);
	free((char *)d->ret_type);
	free((char *)d->alias);
	free((char *)d->why);
	free(d);
}

int probe_src_btf(struct probe_src *src, struct kbtf **ret_btf)
{
	if (!src->btf_done && !src->is_trace) {
		struct kbtf_error e;
		char *buf;
		size_t len;

		src->btf_done = true;
		src->btf_err = live_kernel__btf(src->live, &buf, &len);
		if (!src->btf_err) {
			src->btf_err = kbtf__parse(buf, len, &src->btf, &e);
			free(buf);
		}
	}
	if (!src->btf)
		return src->btf_err ? src->btf_err : -ENOENT;
	*ret_btf = src->btf;
	return 0;
}

static int set_why(struct probe_detail *d, const char *why)
{
	free((char *)d->why);
	d->why = strdup(why);
	return d->why ? 0 : -ENOMEM;
}

/* Arguments and return type of a FUNC_PROTO, after @skip leading ones. */
static int proto_detail(struct kbtf *btf, const struct kbtf_type *proto, int skip,
			struct probe_detail *d)
{
	const struct kbtf_param *pa = kbtf_type__extra(proto);
	char buf[4096];
	int n;

	n = kbtf__decl(btf, proto->size_type, NULL, buf, sizeof(buf));
	if (n < 0)
		return set_why(d, "prototype does not decode");
	d->ret_type = strdup(buf);
	if (!d->ret_type)
		return -ENOMEM;
	for (unsigned i = (unsigned)skip; i < kbtf_vlen(proto); i++) {
		const char *pname = kbtf__str(btf, pa[i].name_off);
		struct probe_arg *a;
		char name[32];

		if (i == kbtf_vlen(proto) - 1 && !pa[i].type && !pa[i].name_off) {
			a = probe_detail_add_arg(d);
			if (!a)
				return -ENOMEM;
			a->name = strdup("...");
			a->type = strdup("...");
			a->decl = strdup("...");
			if (!a->name || !a->type || !a->decl)
				return -ENOMEM;
			break;
		}
		if (!*pname) {
			snprintf(name, sizeof(name), "arg%u", i - (unsigned)skip);
			pname = name;
		}
		a = probe_detail_add_arg(d);
		if (!a)
			return -ENOMEM;
		a->name = strdup(pname);
		if (!a->name)
			return -ENOMEM;
		n = kbtf__decl(btf, pa[i].type, NULL, buf, sizeof(buf));
		a->type = strdup(n < 0 ? "?" : buf);
		n = kbtf__decl(btf, pa[i].type, pname, buf, sizeof(buf));
		a->decl = strdup(n < 0 ? "?" : buf);
		if (!a->type || !a->decl)
			return -ENOMEM;
	}
	return 0;
}

int probe_btf_func_detail(struct probe_src *src, const char *func, int skip, struct probe_detail *d)
{
	const struct kbtf_type *t, *proto;
	struct kbtf *btf;
	int id;

	if (probe_src_btf(src, &btf))
		return set_why(d, "no BTF prototype: no kernel BTF");
	id = kbtf__find_func(btf, func);
	if (id == -ENOMEM)
		return id;
	if (id < 0)
		return set_why(d, "no BTF prototype");
	t = kbtf__type_by_id(btf, (uint32_t)id);
	proto = kbtf__type_by_id(btf, t->size_type);
	if (!proto || kbtf_kind(proto) != KBTF_KIND_FUNC_PROTO)
		return set_why(d, "BTF function without a prototype");
	return proto_detail(btf, proto, skip, d);
}

/* A raw tracepoint's arguments: those of its __bpf_trace_NAME function
 * (named), else of its btf_trace_NAME typedef (unnamed), without the
 * leading "void *__data" both have. */
static int rawtp_detail(struct probe_src *src, const struct probe *p, struct probe_detail *d)
{
	const struct kbtf_type *t;
	struct kbtf *btf;
	char fn[PROBES_NAME_MAX + 32];
	int err;

	snprintf(fn, sizeof(fn), "__bpf_trace_%s", p->name);
	if (probe_src_btf(src, &btf))
		return set_why(d, "no BTF prototype: no kernel BTF");
	if (kbtf__find_func(btf, fn) >= 0)
		return probe_btf_func_detail(src, fn, 1, d);
	t = kbtf__type_by_id(btf, p->aux);
	if (!t || kbtf_kind(t) != KBTF_KIND_TYPEDEF) {
		snprintf(fn, sizeof(fn), "btf_trace_%s", p->name);
		err = kbtf__find_by_name_kind(btf, fn, KBTF_KIND_TYPEDEF);
		t = err < 0 ? NULL : kbtf__type_by_id(btf, (uint32_t)err);
	}
	if (t)
		t = kbtf__type_by_id(btf, t->size_type); /* PTR */
	if (t && kbtf_kind(t) == KBTF_KIND_PTR)
		t = kbtf__type_by_id(btf, t->size_type);
	if (!t || kbtf_kind(t) != KBTF_KIND_FUNC_PROTO)
		return set_why(d, "no BTF prototype");
	return proto_detail(btf, t, 1, d);
}

static int tp_detail(struct probe_src *src, const struct probe *p, struct probe_detail *d)
{
	char *text = NULL, why[160];
	size_t len;
	int err;

	if (src->is_trace) {
		if (p->aux >= src->nr_tps)
			return set_why(d, "format not stored");
		return probe_tp_format_parse(src->tps[p->aux].text, src->tps[p->aux].len, d);
	}
	err = live_kernel__tp_format(src->live, p->name, &text, &len);
	if (err) {
		snprintf(why, sizeof(why), "format unreadable: %s", strerror(-err));
		return set_why(d, why);
	}
	err = probe_tp_format_parse(text, len, d);
	free(text);
	return err;
}

int probe_src__detail(struct probe_src *src, const struct probe *p,
		      struct probe_detail **ret_detail)
{
	struct probe_detail *d;
	const struct perf_ev *ev;
	int err = 0;

	if (!src || !p || !ret_detail)
		return -EINVAL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	switch (p->type) {
	case PROBE_TRACEPOINT:
		err = tp_detail(src, p, d);
		break;
	case PROBE_KPROBE:
	case PROBE_KFUNC:
		err = probe_btf_func_detail(src, p->name, 0, d);
		break;
	case PROBE_RAWTRACEPOINT:
		err = rawtp_detail(src, p, d);
		break;
	case PROBE_SOFTWARE:
	case PROBE_HARDWARE:
		ev = perf_event_of(p);
		if (!ev)
			break;
		d->perf_type = p->type == PROBE_SOFTWARE ? PERF_TYPE_SOFTWARE : PERF_TYPE_HARDWARE;
		d->perf_config = ev->config;
		if (ev->alias) {
			d->alias = strdup(ev->alias);
			if (!d->alias)
				err = -ENOMEM;
		}
		break;
	case PROBE_UPROBE:
	case PROBE_USDT:
		err = probe_elf_detail(src, p, d);
		break;
	default:
		err = -EINVAL;
		break;
	}
	if (err) {
		probe_detail__free(d);
		return err;
	}
	*ret_detail = d;
	return 0;
}
