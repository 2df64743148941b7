/* SPDX-License-Identifier: MIT */
/*
 * The common/ suite: parsing, the opts convention, and the runner of the
 * other areas (test-text.c, test-mem.c).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "common/macros.h"
#include "common/opts.h"
#include "common/parse.h"
#include "test-common.h"

static void test_duration(void)
{
	static const struct {
		const char *s;
		uint64_t ns;
	} ok[] = {
	    {"200ms", 200000000},
	    {"1.5", 1500000000},
	    {"1.5s", 1500000000},
	    {"2sec", 2000000000},
	    {"10us", 10000},
	    {"500ns", 500},
	    {"3m", 180000000000ull},
	    {"3min", 180000000000ull},
	    {"1h", 3600000000000ull},
	    {"0", 0},
	    {".5ms", 500000},
	    {"1e3ns", 1000},
	    {"18000000000", 18000000000000000000ull},
	};
	static const char *const bad[] = {
	    "", "-1", "+1", " 1", "5 parsecs", "1x", "ms", "inf", "nan", "0x10", "1s ", "1.5.2",
	};
	uint64_t ns;

	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		ns = 12345;
		CU_ASSERT_EQUAL(ec_parse_duration(ok[i].s, &ns), 0);
		CU_ASSERT_EQUAL(ns, ok[i].ns);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		ns = 12345;
		CU_ASSERT_EQUAL(ec_parse_duration(bad[i], &ns), -EINVAL);
		CU_ASSERT_EQUAL(ns, 12345); /* untouched */
	}
	CU_ASSERT_EQUAL(ec_parse_duration(NULL, &ns), -EINVAL);
	/* past 2^64 ns (584 years) */
	CU_ASSERT_EQUAL(ec_parse_duration("19000000000", &ns), -ERANGE);
	CU_ASSERT_EQUAL(ec_parse_duration("1e300h", &ns), -ERANGE);
}

static void test_size(void)
{
	static const struct {
		const char *s;
		uint64_t bytes;
	} ok[] = {
	    {"4096", 4096},	  {"0", 0},	      {"64K", 65536},
	    {"64k", 65536},	  {"64KiB", 65536},   {"64KB", 65536},
	    {"100M", 100u << 20}, {"2G", 2ull << 30}, {"1T", 1ull << 40},
	};
	static const char *const bad[] = {
	    "", "-1", " 1", "1.5M", "1X", "1KK", "1Kib", "K", "1 K", "1MBs", "0x10",
	};
	uint64_t b;

	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		b = 7;
		CU_ASSERT_EQUAL(ec_parse_size(ok[i].s, &b), 0);
		CU_ASSERT_EQUAL(b, ok[i].bytes);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		b = 7;
		CU_ASSERT_EQUAL(ec_parse_size(bad[i], &b), -EINVAL);
		CU_ASSERT_EQUAL(b, 7);
	}
	CU_ASSERT_EQUAL(ec_parse_size("16777216T", &b), -ERANGE); /* 2^64 */
	CU_ASSERT_EQUAL(ec_parse_size("16777215T", &b), 0);
	CU_ASSERT_EQUAL(b, 16777215ull << 40);
	CU_ASSERT_EQUAL(ec_parse_size("99999999999999999999", &b), -ERANGE);
}

