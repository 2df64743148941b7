/* SPDX-License-Identifier: MIT */
/* replay/sbuf.c: the byte buffer diff's keys and probes' declarations use. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "sbuf.h"

static void test_put(void)
{
	struct rp_sbuf s = {0};
	char *p;

	rp_sbuf__puts(&s, "ab");
	rp_sbuf__putc(&s, 0); /* binary bytes are kept, len counts them */
	rp_sbuf__put(&s, "cd", 2);
	CU_ASSERT_FATAL(!s.err && s.len == 5);
	CU_ASSERT(!memcmp(s.p, "ab\0cd", 6)); /* NUL-terminated too */
	/* growing far past the first allocation keeps every byte */
	for (int i = 0; i < 1000; i++)
		rp_sbuf__puts(&s, "0123456789");
	CU_ASSERT_FATAL(!s.err && s.len == 10005);
	CU_ASSERT(!memcmp(s.p + 9995, "0123456789", 11));
	p = rp_sbuf__steal(&s);
	CU_ASSERT(p && !memcmp(p, "ab\0cd0123", 9));
	CU_ASSERT(!s.p && !s.len && !s.cap);
	free(p);

	/* nothing put: steal gives "" */
	p = rp_sbuf__steal(&s);
	CU_ASSERT(p && !strcmp(p, ""));
	free(p);
}

static void test_prepend_and_bound(void)
{
	struct rp_sbuf s = {.max = 12};

	rp_sbuf__puts(&s, "x");
	rp_sbuf__prepend(&s, "*");
	rp_sbuf__prepend(&s, "int ");
	rp_sbuf__puts(&s, "[4]");
	CU_ASSERT_FATAL(!s.err);
	CU_ASSERT_STRING_EQUAL(s.p, "int *x[4]");
	/* 9 bytes and the NUL: 3 more would pass max = 12 */
	rp_sbuf__puts(&s, "abc");
	CU_ASSERT_EQUAL(s.err, -E2BIG);
	CU_ASSERT_STRING_EQUAL(s.p, "int *x[4]");
	/* after an error every put is ignored, and steal says so */
	rp_sbuf__prepend(&s, "");
	rp_sbuf__putc(&s, 'y');
	CU_ASSERT(s.len == 9 && s.err == -E2BIG);
	CU_ASSERT_PTR_NULL(rp_sbuf__steal(&s));
	CU_ASSERT(!s.p && !s.err);
	rp_sbuf__free(&s); /* on a reset buffer too */
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("replay: byte buffer", NULL, NULL);
	CU_add_test(s, "put, putc, puts, binary bytes, growth, steal", test_put);
	CU_add_test(s, "prepend, the bound, errors stick", test_prepend_and_bound);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
