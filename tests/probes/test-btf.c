/* SPDX-License-Identifier: MIT */
/*
 * kbtf: the BTF reader against a hand-made fixture (every kind, both byte
 * orders), against that fixture broken in each way the parser checks, cut
 * at every length and randomly mutated, and against the running kernel's
 * BTF (compared with bpftool's reading of it when bpftool is installed).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kbtf.h"
#include "probes-test.h"

static struct kbtf *parse_fixture(bool swap, struct btf_fixture_ids *ids)
{
	struct kbtf *btf = NULL;
	struct btfb b;
	struct buf blob = {0};
	int err;

	btf_fixture(&b, ids);
	btfb_finish(&b, swap, &blob);
	err = kbtf__parse(blob.data, blob.len, &btf, NULL);
	CU_ASSERT_EQUAL(err, 0);
	btfb_free(&b);
	buf_free(&blob);
	return btf;
}

static void expect_decl(struct kbtf *btf, uint32_t id, const char *name, const char *want)
{
	char buf[256];
	int n = kbtf__decl(btf, id, name, buf, sizeof(buf));

	CU_ASSERT_TRUE_FATAL(n >= 0);
	if (strcmp(buf, want))
		fprintf(stderr, "\n  decl of %u: got '%s', want '%s'\n", id, buf, want);
	CU_ASSERT_STRING_EQUAL(buf, want);
	CU_ASSERT_EQUAL((size_t)n, strlen(want));
}

static void check_fixture(bool swap)
{
	struct btf_fixture_ids id;
	struct kbtf *btf = parse_fixture(swap, &id);
	const uint32_t *funcs;
	size_t nfuncs;

	CU_ASSERT_PTR_NOT_NULL_FATAL(btf);
	CU_ASSERT_EQUAL(kbtf__swapped(btf), swap);
	CU_ASSERT_EQUAL(kbtf__type_cnt(btf), id.bpf_trace_fn);
	CU_ASSERT_PTR_NULL(kbtf__type_by_id(btf, 0));
	CU_ASSERT_PTR_NULL(kbtf__type_by_id(btf, id.bpf_trace_fn + 1));
	CU_ASSERT_STRING_EQUAL(kbtf__str(btf, 1u << 30), "");

	expect_decl(btf, id.argv_type, "argv", "const char *const *argv");
	expect_decl(btf, id.argv_type, NULL, "const char *const *");
	expect_decl(btf, id.const_ptr, "p", "const char *const p");
	expect_decl(btf, id.const_ptr, "", "const char *const");
	expect_decl(btf, id.ptr_array4, "a", "int (*a)[4]");
	expect_decl(btf, id.array4, "a", "int a[4]");
	expect_decl(btf, id.array4, NULL, "int[4]");
	expect_decl(btf, id.ptr_cb, "fn", "void (*fn)(int)");
	expect_decl(btf, id.ptr_cb, NULL, "void (*)(int)");
	expect_decl(btf, id.proto_main, "f", "int f(int fd, const char *const *argv, ...)");
	expect_decl(btf, id.proto_other, "o", "int o(void (*cb)(int), int (*arr)[4])");
	expect_decl(btf, id.ptr_vol_int, "p", "volatile int *p");
	expect_decl(btf, id.ptr_fwd_u, NULL, "union u *");
	expect_decl(btf, id.ptr_task, "t", "struct task *t");
	expect_decl(btf, id.ptr_tagged, "s", "char *s");
	expect_decl(btf, id.typedef_tp, "x", "btf_trace_my_tp x");
	expect_decl(btf, id.enum_e, "v", "enum e v");
	expect_decl(btf, id.enum64, "v", "enum e64 v");
	expect_decl(btf, id.float_, "d", "double d");
	expect_decl(btf, 0, NULL, "void");
	expect_decl(btf, id.void_ptr, "__data", "void *__data");
	expect_decl(btf, id.proto_tp, NULL, "void (void *, struct task *)");

	/* things that are not the type of a value */
	{
		char buf[64];

		CU_ASSERT_EQUAL(kbtf__decl(btf, id.func_main, "x", buf, sizeof(buf)), -EINVAL);
		CU_ASSERT_EQUAL(kbtf__decl(btf, id.var, "x", buf, sizeof(buf)), -EINVAL);
		CU_ASSERT_EQUAL(kbtf__decl(btf, 9999, "x", buf, sizeof(buf)), -EINVAL);
		CU_ASSERT_EQUAL(kbtf__decl(btf, id.argv_type, "argv", buf, 8), -E2BIG);
	}

	CU_ASSERT_EQUAL(kbtf__funcs(btf, &funcs, &nfuncs), 0);
	CU_ASSERT_EQUAL_FATAL(nfuncs, 4);
	/* sorted by name */
	CU_ASSERT_EQUAL(funcs[0], id.bpf_trace_fn);
	CU_ASSERT_EQUAL(funcs[1], id.func_ext);
	CU_ASSERT_EQUAL(funcs[2], id.func_main);
	CU_ASSERT_EQUAL(funcs[3], id.func_other);
	CU_ASSERT_EQUAL(kbtf__find_func(btf, "my_func"), (int)id.func_main);
	CU_ASSERT_EQUAL(kbtf__find_func(btf, "other"), (int)id.func_other);
	CU_ASSERT_EQUAL(kbtf__find_func(btf, "nope"), -ENOENT);
	CU_ASSERT_EQUAL(kbtf__find_by_name_kind(btf, "btf_trace_my_tp", KBTF_KIND_TYPEDEF),
			(int)id.typedef_tp);
	CU_ASSERT_EQUAL(kbtf__find_by_name_kind(btf, "btf_trace_my_tp", KBTF_KIND_STRUCT), -ENOENT);
	kbtf__free(btf);
}

