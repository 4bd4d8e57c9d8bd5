// SPDX-License-Identifier: GPL-2.0
/*
 * eBPF twin of bench/helper_calls: eight helper calls per run (six clock reads, the CPU
 * number, a random number); the packet gets whether the clock never went back and the
 * CPU number.
 */
#include "../include/bench.h"

static __u64 (*bpf_ktime_get_ns)(void) = (void *)BPF_FUNC_ktime_get_ns;
static __u32 (*bpf_get_smp_processor_id)(void) = (void *)BPF_FUNC_get_smp_processor_id;
static __u32 (*bpf_get_prandom_u32)(void) = (void *)BPF_FUNC_get_prandom_u32;

SEC("xdp")
int helper_calls(struct xdp_md *ctx)
{
	unsigned char *p = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u64 t, n;
	__u8 monotonic = 1;
	__u32 cpu, r;
	int i;

	if ((void *)(p + 8) > end)
		return XDP_ABORTED;
	t = bpf_ktime_get_ns();
	for (i = 0; i < 5; i++) {
		n = bpf_ktime_get_ns();
		if (n < t)
			monotonic = 0;
		t = n;
	}
	cpu = bpf_get_smp_processor_id();
	r = bpf_get_prandom_u32();
	p[0] = monotonic;
	p[1] = cpu;
	p[2] = r & 0;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
