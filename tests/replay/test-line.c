/* SPDX-License-Identifier: MIT */
/*
 * replay/line.c: the one-line event format `execrec timeline` and `execrec
 * record --print` share.  Whatever a process puts in its name or arguments,
 * a line is one line of printable text.
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "line.h"

static const char evil[] = "\033[2J\033[31mX\nY\tZ";

/* @ev as a line, into a malloc'd string. */
static char *line_of(const struct etr_event *ev, bool color)
{
	struct rp_out o;
	char *s;

	rp_out__init_mem(&o);
	rp_line__event(&o, "12:00:00.000001", 15, color, ev, NULL, NULL);
	s = malloc(o.len + 1);
	memcpy(s, o.buf, o.len);
	s[o.len] = 0;
	free(o.buf);
	return s;
}

/* One line: a single '\n', at the end, and no other control byte. */
static void check_one_line(const char *s)
{
	size_t n = strlen(s);

	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(s[n - 1], '\n');
	for (size_t i = 0; i + 1 < n; i++)
		CU_ASSERT((unsigned char)s[i] >= ' ' && s[i] != 0x7f);
}

static void test_comm_escaped(void)
{
	struct etr_event ev = {.type = ETR_EV_FORK, .pid = 42, .ppid = 1};
	char *s;

	ev.comm.ptr = evil;
	ev.comm.len = sizeof(evil) - 1;
	s = line_of(&ev, false);
	check_one_line(s);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "fork "));
	/* the name is still readable, escaped */
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "X\\nY\\tZ"));
	free(s);
	ev.type = ETR_EV_EXIT;
	ev.start_ns = 1;
	ev.ts_ns = 1000001;
	s = line_of(&ev, false);
	check_one_line(s);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "exit "));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "ms"));
	free(s);
}

static void test_exec_fail_named(void)
{
	static const char argv[] = "prog\0a\033]0;title\007b\0";
	struct etr_event ev = {.type = ETR_EV_EXEC_FAIL, .pid = 7, .ppid = 6, .ret = -2};
	char *s;

	ev.filename.ptr = evil;
	ev.filename.len = sizeof(evil) - 1;
	ev.argv.ptr = argv;
	ev.argv.len = sizeof(argv) - 1;
	ev.argc = 2;
	s = line_of(&ev, false);
	check_one_line(s);
	/* timeline's name and errno name */
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "exec_fail"));
	CU_ASSERT_PTR_NULL(strstr(s, "exec-fail"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "ENOENT"));
	free(s);
	/* with colors, only the colors' own escapes */
	s = line_of(&ev, true);
	CU_ASSERT_PTR_NULL(strstr(s, "\033[2J"));
	CU_ASSERT_PTR_NULL(strstr(s, "\033]0;"));
	free(s);
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("replay: event lines", NULL, NULL);
	CU_add_test(s, "control characters in comm are escaped", test_comm_escaped);
	CU_add_test(s, "exec_fail, named as timeline names it", test_exec_fail_named);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
