// SPDX-License-Identifier: GPL-2.0
/* eBPF twin of bench/hash_lookup: key = first payload byte, value -> packet bytes 0..8. */
#include "../include/bench.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_ZERO_SEED);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} VALUES SEC(".maps");

SEC("xdp")
int hash_lookup(struct xdp_md *ctx)
{
	unsigned char *p = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 key;
	__u64 *v;

	if ((void *)(p + 43) > end)
		return XDP_ABORTED;
	key = p[42];
	v = bpf_map_lookup_elem(&VALUES, &key);
	if (!v)
		return XDP_DROP;
	__builtin_memcpy(p, v, 8);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
