// SPDX-License-Identifier: GPL-2.0
/* eBPF twin of samples/xdp1: per-IP-protocol packet counts, every packet dropped. */
#include "twin.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} RXCNT SEC(".maps");

SEC("xdp")
int xdp1(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u64 off = 14;
	__u16 type;
	__u32 proto = 0;
	__u64 *n;
	int i;

	if (data + 14 > end)
		goto count;
	type = bswap16(*(__u16 *)(data + 12));
	for (i = 0; i < 2; i++) {
		if (type != 0x8100)
			break;
		if (data + off + 4 > end)
			goto count;
		type = bswap16(*(__u16 *)(data + off + 2));
		off += 4;
	}
	if (type == 0x0800) {
		if (data + off + 20 <= end)
			proto = *(__u8 *)(data + off + 9);
	} else if (type == 0x86dd) {
		if (data + off + 40 <= end)
			proto = *(__u8 *)(data + off + 6);
	}
count:
	n = bpf_map_lookup_elem(&RXCNT, &proto);
	if (n)
		*n += 1;
	return XDP_DROP;
}

char _license[] SEC("license") = "GPL";
