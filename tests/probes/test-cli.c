/* SPDX-License-Identifier: MIT */
/*
 * The front ends, run as a user would: 'execrec probes' and 'execrec btf'
 * print what they should, and bad input gets one clear line on stderr and a
 * non-zero exit.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "etr.h"
#include "probes-test.h"

#define RUN(r, ...)                                                                                \
	do {                                                                                       \
		char *argv_[] = {(char *)execrec_path(), __VA_ARGS__, NULL};                       \
		CU_ASSERT_EQUAL_FATAL(run_cmd(argv_, r), 0);                                       \
	} while (0)

/* One line on stderr, holding @needle; exit status @status. */
static void expect_error(struct run *r, int status, const char *needle)
{
	if (r->status != status || count_lines(r->err) != 1 || !strstr(r->err, needle))
		fprintf(stderr, "\n  exit %d, stderr: %s", r->status, r->err);
	CU_ASSERT_EQUAL(r->status, status);
	CU_ASSERT_EQUAL(count_lines(r->err), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(r->err, needle));
	CU_ASSERT_STRING_EQUAL(r->out, "");
}

/* A trace with one tracepoint format and, optionally, BTF. */
static char *small_trace(uint32_t kind, const void *btf, size_t len)
{
	static const char fmt[] =
	    "name: sys_enter_execve\nID: 1\nformat:\n"
	    "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n\n"
	    "\tfield:const char * filename;\toffset:16;\tsize:8;\tsigned:0;\n";
	char *path = strdup("/tmp/probes-cli-XXXXXX");
	struct etr_writer *w;
	int fd = mkstemp(path);

	CU_ASSERT_FATAL(fd >= 0);
	w = etr_writer__open_fd(fd, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	etr_writer__write_tpformat(w, "syscalls:sys_enter_execve", fmt, sizeof(fmt) - 1);
	if (kind)
		etr_writer__write_btf(w, kind, btf, len);
	CU_ASSERT_EQUAL(etr_writer__close(w, 0), 0);
	etr_writer__free(w);
	close(fd);
	return path;
}

static void test_list(void)
{
	struct run r;

	SKIP_IF(!execrec_path(), "EXECREC not set");
	SKIP_IF(!live_tracefs(), "no readable tracefs");
	RUN(&r, "probes", "tracepoint:syscalls:sys_enter_execve");
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_STRING_EQUAL(r.out, "tracepoint:syscalls:sys_enter_execve\n");
	run_free(&r);
	RUN(&r, "probes", "-v", "t:syscalls:sys_enter_execve");
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\n    const char * filename\n"));
	CU_ASSERT_PTR_NULL(strstr(r.out, "common_"));
	run_free(&r);
	/* a wildcard in the type */
	RUN(&r, "probes", "*:syscalls:sys_enter_execve");
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "tracepoint:syscalls:sys_enter_execve\n"));
	run_free(&r);
	RUN(&r, "probes", "--json", "-v", "tracepoint:syscalls:sys_enter_execve");
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_EQUAL(strncmp(r.out, "{\"probe\":\"tracepoint:syscalls:sys_enter_execve\"", 47),
			0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\"name\":\"filename\",\"type\":\"const char *\""));
	CU_ASSERT_EQUAL(count_lines(r.out), 1);
	run_free(&r);
}

static void test_count(void)
{
	struct run r;

	SKIP_IF(!execrec_path(), "EXECREC not set");
	RUN(&r, "probes", "--count");
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "tracepoint "));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "kfunc "));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "software "));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "/proc/kallsyms: "));
	run_free(&r);
}

