/* SPDX-License-Identifier: MIT */
/*
 * The files export -o, chart -o, btf -o and redact -o write follow record's
 * rules: the input is never overwritten (by any name), an existing file only
 * with --force, never through a symbolic link, and a failed run leaves no
 * file, whole or half. A refused output file is exit status 1 for all of
 * them; an empty name is a bad option value (2), said in one line.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "outfile-test.h"

static const char *bin, *dir, *fixtures;

/* Run execrec with @args, files it writes cut at @fsize bytes (0: no
 * limit); its stderr into @err (a buffer of @size). */
static int run_limited(char *const args[], rlim_t fsize, char *err, size_t size)
{
	char errpath[PATH_MAX];
	char *argv[32] = {(char *)bin};
	size_t i, n;
	pid_t pid;
	int st, fd;

	for (i = 0; args[i] && i < 30; i++)
		argv[i + 1] = args[i];
	snprintf(errpath, sizeof(errpath), "%s/outfile.err", dir);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 2);
		if (fsize) {
			struct rlimit rl = {fsize, fsize};

			/* a write past the limit fails with EFBIG, as on a full disk */
			signal(SIGXFSZ, SIG_IGN);
			setrlimit(RLIMIT_FSIZE, &rl);
		}
		execv(bin, argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	err[0] = '\0';
	fd = open(errpath, O_RDONLY);
	if (fd >= 0) {
		ssize_t r = read(fd, err, size - 1);

		n = r > 0 ? (size_t)r : 0;
		err[n] = '\0';
		close(fd);
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int run_execrec(char *const args[], char *err, size_t size)
{
	return run_limited(args, 0, err, size);
}

/* The size of @path, -1 when there is none. */
static long file_size(const char *path)
{
	struct stat st;

	return lstat(path, &st) ? -1 : (long)st.st_size;
}

static bool same_bytes(const char *a, const char *b)
{
	char cmd[2 * PATH_MAX + 32];

	snprintf(cmd, sizeof(cmd), "cmp -s '%s' '%s'", a, b);
	return system(cmd) == 0;
}

static size_t lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* No temporary file left behind in the test directory. */
static bool no_leftovers(void)
{
	char cmd[PATH_MAX + 64];

	snprintf(cmd, sizeof(cmd), "ls -A '%s' | grep -q '\\.tmp'", dir);
	return system(cmd) != 0;
}

static void one_command(const char *cmd, const char *fmt_opt, const char *fmt, const char *fixture)
{
	char in[PATH_MAX], orig[PATH_MAX], hard[PATH_MAX], out[PATH_MAX], lnk[PATH_MAX];
	char target[PATH_MAX], via[PATH_MAX], err[4096], copy[3 * PATH_MAX];
	char *a_in[] = {(char *)cmd, (char *)fmt_opt, (char *)fmt, in, "-o", in, NULL};
	char *a_in_force[] = {(char *)cmd, (char *)fmt_opt, (char *)fmt, in, "-o",
			      in,	   "--force",	    NULL};
	char *a_hard[] = {(char *)cmd, (char *)fmt_opt, (char *)fmt, in, "-o",
			  hard,	       "--force",	NULL};
	char *a_via[] = {(char *)cmd, (char *)fmt_opt, (char *)fmt, in, "-o", via, "--force", NULL};
	char *a_out[] = {(char *)cmd, (char *)fmt_opt, (char *)fmt, in, "-o", out, NULL};
	char *a_out_force[] = {(char *)cmd, (char *)fmt_opt, (char *)fmt, in, "-o",
			       out,	    "--force",	     NULL};
	char *a_link[] = {(char *)cmd, (char *)fmt_opt, (char *)fmt, in, "-o",
			  lnk,	       "--force",	NULL};
	/* chart has no -f: an option of its own takes the two slots */
	if (!fmt_opt) {
		a_in[1] = a_in_force[1] = a_hard[1] = a_via[1] = a_out[1] = a_out_force[1] =
		    a_link[1] = "--width";
		a_in[2] = a_in_force[2] = a_hard[2] = a_via[2] = a_out[2] = a_out_force[2] =
		    a_link[2] = "800";
	}
	snprintf(orig, sizeof(orig), "%s/%s", fixtures, fixture);
	snprintf(in, sizeof(in), "%s/%s-in.etr", dir, cmd);
	snprintf(hard, sizeof(hard), "%s/%s-hard.etr", dir, cmd);
	snprintf(out, sizeof(out), "%s/%s.out", dir, cmd);
	snprintf(lnk, sizeof(lnk), "%s/%s-link", dir, cmd);
	snprintf(target, sizeof(target), "%s/%s-target", dir, cmd);
	/* the input through a path with a "." and a doubled slash */
	snprintf(via, sizeof(via), "%s/.//%s-in.etr", dir, cmd);
	snprintf(copy, sizeof(copy), "cp '%s' '%s'", orig, in);
	CU_ASSERT_EQUAL_FATAL(system(copy), 0);

	/* the input itself: refused, with or without --force */
	CU_ASSERT_EQUAL(run_execrec(a_in, err, sizeof(err)), 1);
	CU_ASSERT(strstr(err, "is the input file") != NULL && lines(err) == 1);
	CU_ASSERT_EQUAL(run_execrec(a_in_force, err, sizeof(err)), 1);
	CU_ASSERT(strstr(err, "is the input file") != NULL && lines(err) == 1);
	CU_ASSERT_EQUAL(run_execrec(a_via, err, sizeof(err)), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "is the input file"));
	CU_ASSERT_EQUAL(link(in, hard), 0);
	CU_ASSERT_EQUAL(run_execrec(a_hard, err, sizeof(err)), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "is the input file"));
	CU_ASSERT(same_bytes(in, orig));

	/* a new file, then the same again: refused without --force */
	unlink(out);
	CU_ASSERT_EQUAL(run_execrec(a_out, err, sizeof(err)), 0);
	CU_ASSERT(file_size(out) > 0);
	CU_ASSERT_EQUAL(truncate(out, 3), 0);
	CU_ASSERT_EQUAL(run_execrec(a_out, err, sizeof(err)), 1);
	CU_ASSERT(strstr(err, "exists; use --force") != NULL && lines(err) == 1);
	CU_ASSERT_EQUAL(file_size(out), 3);
	CU_ASSERT_EQUAL(chmod(out, 0640), 0);
	CU_ASSERT_EQUAL(run_execrec(a_out_force, err, sizeof(err)), 0);
	CU_ASSERT(file_size(out) > 3);
	{
		struct stat st;

		/* replaced, not rewritten in place: it keeps its mode */
		CU_ASSERT(!stat(out, &st) && (st.st_mode & 07777) == 0640);
	}

	/* a symbolic link, even with --force: its target is left alone */
	unlink(lnk);
	unlink(target);
	CU_ASSERT_EQUAL(symlink(target, lnk), 0);
	CU_ASSERT_EQUAL(run_execrec(a_link, err, sizeof(err)), 1);
	CU_ASSERT(strstr(err, "symbolic link") != NULL && lines(err) == 1);
	CU_ASSERT_EQUAL(file_size(target), -1);
	CU_ASSERT(no_leftovers());
	unlink(hard);
	unlink(in);
	unlink(lnk);
	unlink(out);
}

