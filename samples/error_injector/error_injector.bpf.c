// SPDX-License-Identifier: GPL-2.0
/* eBPF twin of samples/error_injector: getpid() returns RC[0] for process TARGET[0]. */
#include "twin.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} TARGET SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} RC SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} HITS SEC(".maps");

SEC("kprobe/__x64_sys_getpid")
int inject_getpid(void *ctx)
{
	__u32 zero = 0, *target = bpf_map_lookup_elem(&TARGET, &zero);
	__u64 *rc, *hits, v = (__u64)-1;

	if (!target || !*target || *target != (bpf_get_current_pid_tgid() >> 32))
		return 0;
	rc = bpf_map_lookup_elem(&RC, &zero);
	if (rc)
		v = *rc;
	if (!bpf_override_return(ctx, v)) {
		hits = bpf_map_lookup_elem(&HITS, &zero);
		if (hits)
			*hits += 1;
	}
	return 0;
}

char _license[] SEC("license") = "GPL";