static void test_bad_input(void)
{
	char dir_tmpl[] = "/tmp/probes-cli-d-XXXXXX";
	char *dir = mkdtemp(dir_tmpl), out[PATH_MAX];
	struct run r;
	char *path;

	SKIP_IF(!execrec_path(), "EXECREC not set");
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	/* a bad pattern */
	RUN(&r, "probes", "sched:*");
	expect_error(&r, 2, "unknown probe type 'sched'");
	run_free(&r);
	RUN(&r, "probes", "");
	expect_error(&r, 2, "empty pattern");
	run_free(&r);
	RUN(&r, "probes", "uprobe:*");
	expect_error(&r, 2, "name a binary");
	run_free(&r);
	/* nothing matches: not an error, but says so */
	RUN(&r, "probes", "tracepoint:no_such_system:*");
	CU_ASSERT_EQUAL(r.status, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "nothing matches"));
	run_free(&r);
	/* a non-trace file */
	RUN(&r, "probes", "-i", "/etc/hostname");
	expect_error(&r, 2, "/etc/hostname: not an execrec trace");
	run_free(&r);
	/* btf: a trace that cannot be read is 1, as for the other analyzers */
	RUN(&r, "btf", "-i", "/etc/hostname", "-o", "/dev/null");
	expect_error(&r, 1, "/etc/hostname: not an execrec trace");
	run_free(&r);
	RUN(&r, "btf", "-i", "/nonexistent.etr");
	expect_error(&r, 1, "/nonexistent.etr: No such file or directory");
	run_free(&r);
	RUN(&r, "btf", "/nonexistent.etr", "-o", "/dev/null");
	expect_error(&r, 1, "/nonexistent.etr: No such file or directory");
	run_free(&r);
	RUN(&r, "probes", "-i", "/nonexistent.etr");
	expect_error(&r, 2, "/nonexistent.etr: No such file or directory");
	run_free(&r);
	/* a trace without BTF */
	path = small_trace(0, NULL, 0);
	snprintf(out, sizeof(out), "%s/vmlinux.btf", dir);
	RUN(&r, "btf", "-i", path, "-o", out);
	expect_error(&r, 1, "holds no BTF");
	CU_ASSERT_NOT_EQUAL(access(out, F_OK), 0);
	run_free(&r);
	/* ... which still answers for its tracepoints, and says what it cannot */
	RUN(&r, "probes", "-i", path, "kprobe:*");
	CU_ASSERT_EQUAL(r.status, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "holds no BTF: no kprobes"));
	run_free(&r);
	RUN(&r, "probes", "-i", path, "-v", "tracepoint:*");
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_STRING_EQUAL(r.out,
			       "tracepoint:syscalls:sys_enter_execve\n    const char * filename\n");
	run_free(&r);
	RUN(&r, "probes", "-i", path, "uprobe:/bin/true:*");
	expect_error(&r, 2, "not stored in a trace");
	run_free(&r);
	unlink(path);
	free(path);
	/* binaries that are not */
	RUN(&r, "probes", "uprobe:/nonexistent/bin:*");
	expect_error(&r, 2, "/nonexistent/bin: No such file or directory");
	run_free(&r);
	RUN(&r, "probes", "uprobe:/etc/hostname:*");
	if (r.status == 2 && strstr(r.err, "libelf")) {
		run_free(&r);
		rm_rf(dir);
		return; /* built without libelf: the rest needs it */
	}
	expect_error(&r, 2, "/etc/hostname: not an ELF file");
	run_free(&r);
	RUN(&r, "probes", "uprobe:/etc:*");
	expect_error(&r, 2, "/etc: Is a directory");
	run_free(&r);
	RUN(&r, "probes", "usdt:no-such-binary-anywhere");
	expect_error(&r, 2, "no binary no-such-binary-anywhere");
	run_free(&r);
	RUN(&r, "probes", "-p", "nope");
	expect_error(&r, 2, "--pid: 'nope' is not a pid");
	run_free(&r);
	rm_rf(dir);
}

static void test_binaries(void)
{
	const char *target = target_path();
	char pat[PATH_MAX + 32], want[PATH_MAX + 64];
	struct run r;

	SKIP_IF(!execrec_path(), "EXECREC not set");
	SKIP_IF(!target, "no test binary");
	snprintf(pat, sizeof(pat), "uprobe:%s:execrec_*", target);
	RUN(&r, "probes", pat);
	SKIP_IF(r.status == 2 && strstr(r.err, "libelf"), "built without libelf");
	CU_ASSERT_EQUAL(r.status, 0);
	snprintf(want, sizeof(want), "uprobe:%s:execrec_target_fn\nuprobe:%s:execrec_target_sema\n",
		 target, target);
	CU_ASSERT_STRING_EQUAL(r.out, want);
	run_free(&r);
	snprintf(pat, sizeof(pat), "usdt:%s", target);
	RUN(&r, "probes", "-v", pat);
	CU_ASSERT_EQUAL(r.status, 0);
	snprintf(want, sizeof(want), "usdt:%s:execrec_test:hello\n", target);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, want));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "    arg0: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "semaphore 0x"));
	run_free(&r);
	/* the libraries: libc's malloc, named by libc's path */
	snprintf(pat, sizeof(pat), "uprobe:%s:malloc", target);
	RUN(&r, "probes", pat);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "libc.so.6:malloc\n"));
	run_free(&r);
	RUN(&r, "probes", "--no-libs", pat);
	CU_ASSERT_EQUAL(r.status, 1);
	run_free(&r);
}

