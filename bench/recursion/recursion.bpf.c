// SPDX-License-Identifier: GPL-2.0
/*
 * eBPF twin of bench/recursion: eBPF has no recursion, so depth N (first payload byte, at
 * most 32) is a chain of tail calls of `step` through the prog array JMP, the state
 * (levels left, accumulator) in a per-CPU array. Loaded with `bpftool prog loadall`; the
 * runner puts `step` into JMP[0].
 */
#include "../include/bench.h"

struct state {
	__u32 left;
	__u32 acc;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct state);
} STATE SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} JMP SEC(".maps");

SEC("xdp")
int step(struct xdp_md *ctx)
{
	unsigned char *p = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 key = 0;
	struct state *s = bpf_map_lookup_elem(&STATE, &key);

	if (!s || (void *)(p + 4) > end)
		return XDP_ABORTED;
	if (s->left == 0) {
		__builtin_memcpy(p, &s->acc, 4);
		return XDP_PASS;
	}
	s->acc = s->acc * 31 + s->left;
	s->left--;
	bpf_tail_call(ctx, &JMP, 0);
	return XDP_ABORTED;
}

SEC("xdp")
int recursion(struct xdp_md *ctx)
{
	unsigned char *p = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 key = 0;
	struct state *s = bpf_map_lookup_elem(&STATE, &key);

	if (!s || (void *)(p + 43) > end || p[42] > 32)
		return XDP_ABORTED;
	s->left = p[42];
	s->acc = 0x1234;
	bpf_tail_call(ctx, &JMP, 0);
	return XDP_ABORTED;
}

char _license[] SEC("license") = "GPL";
