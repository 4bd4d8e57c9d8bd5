/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few libbpf-style definitions the eBPF twins of the samples need (no libbpf
 * headers are installed on these machines). Twins are built with
 * `clang -O2 -g -target bpf -I samples/include -c NAME.bpf.c` and loaded with bpftool.
 */
#ifndef IU_TWIN_H
#define IU_TWIN_H

#include <linux/bpf.h>
#include <linux/types.h>

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
#undef __always_inline
#define __always_inline inline __attribute__((always_inline))

#define BPF_HELPER(ret, name, ...) \
	static ret (*bpf_##name)(__VA_ARGS__) = (void *)BPF_FUNC_##name

BPF_HELPER(void *, map_lookup_elem, void *map, const void *key);
BPF_HELPER(long, map_update_elem, void *map, const void *key, const void *value, __u64 flags);
BPF_HELPER(long, map_delete_elem, void *map, const void *key);
BPF_HELPER(long, trace_printk, const char *fmt, __u32 fmt_size, ...);
BPF_HELPER(long, trace_vprintk, const char *fmt, __u32 fmt_size, const void *data, __u32 data_len);
BPF_HELPER(__u64, get_current_pid_tgid, void);
BPF_HELPER(__u64, get_current_uid_gid, void);
BPF_HELPER(long, get_current_comm, void *buf, __u32 size);
BPF_HELPER(__u64, ktime_get_ns, void);
BPF_HELPER(__u32, get_smp_processor_id, void);
BPF_HELPER(long, probe_read_kernel, void *dst, __u32 size, const void *src);
BPF_HELPER(long, probe_read_user, void *dst, __u32 size, const void *src);
BPF_HELPER(long, probe_read_user_str, void *dst, __u32 size, const void *src);
BPF_HELPER(long, xdp_adjust_head, struct xdp_md *xdp, int delta);
BPF_HELPER(long, get_stackid, void *ctx, void *map, __u64 flags);
BPF_HELPER(long, override_return, void *regs, __u64 rc);
BPF_HELPER(long, ringbuf_output, void *rb, void *data, __u64 size, __u64 flags);
BPF_HELPER(void *, ringbuf_reserve, void *rb, __u64 size, __u64 flags);
BPF_HELPER(void, ringbuf_submit, void *data, __u64 flags);
BPF_HELPER(__u64, get_attach_cookie, void *ctx);

#define bpf_printk(fmt, ...) ({ \
	static const char ____fmt[] = fmt; \
	bpf_trace_printk(____fmt, sizeof(____fmt), ##__VA_ARGS__); \
})

/* x86-64 struct pt_regs read as u64 slots, with libbpf's bpf_tracing.h names */
#define PT_REGS_PARM1(x) (((const __u64 *)(x))[14]) /* rdi */
#define PT_REGS_PARM2(x) (((const __u64 *)(x))[13]) /* rsi */
#define PT_REGS_PARM3(x) (((const __u64 *)(x))[12]) /* rdx */
#define PT_REGS_RC(x) (((const __u64 *)(x))[10]) /* rax */
/* the syscall order's 4th register is r10, not rcx */
#define PT_REGS_PARM4_SYSCALL(x) (((const __u64 *)(x))[7])

/* more than 3 values: bpf_trace_vprintk with the values as u64s (pointers cast by the caller) */
#define bpf_vprintk(fmt, ...) ({ \
	static const char ____fmt[] = fmt; \
	unsigned long long ____args[] = { __VA_ARGS__ }; \
	bpf_trace_vprintk(____fmt, sizeof(____fmt), ____args, sizeof(____args)); \
})

/*
 * USDT arguments as libbpf's usdt.bpf.h reads them, from the spec the project's loader
 * writes when it attaches (src/object/usdt.ts; the SDK's UsdtSpec): slot = the BPF
 * cookie, then a constant, a pt_regs slot, or user memory at a register plus an offset.
 * The spec map of a program is named iu_usdt_ + 7 hex digits of the FNV-1a hash of the
 * program's name (usdtMapName).
 */
struct iu_usdt_arg {
	__u64 val;
	__u8 kind, reg, size, sign;
	__u32 pad;
};

struct iu_usdt_spec {
	struct iu_usdt_arg args[12];
	__u32 arg_cnt;
	__u32 used;
	__u64 cookie;
};

#define IU_USDT_SPECS(name) \
	struct { \
		__uint(type, BPF_MAP_TYPE_ARRAY); \
		__uint(max_entries, 256); \
		__type(key, __u32); \
		__type(value, struct iu_usdt_spec); \
	} name SEC(".maps")

static __always_inline long iu_usdt_arg(void *ctx, void *specs, __u32 n, long *res)
{
	__u32 id = bpf_get_attach_cookie(ctx);
	struct iu_usdt_spec *s = bpf_map_lookup_elem(specs, &id);
	struct iu_usdt_arg *a;
	__u64 v = 0, addr;
	int shift;

	if (!s || n >= s->arg_cnt || n >= 12)
		return -2;
	a = &s->args[n];
	if (a->kind != 0 && a->reg >= 21)
		return -22;
	switch (a->kind) {
	case 0:
		v = a->val;
		break;
	case 1:
		if (bpf_probe_read_kernel(&v, sizeof(v), (__u64 *)ctx + a->reg))
			return -14;
		break;
	case 2:
		if (bpf_probe_read_kernel(&addr, sizeof(addr), (__u64 *)ctx + a->reg))
			return -14;
		if (bpf_probe_read_user(&v, a->size & 15, (void *)(addr + a->val)))
			return -14;
		break;
	default:
		return -22;
	}
	shift = 64 - 8 * (a->size & 15);
	if (shift < 0 || shift > 56)
		return -22;
	v <<= shift;
	*res = a->sign ? (long)((__s64)v >> shift) : (long)(v >> shift);
	return 0;
}

#define bswap16(x) __builtin_bswap16(x)
#define bswap32(x) __builtin_bswap32(x)

#endif
