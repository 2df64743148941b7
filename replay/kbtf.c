/* SPDX-License-Identifier: MIT */
/*
 * A BTF reader for hostile input. kbtf__parse() checks everything once:
 * the header against the input size, both sections against the header,
 * each type record against the type section, every name offset against
 * the string section and every type id against the number of types. The
 * rest of the code then trusts the object.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbtf.h"
#include "common/sbuf.h"

/* The kernel's own limits (include/uapi/linux/btf.h). */
#define MAX_TYPE 0x000fffffu
#define MAX_NAME_OFFSET 0x00ffffffu
#define HDR_MIN 24u

/* A declaration is at most this long (a kernel prototype is < 1 KiB). */
#define DECL_MAX 65536u
/* Steps through a type chain before calling it a cycle. */
#define DECL_DEPTH_MAX 256

struct kbtf {
	uint32_t *types; /* the type section, host order, 4-byte aligned */
	size_t types_len;
	char *strs;
	uint32_t strs_len;
	uint32_t nr_types;
	uint32_t *offs; /* offs[id - 1]: word index of type id in types */
	bool swapped;

	uint32_t *funcs; /* FUNC ids by name, built on first use */
	size_t nr_funcs;
	bool funcs_built;
};

static uint32_t bswap32(uint32_t v)
{
	return __builtin_bswap32(v);
}

static uint32_t rd32(const uint8_t *p, bool swap)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return swap ? bswap32(v) : v;
}

static int fail(struct kbtf_error *e, int err, const char *what, uint64_t off)
{
	if (e) {
		e->what = what;
		e->offset = off;
	}
	return err;
}

/* Bytes of trailing data after the fixed part, or -1 for an unknown kind. */
static long extra_size(unsigned kind, unsigned vlen)
{
	switch (kind) {
	case KBTF_KIND_INT:
	case KBTF_KIND_VAR:
	case KBTF_KIND_DECL_TAG:
		return 4;
	case KBTF_KIND_PTR:
	case KBTF_KIND_FWD:
	case KBTF_KIND_TYPEDEF:
	case KBTF_KIND_VOLATILE:
	case KBTF_KIND_CONST:
	case KBTF_KIND_RESTRICT:
	case KBTF_KIND_FUNC:
	case KBTF_KIND_FLOAT:
	case KBTF_KIND_TYPE_TAG:
		return 0;
	case KBTF_KIND_ARRAY:
		return sizeof(struct kbtf_array);
	case KBTF_KIND_STRUCT:
	case KBTF_KIND_UNION:
	case KBTF_KIND_DATASEC:
	case KBTF_KIND_ENUM64:
		return 12L * vlen;
	case KBTF_KIND_ENUM:
	case KBTF_KIND_FUNC_PROTO:
		return 8L * vlen;
	default:
		return -1;
	}
}

/* Whether the type's size_type field is a type id. */
static bool refers(unsigned kind)
{
	switch (kind) {
	case KBTF_KIND_PTR:
	case KBTF_KIND_TYPEDEF:
	case KBTF_KIND_VOLATILE:
	case KBTF_KIND_CONST:
	case KBTF_KIND_RESTRICT:
	case KBTF_KIND_FUNC:
	case KBTF_KIND_FUNC_PROTO:
	case KBTF_KIND_VAR:
	case KBTF_KIND_DECL_TAG:
	case KBTF_KIND_TYPE_TAG:
		return true;
	default:
		return false;
	}
}