static void test_fixture(void)
{
	check_fixture(false);
}

static void test_fixture_swapped(void)
{
	/* a trace from a machine of the other byte order (s390x) */
	check_fixture(true);
}

static void test_free_null(void)
{
	kbtf__free(NULL);
	CU_ASSERT_EQUAL(kbtf__type_cnt(NULL), 0);
	CU_ASSERT_PTR_NULL(kbtf__type_by_id(NULL, 1));
}

/* Parse @blob expecting @want; the error says why. */
static void expect_fail(const struct buf *blob, int want, const char *label)
{
	struct kbtf_error e = {0};
	struct kbtf *btf = NULL;
	int err = kbtf__parse(blob->data, blob->len, &btf, &e);

	if (err != want)
		fprintf(stderr, "\n  %s: got %d (%s), want %d\n", label, err, e.what ? e.what : "-",
			want);
	CU_ASSERT_EQUAL(err, want);
	CU_ASSERT_PTR_NULL(btf);
	CU_ASSERT_PTR_NOT_NULL(e.what);
	kbtf__free(btf);
}

static void put32(struct buf *b, size_t off, uint32_t v)
{
	memcpy(b->data + off, &v, 4);
}

static uint32_t get32(const struct buf *b, size_t off)
{
	uint32_t v;

	memcpy(&v, b->data + off, 4);
	return v;
}

static void test_broken_header(void)
{
	struct buf good = {0}, b = {0};

	btf_fixture_blob(&good, false);
#define FRESH()                                                                                    \
	do {                                                                                       \
		b.len = 0;                                                                         \
		buf_put(&b, good.data, good.len);                                                  \
	} while (0)
	FRESH();
	b.data[0] = 0x12;
	expect_fail(&b, -EINVAL, "bad magic");
	FRESH();
	b.data[2] = 2;
	expect_fail(&b, -ENOTSUP, "version 2");
	FRESH();
	put32(&b, 4, 23);
	expect_fail(&b, -EINVAL, "hdr_len 23");
	FRESH();
	put32(&b, 4, (uint32_t)good.len + 1);
	expect_fail(&b, -EINVAL, "hdr_len past the end");
	FRESH();
	put32(&b, 8, 0xfffffff0u); /* type_off: 32-bit wraparound must not pass */
	expect_fail(&b, -EINVAL, "type_off wraps");
	FRESH();
	put32(&b, 12, get32(&good, 12) + 4);
	expect_fail(&b, -EINVAL, "type_len past the end");
	FRESH();
	put32(&b, 20, 0xffffffffu);
	expect_fail(&b, -EINVAL, "str_len huge");
	FRESH();
	put32(&b, 20, 0);
	expect_fail(&b, -EINVAL, "no strings");
	FRESH();
	b.data[b.len - 1] = 'x';
	expect_fail(&b, -EINVAL, "strings not NUL-terminated");
	FRESH();
	b.data[24 + get32(&good, 16)] = 'x';
	expect_fail(&b, -EINVAL, "first string not empty");
	FRESH();
	/* type_len not a multiple of 4: shrink by 2, strings move along */
	put32(&b, 12, get32(&good, 12) - 2);
	expect_fail(&b, -EINVAL, "type_len % 4");
#undef FRESH
	buf_free(&b);
	buf_free(&good);
}

