/* SPDX-License-Identifier: MIT */
/*
 * Probes from a trace: a trace written with this machine's tracepoint
 * formats and full BTF answers as the live machine does; a trace with a
 * subset, no BTF, damaged BTF or hostile names says what it cannot answer;
 * and a trace recorded by 'execrec record' (when it can run here) gives
 * the same tracepoint answers as the live system.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf.h"
#include "etr.h"
#include "probes-test.h"
#include "probes.h"

/* What goes into a test trace. */
struct spec {
	bool all_formats; /* every live format file */
	const char *extra_name;
	const char *extra_text;
	uint32_t btf_kind; /* 0 none */
	const void *btf;
	size_t btf_len;
};

static char *write_trace(const struct spec *sp)
{
	char *path = strdup("/tmp/probes-trace-XXXXXX");
	struct etr_writer_opts wo = {.sz = sizeof(wo)};
	struct etr_writer *w;
	int fd = mkstemp(path);

	CU_ASSERT_FATAL(fd >= 0);
	w = etr_writer__open_fd(fd, &wo);
	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	CU_ASSERT_EQUAL(etr_writer__write_meta(w, "kernel.release", "6.99-test", 9), 0);
	if (sp->all_formats) {
		struct probe_src *live = probe_src__new_live(NULL);

		CU_ASSERT_EQUAL_FATAL(probe_src__load(live, PROBE_TRACEPOINT), 0);
		for (size_t i = 0; i < probe_src__count(live, PROBE_TRACEPOINT); i++) {
			const char *n = probe_src__probe(live, PROBE_TRACEPOINT, i)->name;
			const char *colon = strchr(n, ':');
			char fp[PATH_MAX];
			struct buf text = {0};

			snprintf(fp, sizeof(fp), "%s/events/%.*s/%s/format", live_tracefs(),
				 (int)(colon - n), n, colon + 1);
			if (read_all(fp, &text))
				continue;
			CU_ASSERT_EQUAL(etr_writer__write_tpformat(w, n, text.data, text.len), 0);
			buf_free(&text);
		}
		probe_src__free(live);
	}
	if (sp->extra_name)
		CU_ASSERT_EQUAL(etr_writer__write_tpformat(w, sp->extra_name, sp->extra_text,
							   strlen(sp->extra_text)),
				0);
	if (sp->btf_kind)
		CU_ASSERT_EQUAL(etr_writer__write_btf(w, sp->btf_kind, sp->btf, sp->btf_len), 0);
	CU_ASSERT_EQUAL(etr_writer__close(w, 0), 0);
	etr_writer__free(w);
	close(fd);
	return path;
}

static void drop_trace(char *path)
{
	unlink(path);
	free(path);
}

/* The same list, and for every probe the same details, from two sources. */
static void expect_same(struct probe_src *a, struct probe_src *b, enum probe_type t,
			size_t detail_every)
{
	size_t n = probe_src__count(a, t), diffs = 0;

	CU_ASSERT_EQUAL_FATAL(n, probe_src__count(b, t));
	for (size_t i = 0; i < n; i++) {
		const struct probe *pa = probe_src__probe(a, t, i), *pb = probe_src__probe(b, t, i);
		struct probe_detail *da, *db;

		if (strcmp(pa->name, pb->name)) {
			if (diffs++ < 3)
				fprintf(stderr, "\n  %s vs %s", pa->name, pb->name);
			continue;
		}
		if (i % detail_every)
			continue;
		CU_ASSERT_EQUAL_FATAL(probe_src__detail(a, pa, &da), 0);
		CU_ASSERT_EQUAL_FATAL(probe_src__detail(b, pb, &db), 0);
		CU_ASSERT_EQUAL(da->nr_args, db->nr_args);
		CU_ASSERT_EQUAL(!da->ret_type, !db->ret_type);
		if (da->ret_type && db->ret_type)
			CU_ASSERT_STRING_EQUAL(da->ret_type, db->ret_type);
		for (size_t k = 0; k < da->nr_args && k < db->nr_args; k++) {
			if (strcmp(da->args[k].decl, db->args[k].decl) ||
			    da->args[k].offset != db->args[k].offset)
				diffs++;
		}
		probe_detail__free(da);
		probe_detail__free(db);
	}
	CU_ASSERT_EQUAL(diffs, 0);
}

