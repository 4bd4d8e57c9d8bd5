// SPDX-License-Identifier: GPL-2.0
/* eBPF twin of bench/xdp_empty: an XDP program that only returns XDP_PASS. */
#include "../include/bench.h"

SEC("xdp")
int xdp_empty(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
