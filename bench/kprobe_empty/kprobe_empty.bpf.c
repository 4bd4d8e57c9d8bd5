// SPDX-License-Identifier: GPL-2.0
/* eBPF twin of bench/kprobe_empty: an empty kprobe program on __x64_sys_getpid. */
#include "../include/bench.h"

SEC("kprobe/__x64_sys_getpid")
int kprobe_empty(void *ctx)
{
	return 0;
}

char _license[] SEC("license") = "GPL";