/* Edit word @w of type @id's record in a fixture blob. */
static void edit_type(struct buf *b, uint32_t id, unsigned w, uint32_t v)
{
	/* walk the fixture's records as the parser would */
	size_t off = 24;
	uint32_t cur = 1;

	while (cur < id) {
		uint32_t info = get32(b, off + 4), kind = (info >> 24) & 0x1f, vlen = info & 0xffff;
		size_t extra = 0;

		switch (kind) {
		case KBTF_KIND_INT:
		case KBTF_KIND_VAR:
		case KBTF_KIND_DECL_TAG:
			extra = 4;
			break;
		case KBTF_KIND_ARRAY:
			extra = 12;
			break;
		case KBTF_KIND_STRUCT:
		case KBTF_KIND_UNION:
		case KBTF_KIND_DATASEC:
		case KBTF_KIND_ENUM64:
			extra = 12 * vlen;
			break;
		case KBTF_KIND_ENUM:
		case KBTF_KIND_FUNC_PROTO:
			extra = 8 * vlen;
			break;
		}
		off += 12 + extra;
		cur++;
	}
	put32(b, off + 4 * w, v);
}

static void test_broken_types(void)
{
	struct btf_fixture_ids id;
	struct btfb bb;
	struct buf good = {0}, b = {0};

	btf_fixture(&bb, &id);
	btfb_finish(&bb, false, &good);
#define FRESH()                                                                                    \
	do {                                                                                       \
		b.len = 0;                                                                         \
		buf_put(&b, good.data, good.len);                                                  \
	} while (0)
	FRESH();
	edit_type(&b, id.int_, 0, 1u << 24);
	expect_fail(&b, -EINVAL, "name offset beyond strings");
	FRESH();
	edit_type(&b, id.argv_type, 2, 5000);
	expect_fail(&b, -EINVAL, "pointer to a type out of range");
	FRESH();
	edit_type(&b, id.array4, 3, 5000);
	expect_fail(&b, -EINVAL, "array element out of range");
	FRESH();
	edit_type(&b, id.task, 4, 5000); /* member type */
	expect_fail(&b, -EINVAL, "member type out of range");
	FRESH();
	edit_type(&b, id.proto_main, 3, 1u << 23); /* param name */
	expect_fail(&b, -EINVAL, "param name out of range");
	FRESH();
	edit_type(&b, id.proto_main, 4, 5000); /* param type */
	expect_fail(&b, -EINVAL, "param type out of range");
	FRESH();
	edit_type(&b, id.datasec, 3, 5000);
	expect_fail(&b, -EINVAL, "datasec var out of range");
	FRESH();
	edit_type(&b, id.enum_e, 3, 1u << 23);
	expect_fail(&b, -EINVAL, "enumerator name out of range");
	FRESH();
	edit_type(&b, id.int_, 1, 20u << 24);
	expect_fail(&b, -ENOTSUP, "kind 20");
	FRESH();
	edit_type(&b, id.int_, 1, 0);
	expect_fail(&b, -ENOTSUP, "kind 0");
	FRESH();
	/* a vlen that runs the record past the section */
	edit_type(&b, id.bpf_trace_fn - 1, 1, KBTF_KIND_FUNC_PROTO << 24 | 0xffff);
	expect_fail(&b, -EINVAL, "vlen past the section");
#undef FRESH
	btfb_free(&bb);
	buf_free(&b);
	buf_free(&good);
}

static void test_truncated(void)
{
	struct buf good = {0};

	btf_fixture_blob(&good, false);
	/* every cut, in a buffer of exactly that size (ASan sees overreads) */
	for (size_t len = 0; len < good.len; len++) {
		uint8_t *p = malloc(len ? len : 1);
		struct kbtf *btf = NULL;

		memcpy(p, good.data, len);
		CU_ASSERT_NOT_EQUAL(kbtf__parse(p, len, &btf, NULL), 0);
		CU_ASSERT_PTR_NULL(btf);
		free(p);
	}
	buf_free(&good);
}

static void test_cycles(void)
{
	struct btfb b;
	struct buf blob = {0};
	struct kbtf *btf = NULL;
	uint32_t td, c, p, proto, x[2];
	char buf[4096];

	btfb_init(&b);
	/* typedef A -> const -> typedef A: no declaration ends */
	td = btfb_type(&b, "A", KBTF_KIND_TYPEDEF, 0, 0, 2, NULL, 0);
	c = btfb_type(&b, NULL, KBTF_KIND_CONST, 0, 0, td, NULL, 0);
	/* a pointer to itself */
	p = btfb_type(&b, NULL, KBTF_KIND_PTR, 0, 0, 3, NULL, 0);
	/* a function whose parameter is a pointer to that function type */
	x[0] = 0;
	x[1] = 5;
	proto = btfb_type(&b, NULL, KBTF_KIND_FUNC_PROTO, 1, 0, 0, x, 2);
	btfb_type(&b, NULL, KBTF_KIND_PTR, 0, 0, proto, NULL, 0);
	btfb_finish(&b, false, &blob);
	CU_ASSERT_EQUAL_FATAL(kbtf__parse(blob.data, blob.len, &btf, NULL), 0);
	/* a typedef is a name: "A x" is fine, it is not expanded */
	CU_ASSERT(kbtf__decl(btf, c, "x", buf, sizeof(buf)) > 0);
	CU_ASSERT_EQUAL(kbtf__decl(btf, p, "x", buf, sizeof(buf)), -ELOOP);
	CU_ASSERT_EQUAL(kbtf__decl(btf, proto, "f", buf, sizeof(buf)), -ELOOP);
	kbtf__free(btf);
	btfb_free(&b);
	buf_free(&blob);
}

