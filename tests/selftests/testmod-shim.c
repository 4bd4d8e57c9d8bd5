// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD shim for the kernel's BPF selftests in the iu VM: the VM kernel has no
 * module support, so test_verifier's load/unload of bpf_testmod.ko is made a no-op.
 * Tests that need the module's kfuncs then fail the same way on the unpatched and the
 * patched kernel, which is what the comparison needs. Every other syscall is forwarded.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdarg.h>
#include <sys/syscall.h>

long syscall(long number, ...)
{
	static long (*real)(long number, ...);
	long a[6];
	va_list ap;
	int i;

	if (number == SYS_finit_module || number == SYS_delete_module ||
	    number == SYS_init_module)
		return 0;
	if (!real)
		real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	va_start(ap, number);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	return real(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}
