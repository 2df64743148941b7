/* SPDX-License-Identifier: MIT */
/* The analyzer's heap in transparent huge pages (heap.h). */
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "heap.h"

#define HEAP_RESERVE (256u << 20)
#define HUGE_PAGE ((uintptr_t)2 << 20)

void heap__use_huge_pages(void)
{
	uintptr_t from, to;
	void *p;

	if (!mallopt(M_MMAP_THRESHOLD, 32 << 20) || !mallopt(M_TRIM_THRESHOLD, 1 << 30) ||
	    !mallopt(M_TOP_PAD, HEAP_RESERVE))
		return;
	/* a block larger than what the heap has left makes malloc extend it,
	 * pad and all; from the block to the break is the heap to come
	 * (sbrk(0) would give glibc's cached break) */
	p = malloc(1 << 20);
	if (!p)
		return;
	from = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	to = (uintptr_t)syscall(SYS_brk, 0) & ~(HUGE_PAGE - 1);
	free(p);
#ifdef MADV_HUGEPAGE
	if (to > from)
		madvise((void *)from, to - from, MADV_HUGEPAGE); /* a hint */
#endif
}
