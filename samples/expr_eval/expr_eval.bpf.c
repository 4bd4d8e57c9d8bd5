// SPDX-License-Identifier: GPL-2.0
/*
 * The closest eBPF attempt at samples/expr_eval: the same recursive evaluator in C. It
 * compiles, but the verifier refuses it ("recursive call"): eBPF has no recursion, and
 * rewriting it with an explicit stack needs a loop whose trip count depends on the
 * packet, bounded only by unrolling the worst case. The test records the refusal.
 */
#include "twin.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} RESULT SEC(".maps");

struct cursor {
	__u8 *p;
	__u8 *end;
	__u64 nodes;
};

static __attribute__((noinline)) long eval(struct cursor *c, int depth, int *ok)
{
	__u8 t;
	long l, r;

	if (depth > 64 || c->p + 1 > c->end) {
		*ok = 0;
		return 0;
	}
	t = *c->p;
	c->p++;
	c->nodes++;
	if (t >= '0' && t <= '9')
		return t - '0';
	if (t == '~')
		return -eval(c, depth + 1, ok);
	if (t == '+' || t == '-' || t == '*') {
		l = eval(c, depth + 1, ok);
		r = eval(c, depth + 1, ok);
		return t == '+' ? l + r : t == '-' ? l - r : l * r;
	}
	*ok = 0;
	return 0;
}

SEC("xdp")
int expr_eval(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct cursor c;
	__u32 k0 = 0, k1 = 1;
	int ok = 1;
	__u8 *ip;
	long v;

	if (data + 42 > end || bswap16(*(__u16 *)(data + 12)) != 0x0800)
		return XDP_PASS;
	ip = data + 14;
	if (ip[0] != 0x45 || ip[9] != 17 || bswap16(*(__u16 *)(ip + 22)) != 7777)
		return XDP_PASS;
	c.p = ip + 28;
	c.end = end;
	c.nodes = 0;
	v = eval(&c, 0, &ok);
	if (!ok || c.p != c.end)
		return XDP_DROP;
	bpf_map_update_elem(&RESULT, &k0, &v, BPF_ANY);
	bpf_map_update_elem(&RESULT, &k1, &c.nodes, BPF_ANY);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
