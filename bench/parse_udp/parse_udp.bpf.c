// SPDX-License-Identifier: GPL-2.0
/* eBPF twin of bench/parse_udp: parse Ethernet/IPv4/UDP, count by UDP destination port. */
#include "../include/bench.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_ZERO_SEED);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} PORTS SEC(".maps");

SEC("xdp")
int parse_udp(struct xdp_md *ctx)
{
	unsigned char *p = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	unsigned char *ip = p + 14, *udp;
	__u64 one = 1, *n;
	__u32 port;

	if ((void *)(p + 34) > end || p[12] != 0x08 || p[13] != 0x00)
		return XDP_PASS;
	if ((ip[0] >> 4) != 4 || ip[9] != 17)
		return XDP_PASS;
	udp = ip + (ip[0] & 0x0f) * 4;
	if ((void *)(udp + 8) > end)
		return XDP_PASS;
	port = (__u32)udp[2] << 8 | udp[3];
	n = bpf_map_lookup_elem(&PORTS, &port);
	if (n)
		*n += 1;
	else
		bpf_map_update_elem(&PORTS, &port, &one, BPF_NOEXIST);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
