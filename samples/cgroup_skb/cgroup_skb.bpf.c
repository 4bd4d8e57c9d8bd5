// SPDX-License-Identifier: GPL-2.0
/*
 * eBPF twin of samples/cgroup_skb: counts the IPv4 packets and bytes a cgroup sends and
 * drops its UDP datagrams to port 9.
 */
#include "twin.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__type(value, __u64);
} COUNTS SEC(".maps");

static __always_inline void count(__u32 k, __u64 v)
{
	__u64 *n = bpf_map_lookup_elem(&COUNTS, &k);

	if (n)
		__sync_fetch_and_add(n, v);
}

SEC("cgroup_skb/egress")
int count_egress(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	__u8 *ip = data;
	__u32 hl;

	if (data + 20 <= end && (ip[0] >> 4) == 4 && ip[9] == 17) {
		hl = (ip[0] & 0xf) * 4;
		if (hl >= 20 && hl <= 60 && data + hl + 8 <= end &&
		    bswap16(*(__u16 *)(data + hl + 2)) == 9) {
			count(2, 1);
			return 0;
		}
	}
	count(0, 1);
	count(1, skb->len);
	return 1;
}

char _license[] SEC("license") = "GPL";
