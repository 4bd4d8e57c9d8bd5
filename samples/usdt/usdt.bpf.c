// SPDX-License-Identifier: GPL-2.0
/*
 * eBPF twin of samples/usdt: libbpf-bootstrap's usdt.bpf.c, with BPF_USDT's argument
 * decoding done by twin.h's iu_usdt_arg from the spec the project's loader attaches
 * with (as libbpf's usdt.bpf.h does from libbpf's). The targets are given at attach time.
 */
#include "twin.h"

/* iu_usdt_ + FNV-1a of each program's name, as the loader finds them */
IU_USDT_SPECS(iu_usdt_d93f3dd);
IU_USDT_SPECS(iu_usdt_c27c2b8);
IU_USDT_SPECS(iu_usdt_37e60a7);

SEC("usdt")
int usdt_auto_attach(void *ctx)
{
	long arg1, arg2, arg3;

	if (iu_usdt_arg(ctx, &iu_usdt_d93f3dd, 0, &arg1) ||
	    iu_usdt_arg(ctx, &iu_usdt_d93f3dd, 1, &arg2) ||
	    iu_usdt_arg(ctx, &iu_usdt_d93f3dd, 2, &arg3))
		return 0;
	bpf_printk("USDT auto attach to usdt_target:jump: arg1 = %lx, arg2 = %d, arg3 = %lx",
		   arg1, (int)arg2, arg3);
	return 0;
}

SEC("usdt")
int usdt_manual_attach(void *ctx)
{
	long arg1, arg2, arg3;

	if (iu_usdt_arg(ctx, &iu_usdt_c27c2b8, 0, &arg1) ||
	    iu_usdt_arg(ctx, &iu_usdt_c27c2b8, 1, &arg2) ||
	    iu_usdt_arg(ctx, &iu_usdt_c27c2b8, 2, &arg3))
		return 0;
	bpf_printk("USDT manual attach to usdt_target:jump: arg1 = %lx, arg2 = %d, arg3 = %lx",
		   arg1, (int)arg2, arg3);
	return 0;
}

SEC("usdt")
int usdt_tick(void *ctx)
{
	__u32 id = bpf_get_attach_cookie(ctx);
	struct iu_usdt_spec *s = bpf_map_lookup_elem(&iu_usdt_37e60a7, &id);
	long big, neg, c, k, mem;

	if (!s || iu_usdt_arg(ctx, &iu_usdt_37e60a7, 0, &big) ||
	    iu_usdt_arg(ctx, &iu_usdt_37e60a7, 1, &neg) ||
	    iu_usdt_arg(ctx, &iu_usdt_37e60a7, 2, &c) ||
	    iu_usdt_arg(ctx, &iu_usdt_37e60a7, 3, &k) ||
	    iu_usdt_arg(ctx, &iu_usdt_37e60a7, 4, &mem))
		return 0;
	bpf_vprintk("USDT tick: %d args: %ld %d %c %d %d", s->arg_cnt, big, (int)neg, (__u8)c,
		    (int)k, (int)mem);
	return 0;
}

char _license[] SEC("license") = "GPL";
