/* SPDX-License-Identifier: MIT */
/*
 * The format/ test runner: one main(), one registration function per area
 * (as libtraceevent's utest). Arguments: names of suites to run (substring
 * match); none = all.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "etr-test.h"

int main(int argc, char **argv)
{
	unsigned failures;

	/* a writer into a closed pipe must see EPIPE, not die of SIGPIPE */
	signal(SIGPIPE, SIG_IGN);

	if (CU_initialize_registry() != CUE_SUCCESS)
		return CU_get_error();
	register_roundtrip();
	register_damage();
	register_compat();
	register_io();
	register_limit();
	register_walk();

	if (argc > 1) {
		/* deactivate the suites not named */
		for (CU_pSuite s = CU_get_registry()->pSuite; s; s = s->pNext) {
			bool on = false;

			for (int i = 1; i < argc; i++)
				on |= strstr(s->pName, argv[i]) != NULL;
			CU_set_suite_active(s, on);
		}
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failures ? 1 : 0;
}
