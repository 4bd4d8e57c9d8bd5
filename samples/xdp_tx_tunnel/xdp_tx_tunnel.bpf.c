// SPDX-License-Identifier: GPL-2.0
/* eBPF twin of samples/xdp_tx_tunnel: IP-in-IP encapsulation of one service + XDP_TX. */
#include "twin.h"

struct config {
	__u32 vip;
	__u16 port;
	__u16 pad;
	__u32 tnl_saddr;
	__u32 tnl_daddr;
	__u8 dmac[6];
	__u8 smac[6];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct config);
} CONFIG SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} TXBYTES SEC(".maps");

static __always_inline __u16 csum16(__u8 *h)
{
	__u32 s = 0;
	int i;

#pragma unroll
	for (i = 0; i < 20; i += 2)
		s += (h[i] << 8) | h[i + 1];
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return ~s & 0xffff;
}

SEC("xdp")
int xdp_tx_tunnel(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u32 zero = 0, key;
	struct config *c = bpf_map_lookup_elem(&CONFIG, &zero);
	__u8 *ip, *l4, proto, ihl;
	__u16 dport, inner_len;
	__u64 *n;
	int i;

	if (!c || data + 34 > end)
		return XDP_PASS;
	if (bswap16(*(__u16 *)(data + 12)) != 0x0800)
		return XDP_PASS;
	ip = data + 14;
	ihl = ip[0];
	if ((ihl >> 4) != 4 || (ihl & 0xf) < 5)
		return XDP_PASS;
	if (bswap32(*(__u32 *)(ip + 16)) != c->vip)
		return XDP_PASS;
	proto = ip[9];
	l4 = ip + (ihl & 0xf) * 4;
	if (proto == 6) {
		if ((void *)l4 + 20 > end)
			return XDP_PASS;
	} else if (proto == 17) {
		if ((void *)l4 + 8 > end)
			return XDP_PASS;
	} else {
		return XDP_PASS;
	}
	dport = bswap16(*(__u16 *)(l4 + 2));
	if (dport != c->port)
		return XDP_PASS;
	inner_len = bswap16(*(__u16 *)(ip + 2));

	if (bpf_xdp_adjust_head(ctx, -20))
		return XDP_DROP;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	if (data + 34 > end)
		return XDP_DROP;
	__builtin_memcpy(data, c->dmac, 6);
	__builtin_memcpy(data + 6, c->smac, 6);
	*(__u16 *)(data + 12) = bswap16(0x0800);
	ip = data + 14;
	ip[0] = 0x45;
	ip[1] = 0;
	*(__u16 *)(ip + 2) = bswap16(inner_len + 20);
	*(__u16 *)(ip + 4) = 0;
	*(__u16 *)(ip + 6) = 0;
	ip[8] = 8;
	ip[9] = 4;
	*(__u16 *)(ip + 10) = 0;
	*(__u32 *)(ip + 12) = bswap32(c->tnl_saddr);
	*(__u32 *)(ip + 16) = bswap32(c->tnl_daddr);
	*(__u16 *)(ip + 10) = bswap16(csum16(ip));
	key = proto;
	n = bpf_map_lookup_elem(&TXBYTES, &key);
	if (n)
		*n += inner_len;
	return XDP_TX;
}

char _license[] SEC("license") = "GPL";