static void test_full(void)
{
	struct buf btf = {0};
	struct spec sp = {.all_formats = true, .btf_kind = ETR_BTF_FULL};
	struct probe_src *live, *tr;
	const struct probe_trace_info *ti;
	const void *data;
	size_t size;
	uint32_t kind;
	char *path;

	SKIP_IF(!live_tracefs(), "no readable tracefs");
	SKIP_IF(read_all("/sys/kernel/btf/vmlinux", &btf), "no kernel BTF");
	sp.btf = btf.data;
	sp.btf_len = btf.len;
	path = write_trace(&sp);

	tr = probe_src__new_trace(path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tr);
	ti = probe_src__trace_info(tr);
	CU_ASSERT_STRING_EQUAL(ti->kernel_release, "6.99-test");
	CU_ASSERT_EQUAL(ti->btf_kind, 2);
	CU_ASSERT_EQUAL(ti->btf_size, btf.len);
	CU_ASSERT_TRUE(ti->ended_cleanly);
	CU_ASSERT_EQUAL(ti->problems, 0);
	CU_ASSERT_PTR_NULL(probe_src__trace_info(NULL));

	/* tracepoints and their fields: as live */
	live = probe_src__new_live(NULL);
	CU_ASSERT_EQUAL(probe_src__load(live, PROBE_TRACEPOINT), 0);
	CU_ASSERT_EQUAL(probe_src__load(tr, PROBE_TRACEPOINT), 0);
	CU_ASSERT_EQUAL(probe_src__status(tr, PROBE_TRACEPOINT)->origin, PROBE_ORIGIN_TRACE);
	expect_same(live, tr, PROBE_TRACEPOINT, 1);

	/* raw tracepoints and prototypes: as live */
	CU_ASSERT_EQUAL(probe_src__load(live, PROBE_RAWTRACEPOINT), 0);
	CU_ASSERT_EQUAL(probe_src__load(tr, PROBE_RAWTRACEPOINT), 0);
	expect_same(live, tr, PROBE_RAWTRACEPOINT, 1);
	/* kfuncs: the live list may be filtered by available_filter_functions;
	 * the trace's is BTF's, so compare when live is BTF's too */
	CU_ASSERT_EQUAL(probe_src__load(live, PROBE_KFUNC), 0);
	CU_ASSERT_EQUAL(probe_src__load(tr, PROBE_KFUNC), 0);
	CU_ASSERT_TRUE(probe_src__status(tr, PROBE_KFUNC)->partial);
	if (probe_src__status(live, PROBE_KFUNC)->partial)
		expect_same(live, tr, PROBE_KFUNC, 7);
	CU_ASSERT_EQUAL(probe_src__load(tr, PROBE_KPROBE), 0);
	CU_ASSERT_EQUAL(probe_src__count(tr, PROBE_KPROBE), probe_src__count(tr, PROBE_KFUNC));
	/* no perf events in a trace */
	CU_ASSERT_EQUAL(probe_src__load(tr, PROBE_SOFTWARE), -ENODATA);
	CU_ASSERT_EQUAL(probe_src__load(tr, PROBE_HARDWARE), -ENODATA);
	CU_ASSERT_EQUAL(probe_src__ksyms(tr, &(const struct probe_ksym *){NULL}, &size), -ENODATA);

	/* the stored BTF, byte for byte */
	CU_ASSERT_EQUAL(probe_src__trace_btf(tr, 0, &data, &size, &kind), 0);
	CU_ASSERT_EQUAL(kind, 2);
	CU_ASSERT_EQUAL_FATAL(size, btf.len);
	CU_ASSERT_EQUAL(memcmp(data, btf.data, size), 0);
	CU_ASSERT_EQUAL(probe_src__trace_btf(tr, 1, &data, &size, &kind), -ENODATA);
	CU_ASSERT_EQUAL(probe_src__trace_btf(live, 0, &data, &size, &kind), -EINVAL);

	probe_src__free(live);
	probe_src__free(tr);
	drop_trace(path);
	buf_free(&btf);
}

