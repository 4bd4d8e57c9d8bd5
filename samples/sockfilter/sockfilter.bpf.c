// SPDX-License-Identifier: GPL-2.0
/*
 * eBPF twin of samples/sockfilter: libbpf-bootstrap's sockfilter.bpf.c, without the
 * pkt_type and ifindex fields the native context does not read.
 */
#include "twin.h"

struct so_event {
	__u32 src_addr;
	__u32 dst_addr;
	__u32 ports;
	__u32 ip_proto;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} RB SEC(".maps");

BPF_HELPER(long, skb_load_bytes, const void *skb, __u32 offset, void *to, __u32 len);

#define ETH_HLEN 14
#define IP_MF 0x2000
#define IP_OFFSET 0x1fff
#define IPPROTO_GRE 47

SEC("socket")
int socket_handler(struct __sk_buff *skb)
{
	struct so_event *e;
	__u8 verlen, proto;
	__u16 h_proto, frag;
	__u32 nhoff = ETH_HLEN;

	bpf_skb_load_bytes(skb, 12, &h_proto, 2);
	if (bswap16(h_proto) != 0x0800)
		return 0;
	if (bpf_skb_load_bytes(skb, nhoff + 6, &frag, 2) || (bswap16(frag) & (IP_MF | IP_OFFSET)))
		return 0;
	e = bpf_ringbuf_reserve(&RB, sizeof(*e), 0);
	if (!e)
		return 0;
	proto = 0;
	bpf_skb_load_bytes(skb, nhoff + 9, &proto, 1);
	e->ip_proto = proto;
	e->src_addr = 0;
	e->dst_addr = 0;
	if (proto != IPPROTO_GRE) {
		bpf_skb_load_bytes(skb, nhoff + 12, &e->src_addr, 4);
		bpf_skb_load_bytes(skb, nhoff + 16, &e->dst_addr, 4);
	}
	verlen = 0;
	bpf_skb_load_bytes(skb, nhoff, &verlen, 1);
	e->ports = 0;
	bpf_skb_load_bytes(skb, nhoff + ((verlen & 0xF) << 2), &e->ports, 4);
	bpf_ringbuf_submit(e, 0);
	return skb->len;
}

char _license[] SEC("license") = "GPL";
