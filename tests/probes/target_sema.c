/* SPDX-License-Identifier: MIT */
/* A USDT probe guarded by a semaphore: a tracer must set it to enable the
 * probe, so -v shows its address. */
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>

int execrec_target_sema(int a);

__attribute__((used, section(".probes"))) unsigned short execrec_test_guarded_semaphore;

__attribute__((noinline)) int execrec_target_sema(int a)
{
	if (execrec_test_guarded_semaphore)
		DTRACE_PROBE1(execrec_test, guarded, a);
	return a;
}