static void test_subset_and_none(void)
{
	struct buf fx = {0};
	struct spec sp = {.extra_name = "sched:fake",
			  .extra_text = "format:\n\tfield:int x;\toffset:8;\tsize:4;\tsigned:1;\n"};
	struct probe_src *tr;
	char *path;

	/* no BTF: tracepoints only; raw tracepoints from their names */
	path = write_trace(&sp);
	tr = probe_src__new_trace(path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tr);
	CU_ASSERT_EQUAL(probe_src__trace_info(tr)->btf_kind, 0);
	CU_ASSERT_EQUAL(probe_src__load(tr, PROBE_TRACEPOINT), 0);
	CU_ASSERT_TRUE(probe_src__status(tr, PROBE_TRACEPOINT)->partial);
	CU_ASSERT_EQUAL(probe_src__count(tr, PROBE_TRACEPOINT), 1);
	CU_ASSERT_EQUAL(probe_src__load(tr, PROBE_KPROBE), -ENODATA);
	CU_ASSERT_EQUAL(probe_src__load(tr, PROBE_KFUNC), -ENODATA);
	CU_ASSERT_EQUAL(probe_src__load(tr, PROBE_RAWTRACEPOINT), 0);
	CU_ASSERT_STRING_EQUAL(probe_src__probe(tr, PROBE_RAWTRACEPOINT, 0)->name, "fake");
	CU_ASSERT_EQUAL(probe_src__trace_btf(tr, 0, &(const void *){NULL}, &(size_t){0}, NULL),
			-ENODATA);
	probe_src__free(tr);
	drop_trace(path);

	/* a subset: raw tracepoints from its typedefs, no functions */
	btf_fixture_blob(&fx, false);
	sp.btf_kind = ETR_BTF_SUBSET;
	sp.btf = fx.data;
	sp.btf_len = fx.len;
	path = write_trace(&sp);
	tr = probe_src__new_trace(path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tr);
	CU_ASSERT_EQUAL(probe_src__trace_info(tr)->btf_kind, 1);
	CU_ASSERT_EQUAL(probe_src__load(tr, PROBE_KFUNC), -ENODATA);
	CU_ASSERT_EQUAL(probe_src__load(tr, PROBE_RAWTRACEPOINT), 0);
	CU_ASSERT_TRUE(probe_src__status(tr, PROBE_RAWTRACEPOINT)->partial);
	CU_ASSERT_STRING_EQUAL(probe_src__probe(tr, PROBE_RAWTRACEPOINT, 0)->name, "my_tp");
	probe_src__free(tr);
	drop_trace(path);
	buf_free(&fx);
}

static void test_damaged_btf(void)
{
	struct buf fx = {0};
	struct spec sp = {.btf_kind = ETR_BTF_FULL};
	struct probe_src *tr;
	const struct probe_trace_info *ti;
	char *path;

	btf_fixture_blob(&fx, false);
	/* a type section that runs past the data */
	fx.data[12] = 0xff;
	sp.btf = fx.data;
	sp.btf_len = fx.len;
	path = write_trace(&sp);
	tr = probe_src__new_trace(path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tr);
	ti = probe_src__trace_info(tr);
	CU_ASSERT_PTR_NOT_NULL(ti->btf_error);
	CU_ASSERT_EQUAL(probe_src__load(tr, PROBE_KFUNC), -EINVAL);
	CU_ASSERT_EQUAL(probe_src__load(tr, PROBE_RAWTRACEPOINT), -EINVAL);
	probe_src__free(tr);
	drop_trace(path);
	buf_free(&fx);
}

static void test_hostile_names(void)
{
	static const char *const bad[] = {
	    "a:b\nkprobe:evil", "noColon", ":x", "x:", "a:b:c", "a/b:c", "a:b c"};
	struct probe_src *tr;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct spec sp = {.extra_name = bad[i], .extra_text = "format:\n"};
		char *path = write_trace(&sp);

		tr = probe_src__new_trace(path, NULL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(tr);
		/* refused, and counted */
		CU_ASSERT_EQUAL(probe_src__trace_info(tr)->problems, 1);
		CU_ASSERT_EQUAL(probe_src__load(tr, PROBE_TRACEPOINT), -ENODATA);
		probe_src__free(tr);
		drop_trace(path);
	}
}

static void test_hostile_formats(void)
{
	static const char *const texts[] = {
	    "",
	    "field:",
	    "field:;",
	    "\tfield:int",
	    "\tfield:int x;\toffset:99999999999999999999;\tsize:-1;\tsigned:7;",
	    "\tfield:[]];\toffset:1;",
	    "\tfield:char a[;\n\tfield:   ;\n",
	    "\tfield:int\0 hidden;\toffset:0;",
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct spec sp = {.extra_name = "x:y", .extra_text = texts[i]};
		char *path = write_trace(&sp);
		struct probe_detail *d = NULL;
		struct probe_src *tr = probe_src__new_trace(path, NULL);

		CU_ASSERT_PTR_NOT_NULL_FATAL(tr);
		CU_ASSERT_EQUAL_FATAL(probe_src__load(tr, PROBE_TRACEPOINT), 0);
		CU_ASSERT_EQUAL_FATAL(
		    probe_src__detail(tr, probe_src__probe(tr, PROBE_TRACEPOINT, 0), &d), 0);
		for (size_t k = 0; k < d->nr_args; k++) {
			CU_ASSERT_PTR_NOT_NULL(d->args[k].name);
			CU_ASSERT_PTR_NOT_NULL(d->args[k].type);
			CU_ASSERT(d->args[k].is_signed >= -1 && d->args[k].is_signed <= 1);
		}
		probe_detail__free(d);
		probe_src__free(tr);
		drop_trace(path);
	}
}

