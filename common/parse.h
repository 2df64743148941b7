/* SPDX-License-Identifier: MIT */
/*
 * Parsing what users type: durations, sizes, lists of pids. Each returns 0
 * or -EINVAL (not a value of its kind) / -ERANGE (too large) / -ENOMEM,
 * writes its result only on success, and never prints: the caller names
 * the option in its one line.
 */
#ifndef EXECREC_COMMON_PARSE_H
#define EXECREC_COMMON_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* "1.5", "1.5s", "200ms", "10us", "500ns", "3m", "3min", "1h", "2sec" ->
 * ns; a bare number is seconds. */
int ec_parse_duration(const char *s, uint64_t *ret_ns);

/* "4096", "64K", "64k", "64KiB", "64KB", "100M", "2G", "1T" -> bytes
 * (powers of 1024); an integer count of the unit. */
int ec_parse_size(const char *s, uint64_t *ret_bytes);

/* "0" .. "@max": a decimal count, digits only (no sign, space or '+'). */
int ec_parse_count(const char *s, uint64_t max, uint64_t *ret);

/*
 * "123" or "1,2,3": decimal pids (0 .. UINT32_MAX, digits only), each
 * appended to the malloc'd array *@list of *@n (both may start NULL/0; the
 * caller frees *list). An empty string or an empty item ("1,,2", "1,") is
 * -EINVAL, and then nothing is appended.
 */
int ec_parse_pids(const char *s, uint32_t **list, size_t *n);

#endif /* EXECREC_COMMON_PARSE_H */
