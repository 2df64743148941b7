/* SPDX-License-Identifier: MIT */
/*
 * Live sources: tracepoints against tracefs itself (available_events, the
 * events/ folders, every format file) and against bpftrace when it is
 * installed; the kprobe sources and their fallbacks on a fake tracefs,
 * since the real available_filter_functions may be unreadable.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probes-test.h"
#include "probes.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lines of @text, sorted, as a NULL-terminated array of copies. */
static char **sorted_lines(const char *text, size_t *ret_n)
{
	size_t n = 0, cap = 1024;
	char **v = malloc(cap * sizeof(*v));

	for (const char *p = text; *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		if (len) {
			if (n + 1 >= cap)
				v = realloc(v, (cap *= 2) * sizeof(*v));
			v[n++] = strndup(p, len);
		}
		p += len + (eol ? 1 : 0);
	}
	qsort(v, n, sizeof(*v), cmp_str);
	v[n] = NULL;
	*ret_n = n;
	return v;
}

static void free_lines(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* The listed names of @type as lines. */
static char *names_of(struct probe_src *src, enum probe_type t)
{
	struct buf b = {0};

	for (size_t i = 0; i < probe_src__count(src, t); i++) {
		buf_put(&b, probe_src__probe(src, t, i)->name,
			strlen(probe_src__probe(src, t, i)->name));
		buf_put(&b, "\n", 1);
	}
	buf_put(&b, "", 1);
	return (char *)b.data;
}

static void expect_same_lines(const char *a, const char *b, const char *what)
{
	size_t na, nb, diffs = 0;
	char **va = sorted_lines(a, &na), **vb = sorted_lines(b, &nb);

	CU_ASSERT_EQUAL(na, nb);
	for (size_t i = 0; i < na && i < nb; i++) {
		if (strcmp(va[i], vb[i]) && diffs++ < 5)
			fprintf(stderr, "\n  %s: '%s' vs '%s'", what, va[i], vb[i]);
	}
	CU_ASSERT_EQUAL(diffs, 0);
	if (na != nb)
		fprintf(stderr, "\n  %s: %zu vs %zu lines\n", what, na, nb);
	free_lines(va);
	free_lines(vb);
}

static void test_tracepoints_vs_tracefs(void)
{
	const char *tfs = live_tracefs();
	struct probe_src *src;
	struct buf avail = {0}, dirs = {0};
	char path[PATH_MAX], *mine;
	DIR *d, *e;
	struct dirent *sys, *ev;

	SKIP_IF(!tfs, "no readable tracefs");
	src = probe_src__new_live(NULL);
	CU_ASSERT_EQUAL_FATAL(probe_src__load(src, PROBE_TRACEPOINT), 0);
	CU_ASSERT_EQUAL(probe_src__status(src, PROBE_TRACEPOINT)->origin, PROBE_ORIGIN_TRACEFS);
	CU_ASSERT(probe_src__count(src, PROBE_TRACEPOINT) > 100);
	mine = names_of(src, PROBE_TRACEPOINT);

	/* tracefs' own list */
	snprintf(path, sizeof(path), "%s/available_events", tfs);
	CU_ASSERT_EQUAL_FATAL(read_all(path, &avail), 0);
	buf_put(&avail, "", 1);
	expect_same_lines(mine, (char *)avail.data, "available_events");

	/* the events/ folders that can be enabled (ftrace's own cannot) */
	snprintf(path, sizeof(path), "%s/events", tfs);
	d = opendir(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	while ((sys = readdir(d))) {
		char sp[PATH_MAX + 300];

		if (sys->d_name[0] == '.')
			continue;
		snprintf(sp, sizeof(sp), "%s/%s", path, sys->d_name);
		e = opendir(sp);
		if (!e)
			continue;
		while ((ev = readdir(e))) {
			char en[PATH_MAX + 600];

			snprintf(en, sizeof(en), "%s/%s/enable", sp, ev->d_name);
			if (ev->d_name[0] == '.' || access(en, F_OK))
				continue;
			buf_put(&dirs, sys->d_name, strlen(sys->d_name));
			buf_put(&dirs, ":", 1);
			buf_put(&dirs, ev->d_name, strlen(ev->d_name));
			buf_put(&dirs, "\n", 1);
		}
		closedir(e);
	}
	closedir(d);
	buf_put(&dirs, "", 1);
	expect_same_lines(mine, (char *)dirs.data, "events/ folders");
	free(mine);
	buf_free(&avail);
	buf_free(&dirs);
	probe_src__free(src);
}

static void test_tracepoints_vs_bpftrace(void)
{
	const char *bt = !access("/usr/bin/bpftrace", X_OK)	    ? "/usr/bin/bpftrace"
			 : !access("/usr/local/bin/bpftrace", X_OK) ? "/usr/local/bin/bpftrace"
								    : NULL;
	char *argv[] = {(char *)bt, "-l", "tracepoint:*", NULL};
	struct probe_src *src;
	struct buf mine = {0};
	struct run r;

	SKIP_IF(!bt, "bpftrace not installed");
	SKIP_IF(!live_tracefs(), "no readable tracefs");
	CU_ASSERT_EQUAL_FATAL(run_cmd(argv, &r), 0);
	SKIP_IF(r.status, "bpftrace -l failed");
	src = probe_src__new_live(NULL);
	CU_ASSERT_EQUAL_FATAL(probe_src__load(src, PROBE_TRACEPOINT), 0);
	for (size_t i = 0; i < probe_src__count(src, PROBE_TRACEPOINT); i++) {
		const char *n = probe_src__probe(src, PROBE_TRACEPOINT, i)->name;

		buf_put(&mine, "tracepoint:", 11);
		buf_put(&mine, n, strlen(n));
		buf_put(&mine, "\n", 1);
	}
	buf_put(&mine, "", 1);
	expect_same_lines((char *)mine.data, r.out, "bpftrace -l");
	buf_free(&mine);
	run_free(&r);
	probe_src__free(src);
}

/* "field:TYPE NAME;" lines of a format text, in order, as a list of lines. */
static char *fields_of_format(const char *text)
{
	struct buf b = {0};

	for (const char *p = strstr(text, "field:"); p; p = strstr(p + 1, "field:")) {
		const char *semi = strchr(p, ';');

		if (!semi)
			break;
		/* the common_* fields, which -v leaves out */
		if (memmem(p, (size_t)(semi - p), " common_", 8))
			continue;
		buf_put(&b, p + 6, (size_t)(semi - p - 6));
		buf_put(&b, "\n", 1);
	}
	buf_put(&b, "", 1);
	return (char *)b.data;
}

static void test_fields_vs_format_files(void)
{
	const char *tfs = live_tracefs();
	struct probe_src *src;
	size_t n, bad = 0, checked = 0;

	SKIP_IF(!tfs, "no readable tracefs");
	src = probe_src__new_live(NULL);
	CU_ASSERT_EQUAL_FATAL(probe_src__load(src, PROBE_TRACEPOINT), 0);
	n = probe_src__count(src, PROBE_TRACEPOINT);
	for (size_t i = 0; i < n; i++) {
		const struct probe *p = probe_src__probe(src, PROBE_TRACEPOINT, i);
		struct probe_detail *d = NULL;
		struct buf text = {0}, mine = {0};
		char path[PATH_MAX], *want;
		const char *colon = strchr(p->name, ':');

		snprintf(path, sizeof(path), "%s/events/%.*s/%s/format", tfs,
			 (int)(colon - p->name), p->name, colon + 1);
		if (read_all(path, &text))
			continue;
		buf_put(&text, "", 1);
		CU_ASSERT_EQUAL_FATAL(probe_src__detail(src, p, &d), 0);
		CU_ASSERT_PTR_NULL(d->why);
		for (size_t k = 0; k < d->nr_args; k++) {
			/* every field, common ones flagged; offsets and sizes set */
			if (d->args[k].common)
				continue;
			buf_put(&mine, d->args[k].decl, strlen(d->args[k].decl));
			buf_put(&mine, "\n", 1);
			if (d->args[k].offset < 0 || d->args[k].size <= 0 ||
			    d->args[k].is_signed < 0 || !*d->args[k].name)
				bad++;
		}
		buf_put(&mine, "", 1);
		want = fields_of_format((char *)text.data);
		if (strcmp((char *)mine.data, want)) {
			if (bad++ < 3)
				fprintf(stderr, "\n  %s:\n%s  vs\n%s", p->name, (char *)mine.data,
					want);
		}
		checked++;
		free(want);
		buf_free(&text);
		buf_free(&mine);
		probe_detail__free(d);
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(checked > 100);
	probe_src__free(src);
}

static void test_field_split(void)
{
	/* a fixture format with the declarations tracefs writes */
	static const char fmt[] =
	    "name: fake\nID: 1\nformat:\n"
	    "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	    "\n"
	    "\tfield:__data_loc char[] filename;\toffset:8;\tsize:4;\tsigned:0;\n"
	    "\tfield:char comm[16];\toffset:12;\tsize:16;\tsigned:0;\n"
	    "\tfield:const char *const * argv;\toffset:32;\tsize:8;\tsigned:0;\n"
	    "\tfield:unsigned long args[6];\toffset:40;\tsize:48;\tsigned:0;\n"
	    "\tfield:int ret;\toffset:88;\tsize:4;\tsigned:1;\n"
	    "\tfield:garbage\n"
	    "\nprint fmt: \"x\"\n";
	static const struct {
		const char *name, *type, *decl;
		int offset, size, sign;
	} want[] = {
	    {"common_type", "unsigned short", "unsigned short common_type", 0, 2, 0},
	    {"filename", "__data_loc char[]", "__data_loc char[] filename", 8, 4, 0},
	    {"comm", "char[16]", "char comm[16]", 12, 16, 0},
	    {"argv", "const char *const *", "const char *const * argv", 32, 8, 0},
	    {"args", "unsigned long[6]", "unsigned long args[6]", 40, 48, 0},
	    {"ret", "int", "int ret", 88, 4, 1},
	};
	char dir_tmpl[] = "/tmp/probes-tfs-XXXXXX";
	char *dir = mkdtemp(dir_tmpl), path[PATH_MAX];
	struct probe_src_opts o = {.sz = sizeof(o), .tracefs = dir, .no_perf_check = true};
	struct probe_detail *d = NULL;
	struct probe_src *src;
	const struct probe *p;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	snprintf(path, sizeof(path), "%s/events", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/events/fake", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/events/fake/ev", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/events/fake/ev/format", dir);
	write_file(path, fmt, sizeof(fmt) - 1);
	snprintf(path, sizeof(path), "%s/available_events", dir);
	write_file(path, "fake:ev\n", 8);

	src = probe_src__new_live(&o);
	CU_ASSERT_EQUAL_FATAL(probe_src__load(src, PROBE_TRACEPOINT), 0);
	CU_ASSERT_EQUAL_FATAL(probe_src__count(src, PROBE_TRACEPOINT), 1);
	p = probe_src__probe(src, PROBE_TRACEPOINT, 0);
	CU_ASSERT_STRING_EQUAL(p->name, "fake:ev");
	CU_ASSERT_EQUAL_FATAL(probe_src__detail(src, p, &d), 0);
	CU_ASSERT_EQUAL_FATAL(d->nr_args, 6);
	for (size_t i = 0; i < 6; i++) {
		CU_ASSERT_STRING_EQUAL(d->args[i].name, want[i].name);
		CU_ASSERT_STRING_EQUAL(d->args[i].type, want[i].type);
		CU_ASSERT_STRING_EQUAL(d->args[i].decl, want[i].decl);
		CU_ASSERT_EQUAL(d->args[i].offset, want[i].offset);
		CU_ASSERT_EQUAL(d->args[i].size, want[i].size);
		CU_ASSERT_EQUAL(d->args[i].is_signed, want[i].sign);
		CU_ASSERT_EQUAL(d->args[i].common, i == 0);
	}
	probe_detail__free(d);
	probe_src__free(src);
	rm_rf(dir);
}

/*
 * A fake machine: tracefs with a readable available_filter_functions, a
 * BTF file (the fixture), a kallsyms and a kprobe blacklist. Each source's
 * file can be left out to see the next one taken.
 */
struct fake {
	char *dir;
	char tracefs[256]; /* short: the paths below are built from it */
	char btf[PATH_MAX];
	char filter[PATH_MAX];
	char kallsyms[PATH_MAX];
	char blacklist[PATH_MAX];
};

static void fake_make(struct fake *f)
{
	static const char kallsyms[] = "ffffffff81000000 T _stext\n"
				       "ffffffff81000010 t __pfx_my_func\n"
				       "ffffffff81000020 T my_func\n"
				       "ffffffff81000030 t other\n"
				       "ffffffff81000040 t denied\n"
				       "ffffffff81000050 d some_data\n"
				       "ffffffff81000060 t __cfi_other\n"
				       "ffffffffc0000000 t mod_func\t[mymod]\n";
	static const char filter[] = "my_func\n__ftrace_invalid_address___64\nmod_func [mymod]\n";
	static const char black[] = "0xffffffff81000040-0xffffffff81000050\tdenied\n";
	struct buf blob = {0};
	char p[PATH_MAX + 32];

	f->dir = tmp_dir();
	snprintf(f->tracefs, sizeof(f->tracefs), "%s/tracing", f->dir);
	mkdir(f->tracefs, 0755);
	snprintf(p, sizeof(p), "%s/events", f->tracefs);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/available_events", f->tracefs);
	write_file(p, "", 0);
	snprintf(f->filter, sizeof(f->filter), "%s/available_filter_functions", f->tracefs);
	write_file(f->filter, filter, sizeof(filter) - 1);
	snprintf(f->btf, sizeof(f->btf), "%s/vmlinux", f->dir);
	btf_fixture_blob(&blob, false);
	write_file(f->btf, blob.data, blob.len);
	buf_free(&blob);
	snprintf(f->kallsyms, sizeof(f->kallsyms), "%s/kallsyms", f->dir);
	write_file(f->kallsyms, kallsyms, sizeof(kallsyms) - 1);
	snprintf(f->blacklist, sizeof(f->blacklist), "%s/blacklist", f->dir);
	write_file(f->blacklist, black, sizeof(black) - 1);
}

static struct probe_src *fake_src(const struct fake *f)
{
	struct probe_src_opts o = {
	    .sz = sizeof(o),
	    .tracefs = f->tracefs,
	    .btf_path = f->btf,
	    .filter_functions = f->filter,
	    .kallsyms = f->kallsyms,
	    .kprobe_blacklist = f->blacklist,
	    .no_perf_check = true,
	};

	return probe_src__new_live(&o);
}

static void test_kprobe_sources(void)
{
	struct fake f;
	struct probe_src *src;
	const struct probe_status *st;
	char *names;

	fake_make(&f);

	/* 1. available_filter_functions readable: it is the list */
	src = fake_src(&f);
	CU_ASSERT_EQUAL(probe_src__load(src, PROBE_KPROBE), 0);
	st = probe_src__status(src, PROBE_KPROBE);
	CU_ASSERT_EQUAL(st->origin, PROBE_ORIGIN_FILTER_FUNCTIONS);
	CU_ASSERT_FALSE(st->partial);
	names = names_of(src, PROBE_KPROBE);
	CU_ASSERT_STRING_EQUAL(names, "mod_func\nmy_func\n");
	free(names);
	/* kfuncs: BTF's functions that ftrace can patch */
	CU_ASSERT_EQUAL(probe_src__load(src, PROBE_KFUNC), 0);
	st = probe_src__status(src, PROBE_KFUNC);
	CU_ASSERT_EQUAL(st->origin, PROBE_ORIGIN_BTF);
	CU_ASSERT_FALSE(st->partial);
	names = names_of(src, PROBE_KFUNC);
	CU_ASSERT_STRING_EQUAL(names, "my_func\n");
	free(names);
	/* raw tracepoints: the btf_trace_ typedefs */
	CU_ASSERT_EQUAL(probe_src__load(src, PROBE_RAWTRACEPOINT), 0);
	names = names_of(src, PROBE_RAWTRACEPOINT);
	CU_ASSERT_STRING_EQUAL(names, "my_tp\n");
	free(names);
	probe_src__free(src);

	/* 2. unreadable filter list: BTF's functions (not extern), partial */
	unlink(f.filter);
	src = fake_src(&f);
	CU_ASSERT_EQUAL(probe_src__load(src, PROBE_KPROBE), 0);
	st = probe_src__status(src, PROBE_KPROBE);
	CU_ASSERT_EQUAL(st->origin, PROBE_ORIGIN_BTF);
	CU_ASSERT_TRUE(st->partial);
	CU_ASSERT_EQUAL(st->fallback_err, -ENOENT);
	CU_ASSERT_STRING_EQUAL(st->fallback_path, f.filter);
	names = names_of(src, PROBE_KPROBE);
	CU_ASSERT_STRING_EQUAL(names, "__bpf_trace_my_tp\nmy_func\nother\n");
	free(names);
	CU_ASSERT_EQUAL(probe_src__load(src, PROBE_KFUNC), 0);
	CU_ASSERT_TRUE(probe_src__status(src, PROBE_KFUNC)->partial);
	CU_ASSERT_EQUAL(probe_src__count(src, PROBE_KFUNC), 3);
	probe_src__free(src);

	/* 3. no BTF either: kallsyms' functions, minus padding and the blacklist */
	unlink(f.btf);
	src = fake_src(&f);
	CU_ASSERT_EQUAL(probe_src__load(src, PROBE_KPROBE), 0);
	st = probe_src__status(src, PROBE_KPROBE);
	CU_ASSERT_EQUAL(st->origin, PROBE_ORIGIN_KALLSYMS);
	CU_ASSERT_TRUE(st->partial);
	names = names_of(src, PROBE_KPROBE);
	CU_ASSERT_STRING_EQUAL(names, "_stext\nmod_func\nmy_func\nother\n");
	free(names);
	/* and kfuncs cannot be listed */
	CU_ASSERT_EQUAL(probe_src__load(src, PROBE_KFUNC), -ENOENT);
	/* raw tracepoints fall back on tracefs events (none here) */
	CU_ASSERT_EQUAL(probe_src__load(src, PROBE_RAWTRACEPOINT), 0);
	CU_ASSERT_EQUAL(probe_src__status(src, PROBE_RAWTRACEPOINT)->origin, PROBE_ORIGIN_TRACEFS);
	{
		const struct probe_ksym *ks;
		size_t n, funcs = 0;

		CU_ASSERT_EQUAL(probe_src__ksyms(src, &ks, &n), 0);
		CU_ASSERT_EQUAL(n, 8);
		for (size_t i = 0; i < n; i++)
			funcs += probe_ksym__is_func(&ks[i]);
		CU_ASSERT_EQUAL(funcs, 5);
	}
	probe_src__free(src);

	/* 4. nothing at all */
	unlink(f.kallsyms);
	src = fake_src(&f);
	CU_ASSERT_EQUAL(probe_src__load(src, PROBE_KPROBE), -ENOENT);
	probe_src__free(src);
	rm_rf(f.dir);
	free(f.dir);
}

static void test_no_tracefs(void)
{
	struct probe_src_opts o = {.sz = sizeof(o), .tracefs = "/nonexistent/tracing"};
	struct probe_src *src = probe_src__new_live(&o);

	CU_ASSERT_EQUAL(probe_src__load(src, PROBE_TRACEPOINT), -ENOENT);
	CU_ASSERT_EQUAL(probe_src__status(src, PROBE_TRACEPOINT)->err, -ENOENT);
	CU_ASSERT_EQUAL(probe_src__count(src, PROBE_TRACEPOINT), 0);
	/* asking again gives the same answer */
	CU_ASSERT_EQUAL(probe_src__load(src, PROBE_TRACEPOINT), -ENOENT);
	probe_src__free(src);
}

static void test_events_walk(void)
{
	/* available_events unreadable: the events/ folders with "enable" */
	struct fake f;
	struct probe_src *src;
	char p[PATH_MAX + 64], *names;

	fake_make(&f);
	snprintf(p, sizeof(p), "%s/available_events", f.tracefs);
	unlink(p);
	snprintf(p, sizeof(p), "%s/events/sched", f.tracefs);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/events/sched/sched_switch", f.tracefs);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/events/sched/sched_switch/enable", f.tracefs);
	write_file(p, "0\n", 2);
	snprintf(p, sizeof(p), "%s/events/ftrace", f.tracefs);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/events/ftrace/function", f.tracefs);
	mkdir(p, 0755);
	src = fake_src(&f);
	CU_ASSERT_EQUAL(probe_src__load(src, PROBE_TRACEPOINT), 0);
	CU_ASSERT_EQUAL(probe_src__status(src, PROBE_TRACEPOINT)->fallback_err, -ENOENT);
	names = names_of(src, PROBE_TRACEPOINT);
	CU_ASSERT_STRING_EQUAL(names, "sched:sched_switch\n");
	free(names);
	probe_src__free(src);
	rm_rf(f.dir);
	free(f.dir);
}

static void test_prototypes(void)
{
	struct fake f;
	struct probe_src *src;
	struct probe_detail *d;
	const struct probe *p;

	fake_make(&f);
	unlink(f.filter);
	src = fake_src(&f);
	CU_ASSERT_EQUAL_FATAL(probe_src__load(src, PROBE_KFUNC), 0);
	/* "my_func" is the second */
	p = probe_src__probe(src, PROBE_KFUNC, 1);
	CU_ASSERT_STRING_EQUAL_FATAL(p->name, "my_func");
	CU_ASSERT_EQUAL_FATAL(probe_src__detail(src, p, &d), 0);
	CU_ASSERT_STRING_EQUAL(d->ret_type, "int");
	CU_ASSERT_EQUAL_FATAL(d->nr_args, 3);
	CU_ASSERT_STRING_EQUAL(d->args[0].decl, "int fd");
	CU_ASSERT_STRING_EQUAL(d->args[1].name, "argv");
	CU_ASSERT_STRING_EQUAL(d->args[1].type, "const char *const *");
	CU_ASSERT_STRING_EQUAL(d->args[1].decl, "const char *const *argv");
	CU_ASSERT_STRING_EQUAL(d->args[2].decl, "...");
	probe_detail__free(d);

	/* a raw tracepoint: __bpf_trace_my_tp's named arguments, __data dropped */
	CU_ASSERT_EQUAL_FATAL(probe_src__load(src, PROBE_RAWTRACEPOINT), 0);
	p = probe_src__probe(src, PROBE_RAWTRACEPOINT, 0);
	CU_ASSERT_EQUAL_FATAL(probe_src__detail(src, p, &d), 0);
	CU_ASSERT_EQUAL_FATAL(d->nr_args, 1);
	CU_ASSERT_STRING_EQUAL(d->args[0].decl, "struct task *p");
	probe_detail__free(d);

	/* a kprobe without BTF: no prototype, and why */
	probe_src__free(src);
	unlink(f.btf);
	src = fake_src(&f);
	CU_ASSERT_EQUAL_FATAL(probe_src__load(src, PROBE_KPROBE), 0);
	p = probe_src__probe(src, PROBE_KPROBE, 0);
	CU_ASSERT_EQUAL_FATAL(probe_src__detail(src, p, &d), 0);
	CU_ASSERT_PTR_NOT_NULL(d->why);
	CU_ASSERT_PTR_NULL(d->ret_type);
	probe_detail__free(d);
	probe_src__free(src);
	rm_rf(f.dir);
	free(f.dir);
}

static void test_perf(void)
{
	struct probe_src_opts o = {.sz = sizeof(o), .no_perf_check = true};
	struct probe_src *src = probe_src__new_live(&o);
	struct probe_detail *d;
	const struct probe *p;

	CU_ASSERT_EQUAL(probe_src__load(src, PROBE_SOFTWARE), 0);
	CU_ASSERT_EQUAL(probe_src__load(src, PROBE_HARDWARE), 0);
	CU_ASSERT_EQUAL(probe_src__count(src, PROBE_SOFTWARE), 12);
	CU_ASSERT_EQUAL(probe_src__count(src, PROBE_HARDWARE), 10);
	/* sorted: "alignment-faults" first */
	p = probe_src__probe(src, PROBE_SOFTWARE, 0);
	CU_ASSERT_STRING_EQUAL(p->name, "alignment-faults");
	for (size_t i = 0; i < probe_src__count(src, PROBE_SOFTWARE); i++) {
		p = probe_src__probe(src, PROBE_SOFTWARE, i);
		if (strcmp(p->name, "context-switches"))
			continue;
		CU_ASSERT_EQUAL_FATAL(probe_src__detail(src, p, &d), 0);
		CU_ASSERT_EQUAL(d->perf_type, 1);
		CU_ASSERT_EQUAL(d->perf_config, 3);
		CU_ASSERT_STRING_EQUAL(d->alias, "cs");
		probe_detail__free(d);
	}
	probe_src__free(src);

	/* checked: what perf_event_open accepts, a subset */
	src = probe_src__new_live(NULL);
	CU_ASSERT_EQUAL(probe_src__load(src, PROBE_HARDWARE), 0);
	CU_ASSERT(probe_src__count(src, PROBE_HARDWARE) <= 10);
	probe_src__free(src);
}

void register_live(void)
{
	CU_pSuite s = CU_add_suite("live", NULL, NULL);

	CU_add_test(s, "tracepoints = available_events = events/ folders",
		    test_tracepoints_vs_tracefs);
	CU_add_test(s, "tracepoints = bpftrace -l 'tracepoint:*'", test_tracepoints_vs_bpftrace);
	CU_add_test(s, "-v fields = every format file's", test_fields_vs_format_files);
	CU_add_test(s, "format fields split into type and name", test_field_split);
	CU_add_test(s, "kprobe sources and their fallbacks", test_kprobe_sources);
	CU_add_test(s, "tracefs not mounted", test_no_tracefs);
	CU_add_test(s, "events/ walked when available_events is unreadable", test_events_walk);
	CU_add_test(s, "kfunc and raw tracepoint prototypes", test_prototypes);
	CU_add_test(s, "perf software and hardware events", test_perf);
}
