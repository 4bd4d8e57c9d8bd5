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

#define bswap16(x) __builtin_bswap16(x)
#define bswap32(x) __builtin_bswap32(x)

#endif
