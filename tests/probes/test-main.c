/* SPDX-License-Identifier: MIT */
/*
 * The probes/ test runner: one main(), one registration function per
 * area. Arguments: names of suites to run (substring match); none = all.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "probes-test.h"

int main(int argc, char **argv)
{
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return CU_get_error();
	register_btf();
	register_pattern();
	register_live();
	register_elf();
	register_trace();
	register_cli();
	register_support();
	register_lib();

	if (argc > 1) {
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