/* Names and type ids of one type, against the sections' bounds. */
static const char *check_refs(const struct kbtf *b, const struct kbtf_type *t)
{
	const uint32_t *w = kbtf_type__extra(t);
	unsigned kind = kbtf_kind(t), vlen = kbtf_vlen(t), i;
	uint32_t n = b->nr_types;

	if (t->name_off >= b->strs_len)
		return "type name offset beyond the string section";
	if (refers(kind) && t->size_type > n)
		return "type id out of range";
	switch (kind) {
	case KBTF_KIND_ARRAY:
		if (w[0] > n || w[1] > n)
			return "array element or index type out of range";
		break;
	case KBTF_KIND_STRUCT:
	case KBTF_KIND_UNION:
		for (i = 0; i < vlen; i++, w += 3) {
			if (w[0] >= b->strs_len)
				return "member name offset beyond the string section";
			if (w[1] > n)
				return "member type out of range";
		}
		break;
	case KBTF_KIND_ENUM:
	case KBTF_KIND_ENUM64:
		for (i = 0; i < vlen; i++, w += kind == KBTF_KIND_ENUM ? 2 : 3) {
			if (w[0] >= b->strs_len)
				return "enumerator name offset beyond the string section";
		}
		break;
	case KBTF_KIND_FUNC_PROTO:
		for (i = 0; i < vlen; i++, w += 2) {
			if (w[0] >= b->strs_len)
				return "parameter name offset beyond the string section";
			if (w[1] > n)
				return "parameter type out of range";
		}
		break;
	case KBTF_KIND_DATASEC:
		for (i = 0; i < vlen; i++, w += 3) {
			if (w[0] > n)
				return "section variable type out of range";
		}
		break;
	}
	return NULL;
}

int kbtf__parse(const void *data, size_t size, struct kbtf **ret_btf, struct kbtf_error *ret_err)
{
	const uint8_t *p = data;
	uint32_t hdr_len, type_off, type_len, str_off, str_len;
	struct kbtf *b = NULL;
	uint16_t magic;
	bool swap;
	size_t pos, cap;
	const char *why;
	int err;

	if (!p || size < HDR_MIN)
		return fail(ret_err, -EINVAL, "too short for a BTF header", 0);
	memcpy(&magic, p, 2);
	if (magic == KBTF_MAGIC)
		swap = false;
	else if (magic == __builtin_bswap16(KBTF_MAGIC))
		swap = true;
	else
		return fail(ret_err, -EINVAL, "not BTF (bad magic)", 0);
	if (p[2] != 1)
		return fail(ret_err, -ENOTSUP, "unknown BTF version", 2);
	hdr_len = rd32(p + 4, swap);
	type_off = rd32(p + 8, swap);
	type_len = rd32(p + 12, swap);
	str_off = rd32(p + 16, swap);
	str_len = rd32(p + 20, swap);
	/* A longer header (a later version's) is fine: its sections are
	 * still found by the offsets. */
	if (hdr_len < HDR_MIN || hdr_len > size)
		return fail(ret_err, -EINVAL, "header length out of range", 4);
	if ((uint64_t)hdr_len + type_off + type_len > size)
		return fail(ret_err, -EINVAL, "type section beyond the end of the data", 8);
	if ((uint64_t)hdr_len + str_off + str_len > size)
		return fail(ret_err, -EINVAL, "string section beyond the end of the data", 16);
	if (type_len % 4)
		return fail(ret_err, -EINVAL, "type section length not a multiple of 4", 12);
	if (!str_len || str_len > MAX_NAME_OFFSET + 1)
		return fail(ret_err, -EINVAL, "string section length out of range", 20);
	if (p[hdr_len + str_off] != '\0')
		return fail(ret_err, -EINVAL, "string section does not start with an empty string",
			    (uint64_t)hdr_len + str_off);
	if (p[hdr_len + str_off + str_len - 1] != '\0')
		return fail(ret_err, -EINVAL, "string section does not end with a NUL",
			    (uint64_t)hdr_len + str_off + str_len - 1);

	b = calloc(1, sizeof(*b));
	if (!b)
		return fail(ret_err, -ENOMEM, "out of memory", 0);
	b->swapped = swap;
	/* Copies: aligned words for the types whatever the input's alignment,
	 * and an object that does not depend on the caller's buffer. */
	b->types = malloc(type_len ? type_len : 4);
	b->strs = malloc(str_len);
	/* Every type is at least 12 bytes: this bounds the count. */
	cap = type_len / 12 + 1;
	b->offs = malloc(cap * sizeof(*b->offs));
	if (!b->types || !b->strs || !b->offs) {
		err = fail(ret_err, -ENOMEM, "out of memory", 0);
		goto err_out;
	}
	memcpy(b->types, p + hdr_len + type_off, type_len);
	memcpy(b->strs, p + hdr_len + str_off, str_len);
	b->types_len = type_len;
	b->strs_len = str_len;
	if (swap) {
		/* Every field of every type record is a 32-bit word. */
		for (pos = 0; pos < type_len / 4; pos++)
			b->types[pos] = bswap32(b->types[pos]);
	}

	for (pos = 0; pos < type_len / 4;) {
		const struct kbtf_type *t = (const struct kbtf_type *)(b->types + pos);
		uint64_t at = (uint64_t)hdr_len + type_off + pos * 4;
		long extra;

		if (type_len / 4 - pos < 3) {
			err =
			    fail(ret_err, -EINVAL, "type record cut by the end of the section", at);
			goto err_out;
		}
		extra = extra_size(kbtf_kind(t), kbtf_vlen(t));
		if (extra < 0) {
			err = fail(ret_err, -ENOTSUP, "unknown BTF kind", at + 4);
			goto err_out;
		}
		if ((uint64_t)extra / 4 > type_len / 4 - pos - 3) {
			err =
			    fail(ret_err, -EINVAL, "type record cut by the end of the section", at);
			goto err_out;
		}
		if (b->nr_types >= MAX_TYPE) {
			err = fail(ret_err, -EINVAL, "more types than BTF allows", at);
			goto err_out;
		}
		b->offs[b->nr_types++] = (uint32_t)pos;
		pos += 3 + (size_t)extra / 4;
	}
	for (uint32_t id = 1; id <= b->nr_types; id++) {
		why = check_refs(b, kbtf__type_by_id(b, id));
		if (why) {
			err = fail(ret_err, -EINVAL, why,
				   (uint64_t)hdr_len + type_off + (uint64_t)b->offs[id - 1] * 4);
			goto err_out;
		}
	}
	*ret_btf = b;
	return 0;

err_out:
	kbtf__free(b);
	return err;
}

