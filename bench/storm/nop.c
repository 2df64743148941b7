/* SPDX-License-Identifier: MIT */
/* The program the storm execs: no libc, no dynamic loader, one syscall, so
 * the exec itself is what is measured. */
void _start(void);

void _start(void)
{
	__asm__ volatile("mov $60, %eax\n\txor %edi, %edi\n\tsyscall");
	__builtin_unreachable();
}