/* Use everything a parsed object offers, to give ASan a chance. */
static void exercise(struct kbtf *btf)
{
	const uint32_t *funcs;
	size_t n;
	char buf[1024];

	for (uint32_t id = 0; id <= kbtf__type_cnt(btf) + 1; id++) {
		kbtf__decl(btf, id, "x", buf, sizeof(buf));
		kbtf__decl(btf, id, NULL, buf, 16);
	}
	if (!kbtf__funcs(btf, &funcs, &n))
		kbtf__find_func(btf, "my_func");
}

static void test_mutations(void)
{
	struct buf good = {0};
	unsigned seed = 12345, ok = 0;

	btf_fixture_blob(&good, false);
	for (int iter = 0; iter < 20000; iter++) {
		uint8_t *p = malloc(good.len);
		struct kbtf *btf = NULL;
		int flips = 1 + (int)(rand_r(&seed) % 8);

		memcpy(p, good.data, good.len);
		for (int i = 0; i < flips; i++) {
			size_t at = (size_t)rand_r(&seed) % good.len;

			/* often the small values that make in-range lies */
			p[at] = rand_r(&seed) % 2 ? (uint8_t)rand_r(&seed)
						  : (uint8_t)(rand_r(&seed) % 40);
		}
		if (!kbtf__parse(p, good.len, &btf, NULL)) {
			ok++;
			exercise(btf);
		}
		kbtf__free(btf);
		free(p);
	}
	/* some mutations land in names or values and still parse */
	CU_ASSERT(ok > 0);
	buf_free(&good);
}

static void test_vmlinux(void)
{
	const char *path = "/sys/kernel/btf/vmlinux";
	struct buf raw = {0};
	struct kbtf *btf = NULL;
	const uint32_t *funcs;
	size_t nfuncs, bad = 0;
	char buf[4096];
	FILE *p;

	SKIP_IF(read_all(path, &raw), "no readable /sys/kernel/btf/vmlinux");
	CU_ASSERT_EQUAL_FATAL(kbtf__parse(raw.data, raw.len, &btf, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(kbtf__funcs(btf, &funcs, &nfuncs), 0);
	CU_ASSERT(nfuncs > 1000);
	/* every function's prototype decodes */
	for (size_t i = 0; i < nfuncs; i++) {
		const struct kbtf_type *f = kbtf__type_by_id(btf, funcs[i]);

		if (kbtf__decl(btf, f->size_type, kbtf__str(btf, f->name_off), buf, sizeof(buf)) <
		    0)
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	/* the same number of types and functions as bpftool reads */
	p = access("/usr/sbin/bpftool", X_OK)
		? NULL
		: popen("/usr/sbin/bpftool btf dump file /sys/kernel/btf/vmlinux | "
			"awk '/^\\[/ { n++ } / FUNC / { f++ } END { print n, f }'",
			"r");
	if (p) {
		unsigned long n = 0, f = 0;

		if (fscanf(p, "%lu %lu", &n, &f) == 2) {
			CU_ASSERT_EQUAL(n, kbtf__type_cnt(btf));
			CU_ASSERT_EQUAL(f, nfuncs);
		}
		pclose(p);
	}
	kbtf__free(btf);
	buf_free(&raw);
}

void register_btf(void)
{
	CU_pSuite s = CU_add_suite("btf", NULL, NULL);

	CU_add_test(s, "fixture: every kind, declarations", test_fixture);
	CU_add_test(s, "fixture in the other byte order", test_fixture_swapped);
	CU_add_test(s, "NULL-safe", test_free_null);
	CU_add_test(s, "broken header fields", test_broken_header);
	CU_add_test(s, "broken type records", test_broken_types);
	CU_add_test(s, "cut at every length", test_truncated);
	CU_add_test(s, "cycles end in -ELOOP", test_cycles);
	CU_add_test(s, "random mutations", test_mutations);
	CU_add_test(s, "the running kernel's BTF, against bpftool", test_vmlinux);
}
