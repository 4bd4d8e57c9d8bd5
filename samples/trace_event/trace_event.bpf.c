// SPDX-License-Identifier: GPL-2.0
/* eBPF twin of samples/trace_event: samples counted per (pid, kernel stack, user stack). */
#include "twin.h"

struct key {
	__u32 pid;
	__s32 kern_stack;
	__s32 user_stack;
	__u32 pad;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10000);
	__type(key, struct key);
	__type(value, __u64);
} COUNTS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 10000);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, 127 * sizeof(__u64));
} STACKS SEC(".maps");

SEC("perf_event")
int sample(void *ctx)
{
	struct key k = {};
	__u64 one = 1, *n;

	k.pid = bpf_get_current_pid_tgid() >> 32;
	k.kern_stack = bpf_get_stackid(ctx, &STACKS, 0);
	k.user_stack = bpf_get_stackid(ctx, &STACKS, BPF_F_USER_STACK);
	bpf_get_current_comm(k.comm, sizeof(k.comm));
	n = bpf_map_lookup_elem(&COUNTS, &k);
	if (n)
		*n += 1;
	else
		bpf_map_update_elem(&COUNTS, &k, &one, BPF_NOEXIST);
	return 0;
}

char _license[] SEC("license") = "GPL";