void kbtf__free(struct kbtf *b)
{
	if (!b)
		return;
	free(b->types);
	free(b->strs);
	free(b->offs);
	free(b->funcs);
	free(b);
}

uint32_t kbtf__type_cnt(const struct kbtf *b)
{
	return b ? b->nr_types : 0;
}

const struct kbtf_type *kbtf__type_by_id(const struct kbtf *b, uint32_t id)
{
	if (!b || !id || id > b->nr_types)
		return NULL;
	return (const struct kbtf_type *)(b->types + b->offs[id - 1]);
}

const char *kbtf__str(const struct kbtf *b, uint32_t off)
{
	if (!b || off >= b->strs_len)
		return "";
	return b->strs + off;
}

bool kbtf__swapped(const struct kbtf *b)
{
	return b && b->swapped;
}

static int cmp_func(const void *a, const void *c, void *ctx)
{
	const struct kbtf *b = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)c;
	int r = strcmp(kbtf__str(b, kbtf__type_by_id(b, x)->name_off),
		       kbtf__str(b, kbtf__type_by_id(b, y)->name_off));

	/* by id among equal names, for a stable order */
	return r ? r : (x > y) - (x < y);
}

int kbtf__funcs(struct kbtf *b, const uint32_t **ret_ids, size_t *ret_cnt)
{
	if (!b)
		return -EINVAL;
	if (!b->funcs_built) {
		size_t n = 0;

		for (uint32_t id = 1; id <= b->nr_types; id++)
			n += kbtf_kind(kbtf__type_by_id(b, id)) == KBTF_KIND_FUNC;
		b->funcs = malloc((n ? n : 1) * sizeof(*b->funcs));
		if (!b->funcs)
			return -ENOMEM;
		n = 0;
		for (uint32_t id = 1; id <= b->nr_types; id++) {
			if (kbtf_kind(kbtf__type_by_id(b, id)) == KBTF_KIND_FUNC)
				b->funcs[n++] = id;
		}
		qsort_r(b->funcs, n, sizeof(*b->funcs), cmp_func, b);
		b->nr_funcs = n;
		b->funcs_built = true;
	}
	*ret_ids = b->funcs;
	*ret_cnt = b->nr_funcs;
	return 0;
}

