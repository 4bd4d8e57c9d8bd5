// SPDX-License-Identifier: GPL-2.0
/* eBPF twin of bench/percpu_inc: increments element 0 of a per-CPU array in place. */
#include "../include/bench.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} HITS SEC(".maps");

SEC("xdp")
int percpu_inc(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&HITS, &key);

	if (!v)
		return XDP_DROP;
	*v += 1;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
