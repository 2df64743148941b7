/* SPDX-License-Identifier: MIT */
/*
 * The libraries under 'execrec probes' called directly: live/ (the running
 * kernel, perf events, binaries found through the PATH and
 * LD_LIBRARY_PATH the caller hands over, never the environment) and
 * probe_src__list (the listing written to an rp_out, its messages through
 * a callback).
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "live.h"
#include "probes-test.h"
#include "probes.h"
#include "replay.h"

static bool require_bpf(void)
{
	const char *e = getenv("EXECREC_REQUIRE_BPF");

	return e && !strcmp(e, "1");
}

/* $PATH comes from the opts: the environment's is never looked at. */
static void test_path_from_opts(void)
{
	char *dir = tmp_dir(), exe[PATH_MAX], got[PATH_MAX];
	char *saved = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	struct probe_src_opts so = {.sz = sizeof(so)};
	struct probe_src *src;

	snprintf(exe, sizeof(exe), "%s/execrec-path-probe", dir);
	CU_ASSERT_EQUAL_FATAL(write_file(exe, "#!/bin/sh\n", 10), 0);
	CU_ASSERT_EQUAL_FATAL(chmod(exe, 0755), 0);

	/* in the environment's PATH only: not found */
	setenv("PATH", dir, 1);
	src = probe_src__new_live(&so);
	CU_ASSERT_PTR_NOT_NULL_FATAL(src);
	CU_ASSERT_EQUAL(probe_src__find_binary(src, "execrec-path-probe", got, sizeof(got)),
			-ENOENT);
	probe_src__free(src);

	/* in the opts' PATH: found there */
	setenv("PATH", "/nonexistent", 1);
	so.path = dir;
	src = probe_src__new_live(&so);
	CU_ASSERT_PTR_NOT_NULL_FATAL(src);
	CU_ASSERT_EQUAL(probe_src__find_binary(src, "execrec-path-probe", got, sizeof(got)), 0);
	CU_ASSERT_STRING_EQUAL(got, exe);
	probe_src__free(src);

	if (saved)
		setenv("PATH", saved, 1);
	free(saved);
	rm_rf(dir);
	free(dir);
}

/* The opts convention: unknown trailing bytes must be zero, an older
 * caller's smaller struct reads as defaults past its end. */
static void test_opts(void)
{
	struct {
		struct probe_src_opts o;
		uint64_t newer;
	} big = {.o = {.sz = sizeof(big)}};
	struct probe_src_opts old = {.sz = offsetof(struct probe_src_opts, path), .path = "/x"};
	struct probe_src *src;
	char got[PATH_MAX];

	big.newer = 1;
	errno = 0;
	CU_ASSERT_PTR_NULL(probe_src__new_live(&big.o));
	CU_ASSERT_EQUAL(errno, EINVAL);
	big.newer = 0;
	src = probe_src__new_live(&big.o);
	CU_ASSERT_PTR_NOT_NULL(src);
	probe_src__free(src);
	/* .path past an older caller's sz is not read: the usual folders */
	src = probe_src__new_live(&old);
	CU_ASSERT_PTR_NOT_NULL_FATAL(src);
	CU_ASSERT_EQUAL(probe_src__find_binary(src, "sh", got, sizeof(got)), 0);
	probe_src__free(src);
	old.sz = 4;
	CU_ASSERT_PTR_NULL(probe_src__new_live(&old));
}

/* Whether a file of @src is under @dir. */
static bool has_file_under(const struct probe_src *src, const char *dir)
{
	const char *p;

	for (uint32_t i = 0; (p = probe_src__file_path(src, i)); i++) {
		if (!strncmp(p, dir, strlen(dir)) && p[strlen(dir)] == '/')
			return true;
	}
	return false;
}

/* $LD_LIBRARY_PATH from the opts, searched before the library folders as
 * ld.so does: a copy of libc there is the one the target loads. */
