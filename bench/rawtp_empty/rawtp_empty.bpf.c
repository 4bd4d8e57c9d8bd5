// SPDX-License-Identifier: GPL-2.0
/* eBPF twin of bench/rawtp_empty: a raw tracepoint program that returns 0. */
#include "../include/bench.h"

SEC("raw_tp/sys_enter")
int rawtp_empty(void *ctx)
{
	return 0;
}

char _license[] SEC("license") = "GPL";
