// SPDX-License-Identifier: GPL-2.0
/* eBPF twin of samples/tc_filter: drop TCP/UDP to destination port PORT[0]. */
#include "twin.h"
#include <linux/pkt_cls.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} PORT SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} STATS SEC(".maps");

static __always_inline int dest_port(void *data, void *end)
{
	__u16 type;
	__u8 proto;
	void *l4;

	if (data + 14 > end)
		return -1;
	type = bswap16(*(__u16 *)(data + 12));
	if (type == 0x0800) {
		__u8 ihl;

		if (data + 34 > end)
			return -1;
		ihl = *(__u8 *)(data + 14);
		if ((ihl >> 4) != 4 || (ihl & 0xf) < 5)
			return -1;
		proto = *(__u8 *)(data + 23);
		l4 = data + 14 + (ihl & 0xf) * 4;
	} else if (type == 0x86dd) {
		if (data + 54 > end)
			return -1;
		proto = *(__u8 *)(data + 20);
		l4 = data + 54;
	} else {
		return -1;
	}
	if (proto == 6) {
		if (l4 + 20 > end)
			return -1;
	} else if (proto == 17) {
		if (l4 + 8 > end)
			return -1;
	} else {
		return -1;
	}
	return bswap16(*(__u16 *)(l4 + 2));
}

static __always_inline void bump(__u32 i)
{
	__u64 *n = bpf_map_lookup_elem(&STATS, &i);

	if (n)
		*n += 1;
}

SEC("tc")
int tc_filter(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	__u32 zero = 0, *port = bpf_map_lookup_elem(&PORT, &zero);

	if (port && *port && dest_port(data, end) == (int)(*port & 0xffff)) {
		bump(1);
		return TC_ACT_SHOT;
	}
	bump(0);
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
