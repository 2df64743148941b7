/* SPDX-License-Identifier: MIT */
/*
 * A binary with a known function and USDT probes, for the uprobe and usdt
 * listing tests. Built without optimization of the function away: it must
 * stay a symbol of its own.
 */
#include <sys/sdt.h>

int execrec_target_fn(int a, long b);
int execrec_target_sema(int a);

__attribute__((noinline)) int execrec_target_fn(int a, long b)
{
	DTRACE_PROBE2(execrec_test, hello, a, b);
	return a + (int)b;
}

int main(int argc, char **argv)
{
	(void)argv;
	return execrec_target_fn(argc, 1) + execrec_target_sema(argc) == 0;
}
