/* SPDX-License-Identifier: MIT */
/*
 * uprobe and usdt: a test binary built with a known function and two USDT
 * probes (one behind a semaphore) is listed with them, its libraries'
 * functions come along unless PROBE_BIN_NO_LIBS, and files that are not
 * ELF binaries are refused with the right error.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probes-test.h"
#include "probes.h"

static const struct probe *find(struct probe_src *src, enum probe_type t, const char *suffix)
{
	size_t sl = strlen(suffix);

	for (size_t i = 0; i < probe_src__count(src, t); i++) {
		const struct probe *p = probe_src__probe(src, t, i);
		size_t nl = strlen(p->name);

		if (nl >= sl && !strcmp(p->name + nl - sl, suffix))
			return p;
	}
	return NULL;
}

static bool have_elf(void)
{
	struct probe_src *src = probe_src__new_live(NULL);
	int err = probe_src__add_binary(src, "/proc/self/exe", PROBE_BIN_NO_LIBS);

	probe_src__free(src);
	return err != -ENOTSUP;
}

static void test_target(void)
{
	const char *target = target_path();
	struct probe_src *src;
	struct probe_detail *d;
	const struct probe *p;
	char want[PATH_MAX + 64];
	int root;

	SKIP_IF(!have_elf(), "built without libelf");
	SKIP_IF(!target, "no test binary (sys/sdt.h missing at build time?)");
	src = probe_src__new_live(NULL);
	root = probe_src__add_binary(src, target, 0);
	CU_ASSERT_FATAL(root >= 0);

	/* the known function, named by its file */
	p = find(src, PROBE_UPROBE, ":execrec_target_fn");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	snprintf(want, sizeof(want), "%s:execrec_target_fn", target);
	CU_ASSERT_STRING_EQUAL(p->name, want);
	CU_ASSERT_STRING_EQUAL(probe_src__file_path(src, p->file), target);
	CU_ASSERT_EQUAL_FATAL(probe_src__detail(src, p, &d), 0);
	CU_ASSERT(d->addr != 0);
	CU_ASSERT(d->size != 0);
	probe_detail__free(d);
	CU_ASSERT_PTR_NOT_NULL(find(src, PROBE_UPROBE, ":main"));

	/* the USDT probes, with their argument specifiers */
	p = find(src, PROBE_USDT, ":execrec_test:hello");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	snprintf(want, sizeof(want), "%s:execrec_test:hello", target);
	CU_ASSERT_STRING_EQUAL(p->name, want);
	CU_ASSERT_EQUAL_FATAL(probe_src__detail(src, p, &d), 0);
	CU_ASSERT_EQUAL_FATAL(d->nr_args, 2);
	CU_ASSERT_STRING_EQUAL(d->args[0].name, "arg0");
	CU_ASSERT_PTR_NOT_NULL(strchr(d->args[0].decl, '@'));
	CU_ASSERT_EQUAL(d->args[0].size, 4); /* int a */
	CU_ASSERT_EQUAL(d->args[0].is_signed, 1);
	CU_ASSERT_EQUAL(d->args[1].size, 8); /* long b */
	CU_ASSERT_EQUAL(d->semaphore, 0);
	probe_detail__free(d);
	p = find(src, PROBE_USDT, ":execrec_test:guarded");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL_FATAL(probe_src__detail(src, p, &d), 0);
	CU_ASSERT(d->semaphore != 0);
	CU_ASSERT_EQUAL(d->nr_args, 1);
	probe_detail__free(d);

	/* the libraries it loads: libc's malloc, in libc's file */
	p = find(src, PROBE_UPROBE, "/libc.so.6:malloc"); /* not ASan's, in a sanitized build */
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_NOT_EQUAL(p->file, find(src, PROBE_UPROBE, ":main")->file);
	probe_src__free(src);

	/* the binary alone */
	src = probe_src__new_live(NULL);
	CU_ASSERT(probe_src__add_binary(src, target, PROBE_BIN_NO_LIBS) >= 0);
	CU_ASSERT_PTR_NULL(find(src, PROBE_UPROBE, "/libc.so.6:malloc"));
	CU_ASSERT_PTR_NOT_NULL(find(src, PROBE_UPROBE, ":execrec_target_fn"));
	probe_src__free(src);
}

