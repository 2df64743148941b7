/* SPDX-License-Identifier: MIT */
/*
 * Extensible options structs, libbpf's convention, header-only (format/
 * includes it and links nothing of common/):
 *
 *	struct x_opts {
 *		size_t sz;	// sizeof(struct x_opts) as the caller was built
 *		...		// fields are only ever appended
 *	};
 *
 * A library reads a caller's struct through these macros only:
 *   - EC_OPTS_VALID(opts, type): NULL, or sz covers at least the sz field
 *     itself and every byte the caller has past the library's own
 *     sizeof(type) is zero (a newer caller may only leave fields this
 *     library does not know at their defaults). False means -EINVAL.
 *   - EC_OPTS_GET(opts, field, fallback): the field when the caller's
 *     struct (its sz) holds all of it, else @fallback: an older, smaller
 *     struct reads as defaults past its end.
 *   - EC_OPTS_SET(opts, field, value): write back only into what the
 *     caller has.
 *
 * A new field goes after the last one and never into the tail padding of
 * an older version (an older caller's sz covers that padding, which is not
 * guaranteed to be zero): name such padding (`int :32;`) when it is left.
 * Callers zero-initialize the struct ({.sz = sizeof(o), ...}).
 */
#ifndef EXECREC_COMMON_OPTS_H
#define EXECREC_COMMON_OPTS_H

#include <stdbool.h>
#include <stddef.h>

#include "macros.h"

/* Whether @opts (the caller's @user_sz bytes) is one this library, which
 * knows @our_sz bytes of it, may read. */
static inline bool ec_opts__valid(const void *opts, size_t user_sz, size_t our_sz)
{
	const unsigned char *p = (const unsigned char *)opts;

	if (!opts)
		return true;
	if (user_sz < sizeof(size_t))
		return false;
	for (size_t i = our_sz; i < user_sz; i++)
		if (p[i])
			return false;
	return true;
}

#define EC_OPTS_VALID(opts, type) ec_opts__valid((opts), (opts) ? (opts)->sz : 0, sizeof(type))

/* Whether the caller's struct holds all of @field. */
#define EC_OPTS_HAS(opts, field)                                                                   \
	((opts) && (opts)->sz >= EC_OFFSETOFEND(__typeof__(*(opts)), field))

#define EC_OPTS_GET(opts, field, fallback) (EC_OPTS_HAS(opts, field) ? (opts)->field : (fallback))

#define EC_OPTS_SET(opts, field, value)                                                            \
	do {                                                                                       \
		if (EC_OPTS_HAS(opts, field))                                                      \
			(opts)->field = (value);                                                   \
	} while (0)

#endif /* EXECREC_COMMON_OPTS_H */