static void test_ld_library_path_from_opts(void)
{
	const char *target = target_path();
	char libc[PATH_MAX], copy[PATH_MAX], *dir;
	struct probe_src_opts so = {.sz = sizeof(so)};
	struct probe_src *src;
	struct buf b = {0};

	SKIP_IF(!target, "no probes-target (sys/sdt.h missing)");
	src = probe_src__new_live(&so);
	CU_ASSERT_PTR_NOT_NULL_FATAL(src);
	SKIP_IF(probe_src__find_binary(src, "libc.so.6", libc, sizeof(libc)), "no libc.so.6");
	probe_src__free(src);
	dir = tmp_dir();
	snprintf(copy, sizeof(copy), "%s/libc.so.6", dir);
	CU_ASSERT_EQUAL_FATAL(read_all(libc, &b), 0);
	CU_ASSERT_EQUAL_FATAL(write_file(copy, b.data, b.len), 0);
	buf_free(&b);

	/* the environment's LD_LIBRARY_PATH is not read */
	setenv("LD_LIBRARY_PATH", dir, 1);
	src = probe_src__new_live(&so);
	CU_ASSERT_PTR_NOT_NULL_FATAL(src);
	CU_ASSERT_TRUE(probe_src__add_binary(src, target, 0) >= 0);
	CU_ASSERT_FALSE(has_file_under(src, dir));
	probe_src__free(src);
	unsetenv("LD_LIBRARY_PATH");

	so.ld_library_path = dir;
	src = probe_src__new_live(&so);
	CU_ASSERT_PTR_NOT_NULL_FATAL(src);
	CU_ASSERT_TRUE(probe_src__add_binary(src, target, 0) >= 0);
	CU_ASSERT_TRUE(has_file_under(src, dir));
	probe_src__free(src);
	rm_rf(dir);
	free(dir);
}

/* The two ways execrec opens perf events, on this kernel. */
static void test_perf_open(void)
{
	char path[PATH_MAX], *text;
	const char *tfs = live_tracefs();
	size_t len;
	int fd;

	CU_ASSERT_EQUAL(live_perf_open(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK, -1, 0),
			-EINVAL);
	/* asking: this task, user space, disabled */
	fd = live_perf_open(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK, -1, LIVE_PERF_QUERY);
	CU_ASSERT_TRUE(fd >= 0 || fd == -EACCES || fd == -EPERM);
	if (fd >= 0)
		close(fd);
	CU_ASSERT_TRUE(live_perf_supported(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK));
	CU_ASSERT_FALSE(live_perf_supported(PERF_TYPE_SOFTWARE, 1000));

	/* attaching: every task of CPU 0, each hit a sample, as the recorder
	 * hangs its kprobe program off a tracefs event; a tracepoint here */
	if (geteuid() && require_bpf())
		CU_FAIL_FATAL("EXECREC_REQUIRE_BPF=1 but not root: cannot open a tracepoint event");
	SKIP_IF(geteuid(), "not root");
	if (!tfs && require_bpf())
		CU_FAIL_FATAL("EXECREC_REQUIRE_BPF=1 but no tracefs");
	SKIP_IF(!tfs, "no tracefs");
	snprintf(path, sizeof(path), "%s/events/sched/sched_process_exec/id", tfs);
	CU_ASSERT_EQUAL_FATAL(live_read_file(path, 64, &text, &len), 0);
	fd = live_perf_open(PERF_TYPE_TRACEPOINT, strtoull(text, NULL, 10), 0, LIVE_PERF_ATTACH);
	free(text);
	CU_ASSERT_TRUE(fd >= 0);
	if (fd >= 0)
		close(fd);
}