static void test_btf_extract(void)
{
	struct buf btf = {0}, got = {0};
	char dir_tmpl[] = "/tmp/probes-cli-b-XXXXXX";
	char *dir = mkdtemp(dir_tmpl), out[PATH_MAX];
	struct run r;
	char *path;

	SKIP_IF(!execrec_path(), "EXECREC not set");
	SKIP_IF(read_all("/sys/kernel/btf/vmlinux", &btf), "no kernel BTF");
	path = small_trace(ETR_BTF_FULL, btf.data, btf.len);
	snprintf(out, sizeof(out), "%s/vmlinux.btf", dir);
	RUN(&r, "btf", "-i", path, "-o", out);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "bpftool btf dump file"));
	run_free(&r);
	CU_ASSERT_EQUAL_FATAL(read_all(out, &got), 0);
	CU_ASSERT_EQUAL_FATAL(got.len, btf.len);
	CU_ASSERT_EQUAL(memcmp(got.data, btf.data, btf.len), 0);
	/* and bpftool makes a vmlinux.h of it */
	if (!access("/usr/sbin/bpftool", X_OK)) {
		char *argv[] = {
		    "/usr/sbin/bpftool", "btf", "dump", "file", out, "format", "c", NULL};

		CU_ASSERT_EQUAL_FATAL(run_cmd(argv, &r), 0);
		CU_ASSERT_EQUAL(r.status, 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "struct task_struct {"));
		run_free(&r);
	}
	/* the rules of every file execrec writes: no overwrite without
	 * --force, never through a symbolic link, never the input; a refused
	 * output file is exit status 1, as for export, chart and redact */
	RUN(&r, "btf", "-i", path, "-o", out);
	expect_error(&r, 1, "exists; use --force to overwrite it");
	run_free(&r);
	RUN(&r, "btf", "-i", path, "-o", out, "--force");
	CU_ASSERT_EQUAL(r.status, 0);
	run_free(&r);
	buf_free(&got);
	CU_ASSERT_EQUAL(read_all(out, &got), 0);
	CU_ASSERT(got.len == btf.len && !memcmp(got.data, btf.data, btf.len));
	{
		char lnk[PATH_MAX + 8], target[PATH_MAX + 8], in_copy[PATH_MAX + 8];
		struct buf t = {0};

		snprintf(lnk, sizeof(lnk), "%s/link", dir);
		snprintf(target, sizeof(target), "%s/target", dir);
		CU_ASSERT_EQUAL(symlink(target, lnk), 0);
		RUN(&r, "btf", "-i", path, "-o", lnk, "--force");
		expect_error(&r, 1, "is a symbolic link; refusing to write through it");
		run_free(&r);
		CU_ASSERT_NOT_EQUAL(access(target, F_OK), 0);
		/* the input, by another name */
		snprintf(in_copy, sizeof(in_copy), "%s/same.etr", dir);
		CU_ASSERT_EQUAL(link(path, in_copy), 0);
		RUN(&r, "btf", "-i", path, "-o", in_copy, "--force");
		expect_error(&r, 1, "is the input file");
		run_free(&r);
		CU_ASSERT_EQUAL(read_all(path, &t), 0);
		CU_ASSERT(t.len > ETR_MAGIC_SIZE && !memcmp(t.data, etr_magic, ETR_MAGIC_SIZE));
		buf_free(&t);
		unlink(in_copy);
		unlink(lnk);
	}
	/* the description */
	RUN(&r, "btf", "-i", path);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_EQUAL(strncmp(r.out, "full BTF: ", 10), 0);
	run_free(&r);
	/* only a full one stored: asking for the subset says so */
	RUN(&r, "btf", "-i", path, "--kind", "subset", "-o", out);
	expect_error(&r, 1, "no subset BTF");
	run_free(&r);
	unlink(path);
	free(path);

	/* damaged BTF is not written */
	btf.data[0] ^= 0xff;
	path = small_trace(ETR_BTF_FULL, btf.data, btf.len);
	unlink(out);
	RUN(&r, "btf", "-i", path, "-o", out);
	expect_error(&r, 1, "the stored full BTF is damaged (not BTF (bad magic), at byte 0)");
	CU_ASSERT_NOT_EQUAL(access(out, F_OK), 0);
	run_free(&r);
	RUN(&r, "probes", "-i", path, "kfunc:*");
	expect_error(&r, 1, "the stored BTF is damaged");
	run_free(&r);
	unlink(path);
	free(path);
	rm_rf(dir);
	buf_free(&btf);
	buf_free(&got);
}

