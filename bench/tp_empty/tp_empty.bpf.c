// SPDX-License-Identifier: GPL-2.0
/* eBPF twin of bench/tp_empty: an empty tracepoint program on syscalls/sys_enter_getpid. */
#include "../include/bench.h"

SEC("tracepoint/syscalls/sys_enter_getpid")
int tp_empty(void *ctx)
{
	return 0;
}

char _license[] SEC("license") = "GPL";
