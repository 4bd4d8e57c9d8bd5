// SPDX-License-Identifier: GPL-2.0
/* eBPF twin of bench/hash_update: key = first payload byte, value = next 8 payload bytes. */
#include "../include/bench.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_ZERO_SEED);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} SLOTS SEC(".maps");

SEC("xdp")
int hash_update(struct xdp_md *ctx)
{
	unsigned char *p = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 key;
	__u64 v;

	if ((void *)(p + 51) > end)
		return XDP_ABORTED;
	key = p[42];
	__builtin_memcpy(&v, p + 43, 8);
	if (bpf_map_update_elem(&SLOTS, &key, &v, BPF_ANY))
		return XDP_DROP;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
