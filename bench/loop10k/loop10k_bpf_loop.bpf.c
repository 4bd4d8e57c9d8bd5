// SPDX-License-Identifier: GPL-2.0
/*
 * The other eBPF form of bench/loop10k: the same 10,000 xorshift32 steps through
 * bpf_loop() (the verifier inlines the helper into a loop that calls the callback once
 * per iteration). Benchmarked as loop10k_bpf_loop to show the bounded loop is the faster
 * eBPF form.
 */
#include "../include/bench.h"

static long (*bpf_loop)(__u32 nr_loops, void *callback_fn, void *callback_ctx,
			__u64 flags) = (void *)BPF_FUNC_loop;

static int step(__u32 index, void *data)
{
	__u32 *x = data;

	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return 0;
}

SEC("xdp")
int loop10k(struct xdp_md *ctx)
{
	unsigned char *p = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 x;

	if ((void *)(p + 46) > end)
		return XDP_ABORTED;
	__builtin_memcpy(&x, p + 42, 4);
	x |= 1;
	bpf_loop(10000, step, &x, 0);
	__builtin_memcpy(p, &x, 4);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