int kbtf__find_func(struct kbtf *b, const char *name)
{
	const uint32_t *ids;
	size_t lo = 0, hi, n;
	int err;

	err = kbtf__funcs(b, &ids, &n);
	if (err)
		return err;
	/* the first of equal names */
	hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(kbtf__str(b, kbtf__type_by_id(b, ids[mid])->name_off), name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && !strcmp(kbtf__str(b, kbtf__type_by_id(b, ids[lo])->name_off), name))
		return (int)ids[lo];
	return -ENOENT;
}

int kbtf__find_by_name_kind(const struct kbtf *b, const char *name, unsigned kind)
{
	for (uint32_t id = 1; b && id <= b->nr_types; id++) {
		const struct kbtf_type *t = kbtf__type_by_id(b, id);

		if (kbtf_kind(t) == kind && !strcmp(kbtf__str(b, t->name_off), name))
			return (int)id;
	}
	return -ENOENT;
}

/* ------------------------------------------------------------------ */
/* Declarations                                                        */
/* ------------------------------------------------------------------ */

/* A declaration is built outwards from its name, at both ends. */
static void decl_init(struct ec_sbuf *s, const char *name)
{
	*s = (struct ec_sbuf){.max = DECL_MAX};
	ec_sbuf__puts(s, name ? name : "");
}

/* Skip qualifiers and type tags: the type a pointer really points to. */
static const struct kbtf_type *skip_mods(const struct kbtf *b, uint32_t id)
{
	for (int i = 0; i < DECL_DEPTH_MAX; i++) {
		const struct kbtf_type *t = kbtf__type_by_id(b, id);

		if (!t)
			return NULL;
		switch (kbtf_kind(t)) {
		case KBTF_KIND_CONST:
		case KBTF_KIND_VOLATILE:
		case KBTF_KIND_RESTRICT:
		case KBTF_KIND_TYPE_TAG:
			id = t->size_type;
			break;
		default:
			return t;
		}
	}
	return NULL;
}

static int decl(const struct kbtf *b, uint32_t id, struct ec_sbuf *inner, int depth);

static void proto_params(const struct kbtf *b, const struct kbtf_type *t, struct ec_sbuf *inner,
			 int depth)
{
	const struct kbtf_param *pa = kbtf_type__extra(t);
	unsigned n = kbtf_vlen(t);

	ec_sbuf__puts(inner, "(");
	if (!n)
		ec_sbuf__puts(inner, "void");
	for (unsigned i = 0; i < n && !inner->err; i++) {
		struct ec_sbuf one;

		if (i)
			ec_sbuf__puts(inner, ", ");
		if (i == n - 1 && !pa[i].type && !pa[i].name_off) {
			ec_sbuf__puts(inner, "...");
			break;
		}
		decl_init(&one, kbtf__str(b, pa[i].name_off));
		if (!one.err)
			one.err = decl(b, pa[i].type, &one, depth + 1);
		if (one.err)
			inner->err = one.err;
		else
			ec_sbuf__puts(inner, one.p);
		free(one.p);
	}
	ec_sbuf__puts(inner, ")");
}

/*
 * Build the declaration inside out: @inner starts as the name and each
 * step wraps it (a pointer prepends '*', an array appends "[N]", a function
 * appends its parameters), until a base type is reached and written in
 * front. This is how C declarators read, so precedence comes out right:
 * "int (*p)[4]", "void (*fn)(int)", "char *const *argv".
 */
