// SPDX-License-Identifier: GPL-2.0
/*
 * eBPF twin of samples/uprobe: libbpf-bootstrap's uprobe.bpf.c. The targets are given at
 * attach time (uprobe:PATH:uprobed_add, ...), as the original's user space gives them.
 */
#include "twin.h"

SEC("uprobe")
int uprobe_add(void *ctx)
{
	bpf_printk("uprobed_add ENTRY: a = %d, b = %d", (int)PT_REGS_PARM1(ctx),
		   (int)PT_REGS_PARM2(ctx));
	return 0;
}

SEC("uretprobe")
int uretprobe_add(void *ctx)
{
	bpf_printk("uprobed_add EXIT: return = %d", (int)PT_REGS_RC(ctx));
	return 0;
}

SEC("uprobe")
int uprobe_sub(void *ctx)
{
	bpf_printk("uprobed_sub ENTRY: a = %d, b = %d", (int)PT_REGS_PARM1(ctx),
		   (int)PT_REGS_PARM2(ctx));
	return 0;
}

SEC("uretprobe")
int uretprobe_sub(void *ctx)
{
	bpf_printk("uprobed_sub EXIT: return = %d", (int)PT_REGS_RC(ctx));
	return 0;
}

char _license[] SEC("license") = "GPL";