static void test_export_rules(void)
{
	one_command("export", "-f", "jsonl", "basic.etr");
}

static void test_chart_rules(void)
{
	one_command("chart", NULL, NULL, "basic.etr");
}

/* btf -o writes what the trace stores: one that holds BTF */
static void test_btf_rules(void)
{
	one_command("btf", "--kind", "subset", "real-command.etr");
}

/* redact's copy: its rules are those of the others, its statuses too */
static void test_redact_rules(void)
{
	one_command("redact", "--level", "1", "basic.etr");
}

/* -o '': one line naming the option, exit 2, nothing written */
static void test_empty_name(void)
{
	static const char *const cmds[][4] = {
	    {"export", "-f", "jsonl", "basic.etr"},
	    {"chart", "--width", "800", "basic.etr"},
	    {"btf", "--kind", "subset", "real-command.etr"},
	    {"redact", "--level", "1", "basic.etr"},
	};
	char in[PATH_MAX], err[4096];

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char *args[] = {
		    (char *)cmds[i][0], (char *)cmds[i][1], (char *)cmds[i][2], in, "-o", "", NULL};

		snprintf(in, sizeof(in), "%s/%s", fixtures, cmds[i][3]);
		CU_ASSERT_EQUAL(run_execrec(args, err, sizeof(err)), 2);
		CU_ASSERT(strstr(err, "--output: the file name is empty") != NULL &&
			  strncmp(err, "execrec ", 8) == 0 && lines(err) == 1);
	}
	CU_ASSERT(no_leftovers());
}

/* A run whose writes fail half way leaves no file, whole or half. */
static void test_failure_leaves_nothing(void)
{
	char in[PATH_MAX], out[PATH_MAX], err[4096];
	char *exp[] = {"export", "-f", "jsonl", in, "-o", out, NULL};
	char *chart[] = {"chart", in, "-o", out, NULL};
	char *btf[] = {"btf", in, "-o", out, NULL};
	char *ok[] = {"export", "-f", "jsonl", in, "-o", out, NULL};

	snprintf(in, sizeof(in), "%s/basic.etr", fixtures);
	snprintf(out, sizeof(out), "%s/fails.out", dir);
	unlink(out);
	/* the check of the test: the whole output is far over the limit */
	CU_ASSERT_EQUAL(run_execrec(ok, err, sizeof(err)), 0);
	CU_ASSERT(file_size(out) > 8192);
	unlink(out);
	CU_ASSERT_EQUAL(run_limited(exp, 4096, err, sizeof(err)), 1);
	CU_ASSERT(strstr(err, "fails.out") != NULL && lines(err) == 1);
	CU_ASSERT_EQUAL(file_size(out), -1);
	CU_ASSERT_EQUAL(run_limited(chart, 4096, err, sizeof(err)), 1);
	CU_ASSERT(strstr(err, "fails.out") != NULL && lines(err) == 1);
	CU_ASSERT_EQUAL(file_size(out), -1);
	/* btf's 32 KB of BTF, over the same limit: exit 1 as the others */
	snprintf(in, sizeof(in), "%s/real-command.etr", fixtures);
	CU_ASSERT_EQUAL(run_limited(btf, 4096, err, sizeof(err)), 1);
	CU_ASSERT(strstr(err, "fails.out") != NULL && lines(err) == 1);
	CU_ASSERT_EQUAL(file_size(out), -1);
	CU_ASSERT(no_leftovers());
}

void outfile_tests__register(const char *execrec, const char *tmpdir, const char *fixture_dir)
{
	CU_pSuite s = CU_add_suite("output-files", NULL, NULL);

	bin = execrec;
	dir = tmpdir;
	fixtures = fixture_dir;
	CU_add_test(s, "export -o: input, --force, symlinks", test_export_rules);
	CU_add_test(s, "chart -o: input, --force, symlinks", test_chart_rules);
	CU_add_test(s, "btf -o: input, --force, symlinks", test_btf_rules);
	CU_add_test(s, "redact -o: input, --force, symlinks", test_redact_rules);
	CU_add_test(s, "-o '': one line naming the option", test_empty_name);
	CU_add_test(s, "a failed run leaves no file", test_failure_leaves_nothing);
}