static int decl(const struct kbtf *b, uint32_t id, struct ec_sbuf *inner, int depth)
{
	char quals[64] = "";
	const char *kw = NULL;
	const char *base = NULL;
	char num[24];

	for (int steps = 0;; steps++) {
		const struct kbtf_type *t, *next;

		if (inner->err)
			return inner->err;
		if (steps + depth > DECL_DEPTH_MAX)
			return -ELOOP;
		if (!id) {
			base = "void";
			break;
		}
		t = kbtf__type_by_id(b, id);
		if (!t)
			return -EINVAL;
		switch (kbtf_kind(t)) {
		case KBTF_KIND_INT:
		case KBTF_KIND_FLOAT:
		case KBTF_KIND_TYPEDEF:
			base = kbtf__str(b, t->name_off);
			break;
		case KBTF_KIND_STRUCT:
			kw = "struct";
			break;
		case KBTF_KIND_UNION:
			kw = "union";
			break;
		case KBTF_KIND_ENUM:
		case KBTF_KIND_ENUM64:
			kw = "enum";
			break;
		case KBTF_KIND_FWD:
			kw = kbtf_kflag(t) ? "union" : "struct";
			break;
		case KBTF_KIND_PTR:
			next = skip_mods(b, t->size_type);
			if (next && (kbtf_kind(next) == KBTF_KIND_ARRAY ||
				     kbtf_kind(next) == KBTF_KIND_FUNC_PROTO)) {
				ec_sbuf__prepend(inner, "(*");
				ec_sbuf__puts(inner, ")");
			} else {
				ec_sbuf__prepend(inner, "*");
			}
			id = t->size_type;
			continue;
		case KBTF_KIND_CONST:
		case KBTF_KIND_VOLATILE:
		case KBTF_KIND_RESTRICT: {
			const char *q = kbtf_kind(t) == KBTF_KIND_CONST	     ? "const"
					: kbtf_kind(t) == KBTF_KIND_VOLATILE ? "volatile"
									     : "restrict";

			next = skip_mods(b, t->size_type);
			if (next && kbtf_kind(next) == KBTF_KIND_PTR) {
				/* qualifies the pointer: goes right of its '*' */
				if (inner->len)
					ec_sbuf__prepend(inner, " ");
				ec_sbuf__prepend(inner, q);
			} else if (!strstr(quals, q) &&
				   strlen(quals) + strlen(q) + 2 < sizeof(quals)) {
				strcat(quals, q);
				strcat(quals, " ");
			}
			id = t->size_type;
			continue;
		}
		case KBTF_KIND_TYPE_TAG:
			/* __user, __percpu: annotations, not C */
			id = t->size_type;
			continue;
		case KBTF_KIND_ARRAY: {
			const struct kbtf_array *a = kbtf_type__extra(t);

			snprintf(num, sizeof(num), "[%u]", a->nelems);
			ec_sbuf__puts(inner, num);
			id = a->type;
			continue;
		}
		case KBTF_KIND_FUNC_PROTO:
			proto_params(b, t, inner, depth + steps);
			id = t->size_type;
			continue;
		default:
			/* FUNC, VAR, DATASEC, DECL_TAG are not types of a value */
			return -EINVAL;
		}
		if (kw) {
			const char *name = kbtf__str(b, t->name_off);
			char head[16];

			snprintf(head, sizeof(head), "%s ", kw);
			if (inner->len && inner->p[0] != '[')
				ec_sbuf__prepend(inner, " ");
			ec_sbuf__prepend(inner, *name ? name : "{...}");
			ec_sbuf__prepend(inner, head);
			ec_sbuf__prepend(inner, quals);
			return inner->err;
		}
		break;
	}
	if (inner->len && inner->p[0] != '[')
		ec_sbuf__prepend(inner, " ");
	ec_sbuf__prepend(inner, *base ? base : "?");
	ec_sbuf__prepend(inner, quals);
	return inner->err;
}

int kbtf__decl(const struct kbtf *b, uint32_t type_id, const char *name, char *buf, size_t size)
{
	struct ec_sbuf s;
	int err;

	if (!b || !buf || !size)
		return -EINVAL;
	decl_init(&s, name);
	err = s.err ? s.err : decl(b, type_id, &s, 0);
	if (!err && s.len + 1 > size)
		err = -E2BIG;
	if (!err) {
		memcpy(buf, s.p, s.len + 1);
		err = (int)s.len;
	}
	free(s.p);
	return err;
}
