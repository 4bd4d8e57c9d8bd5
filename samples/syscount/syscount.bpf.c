// SPDX-License-Identifier: GPL-2.0
/* eBPF twin of samples/syscount: per-syscall counts + log2 latency histogram. */
#include "twin.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} TARGET SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 512);
	__type(key, __u32);
	__type(value, __u64);
} COUNTS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} START SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} HIST SEC(".maps");

static __always_inline int wanted(void)
{
	__u32 zero = 0, *t = bpf_map_lookup_elem(&TARGET, &zero);

	return !t || !*t || *t == (bpf_get_current_pid_tgid() >> 32);
}

SEC("raw_tracepoint/sys_enter")
int sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 nr, tid;
	__u64 one = 1, *n, now;

	if (!wanted())
		return 0;
	nr = ctx->args[1];
	n = bpf_map_lookup_elem(&COUNTS, &nr);
	if (n)
		*n += 1;
	else
		bpf_map_update_elem(&COUNTS, &nr, &one, BPF_NOEXIST);
	tid = bpf_get_current_pid_tgid();
	now = bpf_ktime_get_ns();
	bpf_map_update_elem(&START, &tid, &now, BPF_ANY);
	return 0;
}

/* floor(log2(v | 1)) without clz (the BPF backend has none) */
static __always_inline __u32 log2_u64(__u64 v)
{
	__u32 r = 0;

	v |= 1;
	if (v >> 32) { v >>= 32; r += 32; }
	if (v >> 16) { v >>= 16; r += 16; }
	if (v >> 8) { v >>= 8; r += 8; }
	if (v >> 4) { v >>= 4; r += 4; }
	if (v >> 2) { v >>= 2; r += 2; }
	if (v >> 1)
		r += 1;
	return r;
}

SEC("raw_tracepoint/sys_exit")
int sys_exit(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 tid, slot;
	__u64 *t0, delta, *n;

	if (!wanted())
		return 0;
	tid = bpf_get_current_pid_tgid();
	t0 = bpf_map_lookup_elem(&START, &tid);
	if (!t0)
		return 0;
	delta = bpf_ktime_get_ns() - *t0;
	bpf_map_delete_elem(&START, &tid);
	slot = log2_u64(delta);
	n = bpf_map_lookup_elem(&HIST, &slot);
	if (n)
		*n += 1;
	return 0;
}

char _license[] SEC("license") = "GPL";
