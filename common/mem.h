/* SPDX-License-Identifier: MIT */
/*
 * Memory a program fills anyway (the analyzer's records of every process,
 * their strings, the lines of a tree), mapped and faulted in a step at a
 * time: on a virtual machine each page fault costs microseconds, and a
 * million-event trace touches tens of thousands of pages. And the arena:
 * bytes that live as long as it does.
 */
#ifndef EXECREC_COMMON_MEM_H
#define EXECREC_COMMON_MEM_H

#include <stddef.h>
#include <stdint.h>

/* Memory is faulted in this much at a time, ahead of use. */
#define EC_MEM_STEP (256u << 10)
/* A huge page: blocks of this much or more may be backed by them. */
#define EC_MEM_HUGE (2u << 20)

/* @len bytes of anonymous memory, not yet faulted in; NULL. */
void *ec_mem__map(size_t len);
void ec_mem__unmap(void *p, size_t len);
/* Fault in bytes [from, to) of @base (from ec_mem__map) in one call. */
void ec_mem__populate(void *base, size_t from, size_t to);

/* Records handed out ahead of the one written now are fetched into the
 * cache: a new record is written at once, and the pages the kernel cleared
 * a step earlier have left the cache by then. */
#define EC_MEM_PREFETCH 8

/* Record @i of a block of @n records of @elem bytes (from ec_mem__map) is
 * handed out: at each step's first, fault in the step. */
static inline void ec_mem__step(void *blk, uint32_t i, uint32_t n, size_t elem)
{
	uint32_t per = (uint32_t)(EC_MEM_STEP / elem);

	if (i % per == 0)
		ec_mem__populate(blk, i * elem, (i + per < n ? i + per : n) * elem);
	if (i + EC_MEM_PREFETCH < n) {
		char *next = (char *)blk + (i + EC_MEM_PREFETCH) * elem;

		__builtin_prefetch(next, 1);
		__builtin_prefetch(next + elem - 1, 1);
	}
}

/*
 * Growing arrays (a tree's child lists, its scratch). While small they are
 * malloc'd; past EC_MEM_SMALL they move to mappings of whole huge pages:
 * a 4 KiB page costs the first write to it a fault, microseconds each on a
 * virtual machine, and a megabyte is 256 of them but half a huge page.
 * *@cap is in elements of @elem bytes. 0 or -ENOMEM (the array as it was).
 */
#define EC_MEM_SMALL (64u << 10)
int ec_mem__grow(void **p, size_t *cap, size_t need, size_t elem);
/* An array of ec_mem__grow(); NULL is fine. */
void ec_mem__grow_free(void *p, size_t cap, size_t elem);

/*
 * Bytes that live as long as their arena, in blocks of 2 MiB mapped as
 * above and faulted in a step at a time (a small arena touches a few pages
 * only). Zero-initialize it ({0}); nothing handed out ever moves.
 */
struct ec_arena {
	struct ec_arena_block *head;
	size_t bytes; /* handed out */
};

/* @len bytes (not aligned), or NULL. */
char *ec_arena__alloc(struct ec_arena *a, size_t len);
/* A copy of the @len bytes at @s with a NUL after them, or NULL. */
char *ec_arena__strndup(struct ec_arena *a, const char *s, size_t len);
/* A copy of the string @s, or NULL. */
char *ec_arena__strdup(struct ec_arena *a, const char *s);
/* Give back every block; the arena is empty again (NULL is fine). */
void ec_arena__release(struct ec_arena *a);

#endif /* EXECREC_COMMON_MEM_H */
