// SPDX-License-Identifier: GPL-2.0
/*
 * eBPF twin of samples/lsm: refuses exec of any binary whose path ends in /iu-denied.
 * BPRM_FILENAME_OFF (offsetof(struct linux_binprm, filename)) is passed with -D from the
 * kernel's BTF, as the native sample's kernel.rs is generated from it.
 */
#include "twin.h"

#ifndef BPRM_FILENAME_OFF
#error "build with -DBPRM_FILENAME_OFF=<offsetof(struct linux_binprm, filename)>"
#endif

#define EACCES 13

BPF_HELPER(long, probe_read_kernel_str, void *dst, __u32 size, const void *src);

SEC("lsm/bprm_check_security")
int deny_exec(unsigned long long *ctx)
{
	static const char denied[] = "/iu-denied";
	const __u32 dlen = sizeof(denied) - 1;
	char buf[256];
	const char *name;
	long n;

	if (bpf_probe_read_kernel(&name, sizeof(name), (char *)ctx[0] + BPRM_FILENAME_OFF))
		return 0;
	n = bpf_probe_read_kernel_str(buf, sizeof(buf), name);
	if (n <= dlen || n > sizeof(buf))
		return 0;
	for (__u32 i = 0; i < dlen; i++) {
		__u32 at = n - 1 - dlen + i;

		if (at >= sizeof(buf) || buf[at] != denied[i])
			return 0;
	}
	bpf_printk("lsm: refused exec of %s", name);
	return -EACCES;
}

char _license[] SEC("license") = "GPL";