/* mkdir -p */
static int mkdir_p(const char *path)
{
	char tmp[PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return mkdir(tmp, 0755) && errno != EEXIST ? -errno : 0;
}

struct msgs {
	char text[4096];
	size_t len;
};

static void collect(void *ctx, const char *msg)
{
	struct msgs *m = ctx;

	m->len += (size_t)snprintf(m->text + m->len, sizeof(m->text) - m->len, "%s\n", msg);
}

/* List @pattern of a source made from @tracefs into @out; the status. */
static int list(const char *tracefs, const char *pattern, bool json, bool count, struct rp_out *out,
		struct msgs *m, struct probe_list_result *res)
{
	struct probe_src_opts so = {.sz = sizeof(so), .tracefs = tracefs, .no_perf_check = true};
	struct probe_list_opts lo = {
	    .sz = sizeof(lo), .json = json, .count = count, .verbose = json};
	struct probe_pattern *pat;
	struct probe_src *src;
	int err;

	rp_out__init_mem(out);
	memset(m, 0, sizeof(*m));
	if (probe_pattern__new(pattern, &pat, NULL, 0))
		return -EINVAL;
	src = probe_src__new_live(&so);
	if (!src) {
		probe_pattern__free(pat);
		return -ENOMEM;
	}
	err = probe_src__list(src, &pat, 1, &lo, out, collect, m, res);
	rp_out__putc(out, '\0');
	probe_src__free(src);
	probe_pattern__free(pat);
	return err;
}

static void test_list(void)
{
	static const char fmt[] =
	    "name: sched_switch\nID: 1\nformat:\n"
	    "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	    "\tfield:pid_t prev_pid;\toffset:8;\tsize:4;\tsigned:1;\n";
	char *dir = tmp_dir(), path[PATH_MAX];
	struct probe_list_result res;
	struct rp_out out;
	struct msgs m;

	snprintf(path, sizeof(path), "%s/events/sched/sched_switch", dir);
	CU_ASSERT_EQUAL_FATAL(mkdir_p(path), 0);
	snprintf(path, sizeof(path), "%s/events/sched/sched_switch/format", dir);
	CU_ASSERT_EQUAL_FATAL(write_file(path, fmt, sizeof(fmt) - 1), 0);
	snprintf(path, sizeof(path), "%s/available_events", dir);
	CU_ASSERT_EQUAL_FATAL(write_file(path, "sched:sched_switch\nsyscalls:sys_enter_x\n", 40),
			      0);

	CU_ASSERT_EQUAL(list(dir, "tracepoint:sched:*", true, false, &out, &m, &res), 0);
	CU_ASSERT_EQUAL(res.matched, 1);
	CU_ASSERT_EQUAL(res.missing, 0);
	CU_ASSERT_STRING_EQUAL(
	    out.buf, "{\"probe\":\"tracepoint:sched:sched_switch\",\"type\":\"tracepoint\","
		     "\"name\":\"sched:sched_switch\",\"args\":[{\"name\":\"common_type\",\"type\":"
		     "\"unsigned short\",\"decl\":\"unsigned short common_type\",\"offset\":0,"
		     "\"size\":2,\"signed\":false,\"common\":true},{\"name\":\"prev_pid\",\"type\":"
		     "\"pid_t\",\"decl\":\"pid_t prev_pid\",\"offset\":8,\"size\":4,\"signed\":"
		     "true,\"common\":false}]}\n");
	CU_ASSERT_STRING_EQUAL(m.text, "");
	free(out.buf);

	CU_ASSERT_EQUAL(list(dir, "tracepoint:*", false, true, &out, &m, &res), 0);
	CU_ASSERT_EQUAL(res.matched, 2);
	CU_ASSERT_STRING_EQUAL(out.buf, "tracepoint            2\n");
	free(out.buf);

	/* nothing: said once, through the callback, the pattern quoted */
	CU_ASSERT_EQUAL(list(dir, "tracepoint:nothing:*", false, false, &out, &m, &res), 0);
	CU_ASSERT_EQUAL(res.matched, 0);
	CU_ASSERT_STRING_EQUAL(out.buf, "");
	CU_ASSERT_STRING_EQUAL(m.text, "nothing matches 'tracepoint:nothing:*'\n");
	free(out.buf);

	/* a write error: the FILE's, and no caveats after a list not written */
	{
		struct probe_src_opts so = {.sz = sizeof(so), .tracefs = dir};
		struct probe_list_opts lo = {.sz = sizeof(lo)};
		struct probe_pattern *pat;
		struct probe_src *src = probe_src__new_live(&so);
		FILE *full = fopen("/dev/full", "w");
		char small[16];

		CU_ASSERT_PTR_NOT_NULL_FATAL(src);
		CU_ASSERT_EQUAL_FATAL(probe_pattern__new("tracepoint:*", &pat, NULL, 0), 0);
		if (full) {
			memset(&m, 0, sizeof(m));
			rp_out__init(&out, full, small, sizeof(small));
			CU_ASSERT_EQUAL(probe_src__list(src, &pat, 1, &lo, &out, collect, &m, &res),
					-ENOSPC);
			CU_ASSERT_STRING_EQUAL(m.text, "");
			fclose(full);
		}
		probe_pattern__free(pat);
		probe_src__free(src);
	}

	/* a binary that is not there: -EINVAL, and why */
	CU_ASSERT_EQUAL(list(dir, "uprobe:/nonexistent/bin:*", false, false, &out, &m, &res),
			-EINVAL);
	CU_ASSERT_STRING_EQUAL(m.text, "/nonexistent/bin: No such file or directory\n");
	free(out.buf);
	rm_rf(dir);
	free(dir);
}

void register_lib(void)
{
	CU_pSuite s = CU_add_suite("lib", NULL, NULL);

	CU_add_test(s, "opts: trailing bytes, older callers", test_opts);
	CU_add_test(s, "PATH from the opts, not the environment", test_path_from_opts);
	CU_add_test(s, "LD_LIBRARY_PATH from the opts", test_ld_library_path_from_opts);
	CU_add_test(s, "perf events: query and attach", test_perf_open);
	CU_add_test(s, "probe_src__list into an rp_out", test_list);
}
