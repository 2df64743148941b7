/* SPDX-License-Identifier: MIT */
#ifndef EXECREC_TOOLS_HEAP_H
#define EXECREC_TOOLS_HEAP_H

/*
 * The analyzer's heap in transparent huge pages. A model of every process
 * (tree --json, diff, export, chart) is millions of small allocations; the
 * first write to each new 4 KiB page of the heap is a fault, about 11 us
 * on this project's virtual machines, and 'execrec diff' of two 100,000-
 * process runs took 18,000 of them, a third of its time. So: the heap is
 * reserved 256 MiB at a time (virtual memory only), asked to be backed by
 * huge pages (MADV_HUGEPAGE, a hint: 'madvise' is Debian's THP default),
 * blocks under 32 MiB come from it, and it is never trimmed (the process
 * is short-lived). What glibc's tunable glibc.malloc.hugetlb=1 does, which
 * can only be set from the environment. Not for the recorder, which runs
 * for long and keeps its memory small.
 */
void heap__use_huge_pages(void);

#endif /* EXECREC_TOOLS_HEAP_H */
