/* SPDX-License-Identifier: MIT */
/*
 * Running a program from a test and reading what it wrote: one copy for
 * the suites that run the execrec binary (record, diff, export).
 */
#ifndef EXECREC_TESTS_RUN_H
#define EXECREC_TESTS_RUN_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Start @argv (argv[0] a path, or a name looked up in $PATH) in @dir (NULL:
 * this one), its stdout to the file @out (NULL: /dev/null) and its stderr
 * to the file @err (NULL: this process's), both truncated. The child's pid,
 * or -1. A child that cannot start exits 127.
 */
pid_t test_run__start(char *const argv[], const char *dir, const char *out, const char *err);

/* Wait for @pid: its exit status, 128 + the signal that ended it, or -1. */
int test_run__wait(pid_t pid);

/* test_run__start(), then test_run__wait(). */
int test_run(char *const argv[], const char *dir, const char *out, const char *err);

/* The start of the file @path into @buf, NUL-terminated (at most size - 1
 * bytes); "" if it cannot be read. */
void test_slurp(const char *path, char *buf, size_t size);

/* The whole file @path, NUL-terminated, its length in *@ret_len; NULL if
 * it cannot be read. Free it. */
char *test_slurp_all(const char *path, size_t *ret_len);

/* Remove the scratch folder @dir and all in it (rm -rf, run without a
 * shell); one line on stderr if that fails.  0, or -1. */
int test_rm_rf(const char *dir);

#endif /* EXECREC_TESTS_RUN_H */