static void test_count(void)
{
	static const char *const bad[] = {"", "-1", " 5", "+5", "5 ", "5x", "0x10", "1.0"};
	uint64_t n;

	n = 7;
	CU_ASSERT_EQUAL(ec_parse_count("0", 10, &n), 0);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(ec_parse_count("10", 10, &n), 0);
	CU_ASSERT_EQUAL(n, 10);
	CU_ASSERT_EQUAL(ec_parse_count("007", 10, &n), 0);
	CU_ASSERT_EQUAL(n, 7);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		n = 7;
		CU_ASSERT_EQUAL(ec_parse_count(bad[i], UINT64_MAX, &n), -EINVAL);
		CU_ASSERT_EQUAL(n, 7);
	}
	n = 7;
	CU_ASSERT_EQUAL(ec_parse_count("11", 10, &n), -ERANGE);
	CU_ASSERT_EQUAL(n, 7);
	CU_ASSERT_EQUAL(ec_parse_count("18446744073709551615", UINT64_MAX, &n), 0);
	CU_ASSERT_EQUAL(n, UINT64_MAX);
	CU_ASSERT_EQUAL(ec_parse_count("18446744073709551616", UINT64_MAX, &n), -ERANGE);
	CU_ASSERT_EQUAL(ec_parse_count(NULL, 10, &n), -EINVAL);
}

static void test_pids(void)
{
	uint32_t *l = NULL;
	size_t n = 0;

	CU_ASSERT_EQUAL(ec_parse_pids("123", &l, &n), 0);
	CU_ASSERT_EQUAL(ec_parse_pids("1,2,4294967295", &l, &n), 0);
	CU_ASSERT_FATAL(n == 4);
	CU_ASSERT(l[0] == 123 && l[1] == 1 && l[2] == 2 && l[3] == UINT32_MAX);
	/* each bad list appends nothing, not even its good first items */
	CU_ASSERT_EQUAL(ec_parse_pids("", &l, &n), -EINVAL);
	CU_ASSERT_EQUAL(ec_parse_pids("5,", &l, &n), -EINVAL);
	CU_ASSERT_EQUAL(ec_parse_pids("5,,6", &l, &n), -EINVAL);
	CU_ASSERT_EQUAL(ec_parse_pids(",5", &l, &n), -EINVAL);
	CU_ASSERT_EQUAL(ec_parse_pids("5,x", &l, &n), -EINVAL);
	CU_ASSERT_EQUAL(ec_parse_pids("-1", &l, &n), -EINVAL);
	CU_ASSERT_EQUAL(ec_parse_pids(" 5", &l, &n), -EINVAL);
	CU_ASSERT_EQUAL(ec_parse_pids("5 ", &l, &n), -EINVAL);
	CU_ASSERT_EQUAL(ec_parse_pids("7,4294967296", &l, &n), -ERANGE);
	CU_ASSERT_EQUAL(ec_parse_pids("99999999999999999999999", &l, &n), -ERANGE);
	CU_ASSERT_EQUAL(n, 4);
	CU_ASSERT_EQUAL(l[3], UINT32_MAX);
	free(l);
}

/* ---- the opts convention -------------------------------------------- */

/* The library was built knowing v2; an older caller has v1, a newer v3. */
struct t_opts_v1 {
	size_t sz;
	int level;
};
struct t_opts_v2 {
	size_t sz;
	int level;
	int : 32; /* v1's tail padding, never given a field */
	uint64_t depth;
	const char *name;
};
struct t_opts_v3 {
	size_t sz;
	int level;
	int : 32;
	uint64_t depth;
	const char *name;
	uint64_t added_later;
};

/* What the library does with opts: -EINVAL, or the values it reads. Not
 * inlined: a library sees only its own struct, not what the caller had. */
static __attribute__((noinline)) int lib_read(const struct t_opts_v2 *opts, int *level,
					      uint64_t *depth, const char **name)
{
	if (!EC_OPTS_VALID(opts, struct t_opts_v2))
		return -EINVAL;
	*level = EC_OPTS_GET(opts, level, 3);
	*depth = EC_OPTS_GET(opts, depth, 8);
	*name = EC_OPTS_GET(opts, name, "default");
	return 0;
}

/* What a library writes back. */
static __attribute__((noinline)) void lib_write(struct t_opts_v2 *opts)
{
	EC_OPTS_SET(opts, level, 9);
	EC_OPTS_SET(opts, depth, 77);
}

