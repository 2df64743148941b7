/* SPDX-License-Identifier: MIT */
/*
 * Small macros every layer uses, header-only: format/ may include it (it
 * links nothing of common/).
 */
#ifndef EXECREC_COMMON_MACROS_H
#define EXECREC_COMMON_MACROS_H

#include <stddef.h>

/* Elements of an array (not of a pointer: the compiler would not say). */
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#define EC_MIN(a, b) ((a) < (b) ? (a) : (b))
#define EC_MAX(a, b) ((a) > (b) ? (a) : (b))

/* The offset of the first byte after @field of @type. */
#define EC_OFFSETOFEND(type, field) (offsetof(type, field) + sizeof(((type *)0)->field))

#define EC_LIKELY(x) __builtin_expect(!!(x), 1)
#define EC_UNLIKELY(x) __builtin_expect(!!(x), 0)

#endif /* EXECREC_COMMON_MACROS_H */
