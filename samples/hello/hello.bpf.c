// SPDX-License-Identifier: GPL-2.0
/* eBPF twin of samples/hello: prints the pid of getpid() callers to the trace pipe. */
#include "twin.h"

SEC("tracepoint/syscalls/sys_enter_getpid")
int hello(void *ctx)
{
	__u64 pid = bpf_get_current_pid_tgid() >> 32;

	bpf_printk("hello from pid %d\n", pid);
	return 0;
}

char _license[] SEC("license") = "GPL";
