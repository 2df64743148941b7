/* SPDX-License-Identifier: MIT */
#ifndef EXECREC_TESTS_OUTFILE_TEST_H
#define EXECREC_TESTS_OUTFILE_TEST_H

/* The suite of outfile.c: execrec as @execrec, files in @tmpdir, the
 * committed fixtures in @fixture_dir. */
void outfile_tests__register(const char *execrec, const char *tmpdir, const char *fixture_dir);

#endif