/* grep's exit statuses (tools/driver's grep_status): 0 when something was
 * listed or counted, 1 when nothing matched, 2 for every error, the
 * command line's included */
static void test_status(void)
{
	static char bad_pids[][16] = {"12x", "",	   "-1",	 "+5",	       " 5",
				      "0",   "2147483648", "4294967301", "99999999999"};
	struct run r;

	SKIP_IF(!execrec_path(), "EXECREC not set");
	RUN(&r, "probes", "--help");
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_EQUAL(strncmp(r.out, "Usage: execrec probes [OPTIONS] [PATTERN...]\n", 45), 0);
	CU_ASSERT_STRING_EQUAL(r.err, "");
	run_free(&r);
	RUN(&r, "probes", "-x");
	expect_error(&r, 2, "execrec probes: unknown option '-x' (see 'execrec probes --help')\n");
	run_free(&r);
	RUN(&r, "probes", "--pid");
	expect_error(&r, 2, "execrec probes: option '--pid' needs a value");
	run_free(&r);
	RUN(&r, "probes", "--count=yes");
	expect_error(&r, 2, "execrec probes: option '--count' takes no value");
	run_free(&r);
	/* pids as the other commands read them: digits only, one line each */
	for (size_t i = 0; i < sizeof(bad_pids) / sizeof(bad_pids[0]); i++) {
		char want[256];

		snprintf(want, sizeof(want), "execrec probes: --pid: '%s' is not a pid\n",
			 bad_pids[i]);
		RUN(&r, "probes", "-p", bad_pids[i], "uprobe:*");
		expect_error(&r, 2, want);
		CU_ASSERT_STRING_EQUAL(r.err, want);
		run_free(&r);
		RUN(&r, "probes", "--pid", bad_pids[i], "uprobe:*");
		CU_ASSERT_STRING_EQUAL(r.err, want);
		CU_ASSERT_EQUAL(r.status, 2);
		run_free(&r);
	}
	RUN(&r, "probes", "-p", "1", "-i", "x.etr");
	expect_error(&r, 2, "execrec probes: -p and -i do not go together");
	run_free(&r);
	RUN(&r, "probes", "--json", "tracepoint:no_such_system:*");
	expect_error(&r, 1, "execrec probes: nothing matches 'tracepoint:no_such_system:*'\n");
	run_free(&r);
	/* a count is an answer, even of nothing */
	RUN(&r, "probes", "-c", "tracepoint:no_such_system:*");
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_STRING_EQUAL(r.out, "tracepoint            0\n");
	run_free(&r);
}

/* tracefs unmounted, in a mount namespace of our own */
static void test_no_tracefs(void)
{
	char cmd[PATH_MAX + 512];
	struct run r;
	char *argv[] = {"/bin/sh", "-c", cmd, NULL};

	SKIP_IF(!execrec_path(), "EXECREC not set");
	SKIP_IF(geteuid() != 0 || access("/usr/bin/unshare", X_OK), "needs root and unshare");
	snprintf(
	    cmd, sizeof(cmd),
	    "unshare -m sh -c 'umount /sys/kernel/tracing 2>/dev/null; "
	    "umount /sys/kernel/debug/tracing 2>/dev/null; umount /sys/kernel/debug 2>/dev/null; "
	    "grep -q \" tracefs \" /proc/self/mounts && exit 77; exec %s probes tracepoint:*'",
	    execrec_path());
	CU_ASSERT_EQUAL_FATAL(run_cmd(argv, &r), 0);
	if (r.status != 77 && !strstr(r.err, "unshare")) {
		CU_ASSERT_EQUAL(r.status, 1);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "mount -t tracefs nodev /sys/kernel/tracing"));
	}
	run_free(&r);
}

void register_cli(void)
{
	CU_pSuite s = CU_add_suite("cli", NULL, NULL);

	CU_add_test(s, "listing, -v, --json", test_list);
	CU_add_test(s, "--count", test_count);
	CU_add_test(s, "bad input: one line, non-zero exit", test_bad_input);
	CU_add_test(s, "exit statuses: 0 listed, 1 nothing matched, 2 errors", test_status);
	CU_add_test(s, "uprobe and usdt of a test binary", test_binaries);
	CU_add_test(s, "execrec btf -o, then bpftool", test_btf_extract);
	CU_add_test(s, "tracefs not mounted: the mount command", test_no_tracefs);
}
