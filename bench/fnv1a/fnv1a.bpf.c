// SPDX-License-Identifier: GPL-2.0
/*
 * eBPF twin of bench/fnv1a: FNV-1a (32-bit) over the 1,500-byte payload, byte by byte, as
 * a bounded loop with the per-byte packet bounds check the verifier needs; the hash goes
 * to bytes 0..4.
 */
#include "../include/bench.h"

SEC("xdp")
int fnv1a(struct xdp_md *ctx)
{
	unsigned char *p = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	unsigned char *q = p + PAYLOAD_OFF;
	__u32 h = 0x811c9dc5;
	int i;

	if ((void *)(p + PAYLOAD_OFF + PAYLOAD_LEN) > end)
		return XDP_ABORTED;
	for (i = 0; i < PAYLOAD_LEN; i++) {
		if ((void *)(q + 1) > end)
			return XDP_ABORTED;
		h ^= *q++;
		h *= 0x01000193;
	}
	__builtin_memcpy(p, &h, 4);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
