// SPDX-License-Identifier: GPL-2.0
/*
 * eBPF twin of bench/loop10k: 10,000 xorshift32 steps seeded from the payload, as a bounded
 * loop (the fastest form the verifier accepts: no callback per iteration as with bpf_loop).
 */
#include "../include/bench.h"

SEC("xdp")
int loop10k(struct xdp_md *ctx)
{
	unsigned char *p = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 x;
	int i;

	if ((void *)(p + 46) > end)
		return XDP_ABORTED;
	__builtin_memcpy(&x, p + 42, 4);
	x |= 1;
	for (i = 0; i < 10000; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
	}
	__builtin_memcpy(p, &x, 4);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
