// SPDX-License-Identifier: GPL-2.0
/*
 * eBPF twin of samples/tracex5: decode seccomp-filtered system calls from a kprobe on
 * __seccomp_filter. TASK_STACK_OFF (offsetof(struct task_struct, stack)) is passed with
 * -D by the test, from the running kernel's BTF.
 */
#include "twin.h"

#ifndef TASK_STACK_OFF
#error "build with -DTASK_STACK_OFF=<offsetof(struct task_struct, stack)>"
#endif

BPF_HELPER(__u64, get_current_task, void);

#define THREAD_SIZE 16384
#define PT_REGS_SIZE (21 * 8)

SEC("kprobe/__seccomp_filter")
int seccomp(__u64 *regs)
{
	int nr = (int)regs[14]; /* rdi: this_syscall */
	__u64 task = bpf_get_current_task(), stack = 0, r[21] = {};
	__u64 a0, a1, a2, a3;

	bpf_probe_read_kernel(&stack, sizeof(stack), (void *)(task + TASK_STACK_OFF));
	if (stack)
		bpf_probe_read_kernel(r, sizeof(r), (void *)(stack + THREAD_SIZE - PT_REGS_SIZE));
	a0 = r[14];
	a1 = r[13];
	a2 = r[12];
	a3 = r[7];
	switch (nr) {
	case 0:
		bpf_printk("tracex5: read(fd=%d, count=%d)\n", (int)a0, a2);
		break;
	case 1:
		bpf_printk("tracex5: write(fd=%d, count=%d)\n", (int)a0, a2);
		break;
	case 3:
		bpf_printk("tracex5: close(fd=%d)\n", (int)a0);
		break;
	case 9:
		bpf_printk("tracex5: mmap(len=%d, prot=%d, flags=%x)\n", a1, a2, a3);
		break;
	case 39:
		bpf_printk("tracex5: getpid()\n");
		break;
	case 257:
		bpf_printk("tracex5: openat(dfd=%d, flags=%x, mode=%x)\n", (int)a0, a2, a3);
		break;
	case 231:
		bpf_printk("tracex5: exit_group(status=%d)\n", (int)a0);
		break;
	default:
		bpf_printk("tracex5: syscall %d\n", nr);
	}
	return 0;
}

char _license[] SEC("license") = "GPL";
