// SPDX-License-Identifier: GPL-2.0
/* eBPF twin of samples/map: getpid() calls per tgid in a hash map. */
#include "twin.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} COUNTS SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getpid")
int count_getpid(void *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	__u64 one = 1, *n = bpf_map_lookup_elem(&COUNTS, &pid);

	if (n)
		*n += 1;
	else
		bpf_map_update_elem(&COUNTS, &pid, &one, BPF_NOEXIST);
	return 0;
}

char _license[] SEC("license") = "GPL";
