// SPDX-License-Identifier: GPL-2.0
/*
 * eBPF twin of samples/fentry: fentry and fexit on do_unlinkat(int dfd, struct
 * filename *name) print the pid, the file name and the result. Without vmlinux.h
 * the arguments are read as the trampoline's u64 slots (what BPF_PROG unpacks).
 */
#include "twin.h"

static __always_inline const char *filename_name(unsigned long long name)
{
	const char *s = 0;

	/* struct filename starts with `const char *name` */
	bpf_probe_read_kernel(&s, sizeof(s), (void *)name);
	return s;
}

SEC("fentry/do_unlinkat")
int do_unlinkat(unsigned long long *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;

	bpf_printk("fentry: pid = %d, filename = %s\n", pid, filename_name(ctx[1]));
	return 0;
}

SEC("fexit/do_unlinkat")
int do_unlinkat_exit(unsigned long long *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;

	bpf_printk("fexit: pid = %d, filename = %s, ret = %d\n", pid,
		   filename_name(ctx[1]), (int)ctx[2]);
	return 0;
}

char _license[] SEC("license") = "GPL";
