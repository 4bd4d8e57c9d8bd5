// SPDX-License-Identifier: GPL-2.0
/*
 * eBPF twin of bench/rewrite_csum: swap MACs, IPv4 destination := 10.0.0.2, recompute the
 * IPv4 header checksum, update the UDP checksum incrementally (RFC 1624).
 */
#include "../include/bench.h"

static __always_inline __u16 fold(__u32 s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return s;
}

static __always_inline __u32 be16(const unsigned char *p)
{
	return (__u32)p[0] << 8 | p[1];
}

SEC("xdp")
int rewrite_csum(struct xdp_md *ctx)
{
	unsigned char *p = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 s = 0, old_hi, old_lo, uc;
	__u16 c;
	int i;

	if ((void *)(p + 42) > end || p[12] != 0x08 || p[13] != 0 || p[14] != 0x45 || p[23] != 17)
		return XDP_PASS;
	for (i = 0; i < 6; i++) {
		unsigned char t = p[i];

		p[i] = p[i + 6];
		p[i + 6] = t;
	}
	old_hi = be16(p + 30);
	old_lo = be16(p + 32);
	p[30] = 10;
	p[31] = 0;
	p[32] = 0;
	p[33] = 2;
	p[24] = 0;
	p[25] = 0;
	for (i = 0; i < 10; i++)
		s += be16(p + 14 + 2 * i);
	c = ~fold(s);
	p[24] = c >> 8;
	p[25] = c & 0xff;
	uc = be16(p + 40);
	if (uc) {
		s = (~uc & 0xffff) + (~old_hi & 0xffff) + (~old_lo & 0xffff) + be16(p + 30) +
		    be16(p + 32);
		c = ~fold(s);
		if (!c)
			c = 0xffff;
		p[40] = c >> 8;
		p[41] = c & 0xff;
	}
	return XDP_TX;
}

char _license[] SEC("license") = "GPL";