static void test_not_a_trace(void)
{
	struct probe_src *tr;

	errno = 0;
	tr = probe_src__new_trace("/etc/hostname", NULL);
	CU_ASSERT_PTR_NULL(tr);
	CU_ASSERT_EQUAL(errno, EINVAL);
	tr = probe_src__new_trace("/nonexistent.etr", NULL);
	CU_ASSERT_PTR_NULL(tr);
	CU_ASSERT_EQUAL(errno, ENOENT);
}

static bool can_record(const char *execrec)
{
	char *argv[] = {(char *)execrec, "record", "--help", NULL};
	struct run r;
	bool ok;

	if (run_cmd(argv, &r))
		return false;
	ok = r.status == 0;
	run_free(&r);
	return ok;
}

static void test_recorded(void)
{
	const char *execrec = execrec_path();
	bool required = test_bpf__required();
	char path[] = "/tmp/probes-rec-XXXXXX";
	char *argv[] = {(char *)execrec, "record", "-q",	"-f", "-o", path,
			"--btf=full",	 "--",	   "/bin/true", NULL};
	struct probe_src *live, *tr;
	struct run r;
	int fd;

	SKIP_IF(!execrec || !can_record(execrec), "no execrec record in this build");
	SKIP_IF(geteuid() && !required, "recording needs root");
	SKIP_IF(!live_tracefs(), "no readable tracefs");
	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	CU_ASSERT_EQUAL_FATAL(run_cmd(argv, &r), 0);
	if (r.status) {
		fprintf(stderr, "\n  execrec record failed (%d): %s", r.status, r.err);
		run_free(&r);
		unlink(path);
		CU_ASSERT_FALSE(required);
		return;
	}
	run_free(&r);

	tr = probe_src__new_trace(path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tr);
	live = probe_src__new_live(NULL);
	CU_ASSERT_EQUAL(probe_src__load(tr, PROBE_TRACEPOINT), 0);
	CU_ASSERT_EQUAL(probe_src__load(live, PROBE_TRACEPOINT), 0);
	CU_ASSERT(probe_src__count(tr, PROBE_TRACEPOINT) > 0);
	/* every stored tracepoint exists live, with the same fields */
	for (size_t i = 0; i < probe_src__count(tr, PROBE_TRACEPOINT); i++) {
		const struct probe *pt = probe_src__probe(tr, PROBE_TRACEPOINT, i), *pl = NULL;
		struct probe_detail *dt, *dl;

		for (size_t k = 0; k < probe_src__count(live, PROBE_TRACEPOINT) && !pl; k++) {
			const struct probe *c = probe_src__probe(live, PROBE_TRACEPOINT, k);

			if (!strcmp(c->name, pt->name))
				pl = c;
		}
		CU_ASSERT_PTR_NOT_NULL_FATAL(pl);
		CU_ASSERT_EQUAL_FATAL(probe_src__detail(tr, pt, &dt), 0);
		CU_ASSERT_EQUAL_FATAL(probe_src__detail(live, pl, &dl), 0);
		CU_ASSERT_EQUAL_FATAL(dt->nr_args, dl->nr_args);
		for (size_t k = 0; k < dt->nr_args; k++) {
			CU_ASSERT_STRING_EQUAL(dt->args[k].decl, dl->args[k].decl);
			CU_ASSERT_EQUAL(dt->args[k].offset, dl->args[k].offset);
		}
		probe_detail__free(dt);
		probe_detail__free(dl);
	}
	/* full BTF: the kernel's functions and raw tracepoints */
	CU_ASSERT_EQUAL(probe_src__trace_info(tr)->btf_kind, 2);
	CU_ASSERT_EQUAL(probe_src__load(tr, PROBE_RAWTRACEPOINT), 0);
	CU_ASSERT_EQUAL(probe_src__load(live, PROBE_RAWTRACEPOINT), 0);
	expect_same(live, tr, PROBE_RAWTRACEPOINT, 1);
	probe_src__free(live);
	probe_src__free(tr);
	unlink(path);
}

void register_trace(void)
{
	CU_pSuite s = CU_add_suite("trace", NULL, NULL);

	CU_add_test(s, "full BTF and every format: the live answers", test_full);
	CU_add_test(s, "a subset, no BTF", test_subset_and_none);
	CU_add_test(s, "damaged BTF", test_damaged_btf);
	CU_add_test(s, "hostile tracepoint names", test_hostile_names);
	CU_add_test(s, "hostile format texts", test_hostile_formats);
	CU_add_test(s, "not a trace", test_not_a_trace);
	CU_add_test(s, "a trace from execrec record", test_recorded);
}
