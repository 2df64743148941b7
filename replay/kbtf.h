/* SPDX-License-Identifier: MIT */
/*
 * kbtf.h - a reader of kernel BTF, written for input that may be hostile
 *
 * BTF is the kernel's type format (Documentation/bpf/btf.rst): a header, a
 * type section (records of 32-bit words) and a string section. A trace
 * carries the recording machine's BTF, so a parser here must survive any
 * bytes at all: every offset, size, count and type id is checked once, when
 * the object is made, and the getters below can then be used without
 * further checks. This reader does not depend on libbpf, so the analyzer
 * builds without it; its names say kbtf so they never clash with libbpf's
 * btf__ ones when both are linked into execrec.
 *
 * Conventions as in format/etr.h: 0 or -errno, NULL-safe free, no output.
 */
#ifndef EXECREC_KBTF_H
#define EXECREC_KBTF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KBTF_MAGIC 0xeB9F

enum kbtf_kind {
	KBTF_KIND_UNKN = 0,
	KBTF_KIND_INT = 1,
	KBTF_KIND_PTR = 2,
	KBTF_KIND_ARRAY = 3,
	KBTF_KIND_STRUCT = 4,
	KBTF_KIND_UNION = 5,
	KBTF_KIND_ENUM = 6,
	KBTF_KIND_FWD = 7,
	KBTF_KIND_TYPEDEF = 8,
	KBTF_KIND_VOLATILE = 9,
	KBTF_KIND_CONST = 10,
	KBTF_KIND_RESTRICT = 11,
	KBTF_KIND_FUNC = 12,
	KBTF_KIND_FUNC_PROTO = 13,
	KBTF_KIND_VAR = 14,
	KBTF_KIND_DATASEC = 15,
	KBTF_KIND_FLOAT = 16,
	KBTF_KIND_DECL_TAG = 17,
	KBTF_KIND_TYPE_TAG = 18,
	KBTF_KIND_ENUM64 = 19,
	KBTF_KIND__MAX = 19,
};

/* The fixed part of every type record, in host byte order. */
struct kbtf_type {
	uint32_t name_off;
	uint32_t info; /* vlen: bits 0-15, kind: bits 24-28, kind_flag: bit 31 */
	uint32_t size_type;
};

/* Trailing records of some kinds. */
struct kbtf_array {
	uint32_t type;
	uint32_t index_type;
	uint32_t nelems;
};
struct kbtf_member {
	uint32_t name_off;
	uint32_t type;
	uint32_t offset;
};
struct kbtf_param {
	uint32_t name_off;
	uint32_t type;
};
struct kbtf_enum {
	uint32_t name_off;
	int32_t val;
};

static inline unsigned kbtf_kind(const struct kbtf_type *t)
{
	return (t->info >> 24) & 0x1f;
}

static inline unsigned kbtf_vlen(const struct kbtf_type *t)
{
	return t->info & 0xffff;
}

static inline bool kbtf_kflag(const struct kbtf_type *t)
{
	return t->info >> 31;
}

/* The words after the fixed part (members, params, ...). */
static inline const void *kbtf_type__extra(const struct kbtf_type *t)
{
	return t + 1;
}

/* FUNC linkage (in vlen). */
enum kbtf_linkage {
	KBTF_LINKAGE_STATIC = 0,
	KBTF_LINKAGE_GLOBAL = 1,
	KBTF_LINKAGE_EXTERN = 2,
};

/* Why a parse failed: a fixed English phrase and the byte offset in the
 * input where the problem is (the header's when nothing better is known). */
struct kbtf_error {
	const char *what;
	uint64_t offset;
};

struct kbtf;

/*
 * Check and index @size bytes of raw BTF (either byte order). The bytes are
 * copied: @data may be freed afterwards. Returns 0 and sets *@ret_btf, or
 * -EINVAL for malformed input, -ENOTSUP for a version or kind this reader
 * does not know, -ENOMEM; then fills @ret_err (optional) with the reason.
 */
int kbtf__parse(const void *data, size_t size, struct kbtf **ret_btf, struct kbtf_error *ret_err);
void kbtf__free(struct kbtf *btf);

/* Types have ids 1..kbtf__type_cnt(); id 0 is void. */
uint32_t kbtf__type_cnt(const struct kbtf *btf);
/* NULL for 0 and for ids out of range. */
const struct kbtf_type *kbtf__type_by_id(const struct kbtf *btf, uint32_t id);
/* A string of the string section; "" for an offset out of range. */
const char *kbtf__str(const struct kbtf *btf, uint32_t off);
/* Whether the input was in the other byte order. */
bool kbtf__swapped(const struct kbtf *btf);

/*
 * The FUNC types, sorted by name (strcmp), duplicates kept (static functions
 * of the same name in several files). The array lives as long as @btf.
 */
int kbtf__funcs(struct kbtf *btf, const uint32_t **ret_ids, size_t *ret_cnt);
/* A FUNC by name: its id, or -ENOENT. */
int kbtf__find_func(struct kbtf *btf, const char *name);
/* The first type of @kind named @name: its id, or -ENOENT (a linear scan). */
int kbtf__find_by_name_kind(const struct kbtf *btf, const char *name, unsigned kind);

/*
 * The C declaration of @name with type @type_id, as in "const char *const *argv"
 * or, with @name NULL or "", the type alone ("const char *const *"). Writes
 * at most @size bytes including the NUL. Returns the length, -E2BIG if @buf
 * is too small, -ELOOP for types nested beyond reason (a cycle), -EINVAL for
 * an id that names no type a declaration can have.
 */
int kbtf__decl(const struct kbtf *btf, uint32_t type_id, const char *name, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* EXECREC_KBTF_H */
