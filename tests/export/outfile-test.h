/* SPDX-License-Identifier: MIT */
#ifndef EXECREC_TESTS_OUTFILE_TEST_H
#define EXECREC_TESTS_OUTFILE_TEST_H

#include <stdbool.h>

/* The suite of outfile.c: execrec as @execrec, files in @tmpdir, the
 * committed fixtures in @fixture_dir. */
void outfile_tests__register(const char *execrec, const char *tmpdir, const char *fixture_dir);

/* The suite of durations.c: records (root, BPF) when @bpf; without it
 * fails when @ci (EXECREC_REQUIRE_BPF=1). */
void durations_tests__register(const char *execrec, const char *tmpdir, bool bpf, bool ci);
/* The suite of chart_units.c: chart --by-unit and --unit. */
void chart_units_tests__register(const char *execrec, const char *tmpdir);

#endif