static void test_opts(void)
{
	/* a caller built against v1: its sz, and whatever lies past it */
	struct t_opts_v2 v1 = {
	    .sz = sizeof(struct t_opts_v1), .level = 5, .depth = 99, .name = "?"};
	struct t_opts_v2 v2 = {.sz = sizeof(v2), .level = 6, .depth = 64, .name = "x"};
	struct t_opts_v3 v3 = {.sz = sizeof(v3), .level = 7, .depth = 2, .name = "y"};
	struct t_opts_v2 tiny = {.sz = sizeof(size_t) - 1};
	int level;
	uint64_t depth;
	const char *name;

	/* none at all: every default */
	CU_ASSERT_EQUAL(lib_read(NULL, &level, &depth, &name), 0);
	CU_ASSERT(level == 3 && depth == 8 && !strcmp(name, "default"));
	/* the library's own size */
	CU_ASSERT_EQUAL(lib_read(&v2, &level, &depth, &name), 0);
	CU_ASSERT(level == 6 && depth == 64 && !strcmp(name, "x"));
	/* an older, smaller struct: fields past its sz read as defaults, even
	 * though the memory after it is not zero */
	CU_ASSERT_EQUAL(lib_read(&v1, &level, &depth, &name), 0);
	CU_ASSERT(level == 5 && depth == 8 && !strcmp(name, "default"));
	/* sz cutting a field in half: the field is not read */
	v2.sz = offsetof(struct t_opts_v2, depth) + 2;
	CU_ASSERT_EQUAL(lib_read(&v2, &level, &depth, &name), 0);
	CU_ASSERT(level == 6 && depth == 8);
	/* a newer, larger struct whose unknown bytes are zero: accepted */
	CU_ASSERT_EQUAL(lib_read((const struct t_opts_v2 *)&v3, &level, &depth, &name), 0);
	CU_ASSERT(level == 7 && depth == 2 && !strcmp(name, "y"));
	/* ... and refused when one of them is not */
	v3.added_later = 1;
	CU_ASSERT_EQUAL(lib_read((const struct t_opts_v2 *)&v3, &level, &depth, &name), -EINVAL);
	v3.added_later = 1ull << 63;
	CU_ASSERT_EQUAL(lib_read((const struct t_opts_v2 *)&v3, &level, &depth, &name), -EINVAL);
	/* a sz that does not even hold sz */
	CU_ASSERT_EQUAL(lib_read(&tiny, &level, &depth, &name), -EINVAL);
	tiny.sz = 0;
	CU_ASSERT_EQUAL(lib_read(&tiny, &level, &depth, &name), -EINVAL);

	/* SET writes only into what the caller has: one built with v1 has
	 * the sz of v1 (the library sees its own type, whatever the caller's) */
	struct t_opts_v2 older = {.sz = offsetof(struct t_opts_v2, depth), .depth = 0xdead};
	struct t_opts_v2 *as2 = &older;

	lib_write(as2);
	CU_ASSERT_EQUAL(older.level, 9);
	CU_ASSERT_EQUAL(older.depth, 0xdead);
	v2.sz = sizeof(v2);
	lib_write(&v2);
	CU_ASSERT(v2.level == 9 && v2.depth == 77);
	lib_write(NULL); /* NULL: nothing */
	as2 = &v2;
	CU_ASSERT(EC_OPTS_HAS(as2, level));
	CU_ASSERT(!EC_OPTS_HAS((struct t_opts_v2 *)NULL, level));
}

int main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("common: parsing", NULL, NULL);
	CU_add_test(s, "durations", test_duration);
	CU_add_test(s, "sizes", test_size);
	CU_add_test(s, "counts", test_count);
	CU_add_test(s, "pid lists", test_pids);
	s = CU_add_suite("common: opts convention", NULL, NULL);
	CU_add_test(s, "OPTS_VALID, OPTS_GET, OPTS_SET", test_opts);
	test_common_add_text();
	test_common_add_mem();
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
