// SPDX-License-Identifier: GPL-2.0
/*
 * eBPF twin of samples/ksyscall: libbpf-bootstrap's ksyscall.bpf.c, written without
 * BPF_KSYSCALL: a kprobe on the syscall's x86-64 wrapper reads the syscall's arguments
 * from the user registers its first argument points to.
 */
#include "twin.h"

#define TASK_COMM_LEN 16

static __always_inline __u64 sys_arg(void *ctx, int slot)
{
	const __u64 *user = (const __u64 *)PT_REGS_PARM1(ctx);
	__u64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), &user[slot]);
	return v;
}

SEC("kprobe/__x64_sys_tgkill")
int tgkill_entry(void *ctx)
{
	int tgid = sys_arg(ctx, 14), tid = sys_arg(ctx, 13), sig = sys_arg(ctx, 12);
	__u32 caller_pid = bpf_get_current_pid_tgid() >> 32;
	char comm[TASK_COMM_LEN];

	if (sig == 0)
		return 0;
	bpf_get_current_comm(&comm, sizeof(comm));
	bpf_vprintk("tgkill syscall called by PID %d (%s) for thread id %d with pid %d and signal %d.",
		    caller_pid, (long)comm, tid, tgid, sig);
	return 0;
}

SEC("kprobe/__x64_sys_kill")
int entry_probe(void *ctx)
{
	int pid = sys_arg(ctx, 14), sig = sys_arg(ctx, 13);
	__u32 caller_pid = bpf_get_current_pid_tgid() >> 32;
	char comm[TASK_COMM_LEN];

	if (sig == 0)
		return 0;
	bpf_get_current_comm(&comm, sizeof(comm));
	bpf_vprintk("KILL syscall called by PID %d (%s) for PID %d with signal %d.", caller_pid,
		    (long)comm, pid, sig);
	return 0;
}

char _license[] SEC("license") = "GPL";
