/* SPDX-License-Identifier: MIT */
/* common/sbuf.c and common/mem.c: the byte buffer and the arena. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "common/mem.h"
#include "common/sbuf.h"
#include "test-common.h"

static void test_put(void)
{
	struct ec_sbuf s = {0};
	char *p;

	ec_sbuf__puts(&s, "ab");
	ec_sbuf__putc(&s, 0); /* binary bytes are kept, len counts them */
	ec_sbuf__put(&s, "cd", 2);
	CU_ASSERT_FATAL(!s.err && s.len == 5);
	CU_ASSERT(!memcmp(s.p, "ab\0cd", 6)); /* NUL-terminated too */
	/* growing far past the first allocation keeps every byte */
	for (int i = 0; i < 1000; i++)
		ec_sbuf__puts(&s, "0123456789");
	CU_ASSERT_FATAL(!s.err && s.len == 10005);
	CU_ASSERT(!memcmp(s.p + 9995, "0123456789", 11));
	p = ec_sbuf__steal(&s);
	CU_ASSERT(p && !memcmp(p, "ab\0cd0123", 9));
	CU_ASSERT(!s.p && !s.len && !s.cap);
	free(p);

	/* nothing put: steal gives "" */
	p = ec_sbuf__steal(&s);
	CU_ASSERT(p && !strcmp(p, ""));
	free(p);
}

static void test_prepend_and_bound(void)
{
	struct ec_sbuf s = {.max = 12};

	ec_sbuf__puts(&s, "x");
	ec_sbuf__prepend(&s, "*");
	ec_sbuf__prepend(&s, "int ");
	ec_sbuf__puts(&s, "[4]");
	CU_ASSERT_FATAL(!s.err);
	CU_ASSERT_STRING_EQUAL(s.p, "int *x[4]");
	/* 9 bytes and the NUL: 3 more would pass max = 12 */
	ec_sbuf__puts(&s, "abc");
	CU_ASSERT_EQUAL(s.err, -E2BIG);
	CU_ASSERT_STRING_EQUAL(s.p, "int *x[4]");
	/* after an error every put is ignored, and steal says so */
	ec_sbuf__prepend(&s, "");
	ec_sbuf__putc(&s, 'y');
	CU_ASSERT(s.len == 9 && s.err == -E2BIG);
	CU_ASSERT_PTR_NULL(ec_sbuf__steal(&s));
	CU_ASSERT(!s.p && !s.err);
	ec_sbuf__free(&s); /* on a reset buffer too */

	/* byte by byte up to the bound exactly: 3 bytes and the NUL */
	s = (struct ec_sbuf){.max = 4};
	ec_sbuf__putc(&s, 'a');
	ec_sbuf__putc(&s, 'b');
	ec_sbuf__putc(&s, 'c');
	CU_ASSERT_FATAL(!s.err);
	CU_ASSERT_STRING_EQUAL(s.p, "abc");
	ec_sbuf__putc(&s, 'd');
	CU_ASSERT_EQUAL(s.err, -E2BIG);
	CU_ASSERT(s.len == 3 && s.cap <= 4);
	ec_sbuf__free(&s);
}

static void test_printf(void)
{
	struct ec_sbuf s = {0};
	char big[300];

	ec_sbuf__printf(&s, "%d-%s", 42, "x");
	CU_ASSERT_FATAL(!s.err);
	CU_ASSERT_STRING_EQUAL(s.p, "42-x");
	/* longer than the room left: grown, then written once more */
	memset(big, 'b', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ec_sbuf__printf(&s, "[%s]", big);
	CU_ASSERT_FATAL(!s.err);
	CU_ASSERT_EQUAL(s.len, 4 + 2 + sizeof(big) - 1);
	CU_ASSERT(s.p[4] == '[' && s.p[s.len - 1] == ']' && s.p[s.len] == '\0');
	ec_sbuf__free(&s);

	/* past max: -E2BIG, what was there kept */
	s = (struct ec_sbuf){.max = 8};
	ec_sbuf__printf(&s, "%s", "abc");
	ec_sbuf__printf(&s, "%s", "defghij");
	CU_ASSERT_EQUAL(s.err, -E2BIG);
	CU_ASSERT_STRING_EQUAL(s.p, "abc");
	ec_sbuf__free(&s);
}

static void test_arena(void)
{
	struct ec_arena a = {0};
	char *first, *p, *huge;
	size_t total = 0;

	first = ec_arena__strdup(&a, "first");
	CU_ASSERT_FATAL(first != NULL);
	/* past one 2 MiB block: earlier strings never move or change */
	for (int i = 0; i < 100000; i++) {
		char s[32];
		int n = snprintf(s, sizeof(s), "string %d", i);

		p = ec_arena__strndup(&a, s, (size_t)n);
		CU_ASSERT_FATAL(p != NULL);
		CU_ASSERT_FATAL(!strcmp(p, s));
		total += (size_t)n + 1;
	}
	CU_ASSERT_STRING_EQUAL(first, "first");
	CU_ASSERT_EQUAL(a.bytes, total + 6);
	/* bytes with NULs inside, and one larger than a block */
	p = ec_arena__strndup(&a, "a\0b", 3);
	CU_ASSERT_FATAL(p != NULL);
	CU_ASSERT(!memcmp(p, "a\0b", 4));
	huge = ec_arena__alloc(&a, 3u << 20);
	CU_ASSERT_FATAL(huge != NULL);
	memset(huge, 0x5a, 3u << 20);
	CU_ASSERT_EQUAL(huge[(3u << 20) - 1], 0x5a);
	CU_ASSERT_PTR_NULL(ec_arena__alloc(&a, SIZE_MAX - 8));
	CU_ASSERT_STRING_EQUAL(first, "first");
	ec_arena__release(&a);
	CU_ASSERT(a.head == NULL && a.bytes == 0);
	ec_arena__release(&a);
	ec_arena__release(NULL);
	/* usable again after release */
	CU_ASSERT_STRING_EQUAL(ec_arena__strdup(&a, ""), "");
	ec_arena__release(&a);
}

static void test_grow(void)
{
	uint32_t *v = NULL;
	size_t cap = 0;

	/* from the heap to huge-page mappings, every element kept */
	for (uint32_t i = 0; i < 1000000; i++) {
		if (i >= cap)
			CU_ASSERT_EQUAL_FATAL(ec_mem__grow((void **)&v, &cap, i + 1, sizeof(*v)),
					      0);
		v[i] = i * 7;
	}
	CU_ASSERT(cap >= 1000000);
	for (uint32_t i = 0; i < 1000000; i += 9973)
		CU_ASSERT_EQUAL_FATAL(v[i], i * 7);
	CU_ASSERT_EQUAL(ec_mem__grow((void **)&v, &cap, SIZE_MAX / 2, sizeof(*v)), -ENOMEM);
	CU_ASSERT_EQUAL(v[999999], 999999u * 7); /* as it was */
	ec_mem__grow_free(v, cap, sizeof(*v));
	ec_mem__grow_free(NULL, 0, sizeof(*v));
}

void test_common_add_mem(void)
{
	CU_pSuite s = CU_add_suite("common: byte buffer and arena", NULL, NULL);

	CU_add_test(s, "put, grow, steal", test_put);
	CU_add_test(s, "prepend and the bound", test_prepend_and_bound);
	CU_add_test(s, "printf", test_printf);
	CU_add_test(s, "arena", test_arena);
	CU_add_test(s, "growing arrays", test_grow);
}