static void test_pattern_roots(void)
{
	const char *target = target_path();
	struct probe_pattern *pat;
	struct probe_src *src;
	char text[PATH_MAX + 32];
	size_t hits = 0, libc = 0;
	int root;

	SKIP_IF(!have_elf(), "built without libelf");
	SKIP_IF(!target, "no test binary");
	src = probe_src__new_live(NULL);
	snprintf(text, sizeof(text), "uprobe:%s:*", target);
	CU_ASSERT_EQUAL_FATAL(probe_pattern__new(text, &pat, NULL, 0), 0);
	root = probe_src__add_binary(src, probe_pattern__binary(pat), 0);
	CU_ASSERT_FATAL(root >= 0);
	/* before its root is added, the pattern matches none of the files */
	for (size_t i = 0; i < probe_src__count(src, PROBE_UPROBE); i++)
		hits += probe_pattern__match(pat, src, probe_src__probe(src, PROBE_UPROBE, i));
	CU_ASSERT_EQUAL(hits, 0);
	CU_ASSERT_EQUAL(probe_pattern__add_root(pat, root), 0);
	for (size_t i = 0; i < probe_src__count(src, PROBE_UPROBE); i++) {
		const struct probe *p = probe_src__probe(src, PROBE_UPROBE, i);

		if (probe_pattern__match(pat, src, p)) {
			hits++;
			libc += strstr(p->name, "libc") != NULL;
		}
	}
	CU_ASSERT_EQUAL(hits, probe_src__count(src, PROBE_UPROBE));
	CU_ASSERT(libc > 100);
	probe_pattern__free(pat);
	probe_src__free(src);
}

static void test_refused(void)
{
	struct probe_src *src;

	SKIP_IF(!have_elf(), "built without libelf");
	src = probe_src__new_live(NULL);
	CU_ASSERT_EQUAL(probe_src__add_binary(src, "/nonexistent/bin", 0), -ENOENT);
	CU_ASSERT_EQUAL(probe_src__add_binary(src, "/etc", 0), -EISDIR);
	CU_ASSERT_EQUAL(probe_src__add_binary(src, "/etc/hostname", 0), -ENOEXEC);
	CU_ASSERT_EQUAL(probe_src__add_binary(src, "/dev/null", 0), -ENOEXEC);
	CU_ASSERT_EQUAL(probe_src__count(src, PROBE_UPROBE), 0);
	probe_src__free(src);
}

static void test_find_binary(void)
{
	struct probe_src *src = probe_src__new_live(NULL);
	char path[PATH_MAX];

	CU_ASSERT_EQUAL(probe_src__find_binary(src, "sh", path, sizeof(path)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(path, "/sh"));
	CU_ASSERT_EQUAL(probe_src__find_binary(src, "libc", path, sizeof(path)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(path, "libc.so"));
	CU_ASSERT_EQUAL(probe_src__find_binary(src, "/a/path", path, sizeof(path)), 0);
	CU_ASSERT_STRING_EQUAL(path, "/a/path");
	CU_ASSERT_EQUAL(probe_src__find_binary(src, "no-such-binary-anywhere", path, sizeof(path)),
			-ENOENT);
	probe_src__free(src);
}

static void test_pid(void)
{
	struct probe_src *src;
	char self[PATH_MAX];
	ssize_t n;
	int root;

	SKIP_IF(!have_elf(), "built without libelf");
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	CU_ASSERT_FATAL(n > 0);
	self[n] = '\0';
	src = probe_src__new_live(NULL);
	root = probe_src__add_pid(src, getpid());
	CU_ASSERT_FATAL(root >= 0);
	/* this test program, and the libc it runs on */
	CU_ASSERT_PTR_NOT_NULL(find(src, PROBE_UPROBE, ":main"));
	CU_ASSERT_PTR_NOT_NULL(find(src, PROBE_UPROBE, ":malloc"));
	CU_ASSERT_EQUAL(probe_src__add_pid(src, 0), -EINVAL);
	probe_src__free(src);
}

void register_elf(void)
{
	CU_pSuite s = CU_add_suite("elf", NULL, NULL);

	CU_add_test(s, "a binary with a known function and USDT probes", test_target);
	CU_add_test(s, "a pattern's binary selects its files", test_pattern_roots);
	CU_add_test(s, "not binaries", test_refused);
	CU_add_test(s, "binaries by name", test_find_binary);
	CU_add_test(s, "a process's mapped files", test_pid);
}
