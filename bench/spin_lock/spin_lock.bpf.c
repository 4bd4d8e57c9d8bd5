// SPDX-License-Identifier: GPL-2.0
/*
 * eBPF twin of bench/spin_lock: increment a counter under the bpf_spin_lock of an array
 * map value (the map's BTF from clang -g tells the verifier where the lock is).
 */
#include "../include/bench.h"

static long (*bpf_spin_lock)(struct bpf_spin_lock *lock) = (void *)BPF_FUNC_spin_lock;
static long (*bpf_spin_unlock)(struct bpf_spin_lock *lock) = (void *)BPF_FUNC_spin_unlock;

struct locked {
	struct bpf_spin_lock lock;
	__u32 pad;
	__u64 value;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct locked);
} LOCKED SEC(".maps");

SEC("xdp")
int spin_lock(struct xdp_md *ctx)
{
	__u32 key = 0;
	struct locked *l = bpf_map_lookup_elem(&LOCKED, &key);

	if (!l)
		return XDP_DROP;
	bpf_spin_lock(&l->lock);
	l->value++;
	bpf_spin_unlock(&l->lock);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
