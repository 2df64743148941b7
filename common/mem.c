/* SPDX-License-Identifier: MIT */
/* Memory faulted in a step at a time, and the arena (mem.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mem.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif

/* Blocks of the arena: 2 MiB with their header. */
#define ARENA_BLOCK (2u << 20)

struct ec_arena_block {
	struct ec_arena_block *next;
	size_t used, cap;
	size_t populated; /* bytes of data faulted in */
	char data[];
};

/*
 * Huge pages where the kernel has them to give (transparent huge pages in
 * "madvise" mode, Debian's default): a 2 MiB block is then one fault and
 * one TLB entry instead of 512. Kernels since 6.7 align mappings of 2 MiB
 * and more so that they can be.
 */
void *ec_mem__map(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	if (len >= EC_MEM_HUGE)
		madvise(p, len, MADV_HUGEPAGE); /* a hint: EINVAL where there are none */
#endif
	return p;
}

void ec_mem__unmap(void *p, size_t len)
{
	if (p)
		munmap(p, len);
}

/* One madvise per step instead of a fault per page, and no more than a
 * step of memory touched beyond what is used. */
void ec_mem__populate(void *base, size_t from, size_t to)
{
	static size_t page;
	uintptr_t a, b;

	if (!page) {
		long ps = sysconf(_SC_PAGESIZE);

		page = ps > 0 ? (size_t)ps : 4096;
	}
	a = ((uintptr_t)base + from) & ~(uintptr_t)(page - 1);
	b = ((uintptr_t)base + to + page - 1) & ~(uintptr_t)(page - 1);
	/* only a hint: older kernels say EINVAL and fault page by page */
	if (b > a)
		madvise((void *)a, b - a, MADV_POPULATE_WRITE);
}

int ec_mem__grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t old = *cap * elem, n = *cap > need / 2 ? *cap * 2 : need, bytes;
	void *q;

	if (need <= *cap)
		return 0;
	if (n < 64)
		n = 64;
	if (n > (SIZE_MAX - EC_MEM_HUGE) / elem)
		return -ENOMEM;
	bytes = n * elem;
	if (bytes <= EC_MEM_SMALL) {
		q = realloc(*p, bytes);
		if (!q)
			return -ENOMEM;
	} else {
		bytes = (bytes + EC_MEM_HUGE - 1) & ~(size_t)(EC_MEM_HUGE - 1);
		q = ec_mem__map(bytes);
		if (!q)
			return -ENOMEM;
		if (old)
			memcpy(q, *p, old);
		ec_mem__grow_free(*p, *cap, elem);
	}
	*p = q;
	*cap = bytes / elem;
	return 0;
}

void ec_mem__grow_free(void *p, size_t cap, size_t elem)
{
	if (cap * elem <= EC_MEM_SMALL)
		free(p);
	else
		ec_mem__unmap(p, cap * elem);
}

char *ec_arena__alloc(struct ec_arena *a, size_t len)
{
	struct ec_arena_block *b = a->head;
	char *p;

	if (len > SIZE_MAX / 2)
		return NULL; /* no block could hold it */
	if (!b || b->cap - b->used < len) {
		size_t cap = len > ARENA_BLOCK - sizeof(*b) ? len : ARENA_BLOCK - sizeof(*b);

		b = ec_mem__map(sizeof(*b) + cap);
		if (!b)
			return NULL;
		b->cap = cap;
		b->used = 0;
		b->populated = 0;
		b->next = a->head;
		a->head = b;
	}
	p = b->data + b->used;
	b->used += len;
	a->bytes += len;
	if (b->used > b->populated) {
		size_t to = b->used + EC_MEM_STEP < b->cap ? b->used + EC_MEM_STEP : b->cap;

		ec_mem__populate(b->data, b->populated, to);
		b->populated = to;
	}
	return p;
}

char *ec_arena__strndup(struct ec_arena *a, const char *s, size_t len)
{
	char *p = len < SIZE_MAX ? ec_arena__alloc(a, len + 1) : NULL;

	if (!p)
		return NULL;
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *ec_arena__strdup(struct ec_arena *a, const char *s)
{
	return ec_arena__strndup(a, s, strlen(s));
}

void ec_arena__release(struct ec_arena *a)
{
	struct ec_arena_block *b;

	if (!a)
		return;
	while ((b = a->head)) {
		a->head = b->next;
		munmap(b, sizeof(*b) + b->cap);
	}
	a->bytes = 0;
}
