/* SPDX-License-Identifier: MIT */
/*
 * Whether the suites that record (record, diff, export, probes) can: one
 * check for all of them. Without BPF (not root, no tracefs, no BTF, ...)
 * they skip their recorded tests, unless EXECREC_REQUIRE_BPF=1 (CI), where
 * a skipped recording would prove nothing: then it is a failure.
 */
#ifndef EXECREC_TESTS_BPF_H
#define EXECREC_TESTS_BPF_H

#include <stdbool.h>
#include <stddef.h>

/* EXECREC_REQUIRE_BPF=1: BPF must work here. */
bool test_bpf__required(void);

/*
 * Whether @execrec records on this machine: run as root, tracefs mounted
 * (it is mounted if it is not), and a real `execrec record -- /bin/true`
 * into @dir/probe.etr exits 0. If not, @why gets the first line of the
 * reason.
 */
bool test_bpf__works(const char *execrec, const char *dir, char *why, size_t len);

/* A CUnit test that fails: registered in place of the recorded tests when
 * BPF is required and does not work. */
void test_bpf__missing(void);

#endif /* EXECREC_TESTS_BPF_H */
