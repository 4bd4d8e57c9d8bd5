// SPDX-License-Identifier: GPL-2.0
/* eBPF twin of samples/ringbuf_events: exec/exit events through a ring buffer. */
#include "twin.h"

struct event {
	__u32 kind;
	__u32 pid;
	__u32 uid;
	__u32 pad;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} EVENTS SEC(".maps");

SEC("tracepoint/sched/sched_process_exec")
int on_exec(void *ctx)
{
	struct event *e = bpf_ringbuf_reserve(&EVENTS, sizeof(*e), 0);

	if (!e)
		return 0;
	e->kind = 1;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->uid = bpf_get_current_uid_gid();
	e->pad = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tracepoint/sched/sched_process_exit")
int on_exit(void *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct event e = {};

	if ((id >> 32) != (__u32)id)
		return 0;
	e.kind = 2;
	e.pid = id >> 32;
	e.uid = bpf_get_current_uid_gid();
	bpf_get_current_comm(e.comm, sizeof(e.comm));
	bpf_ringbuf_output(&EVENTS, &e, sizeof(e), 0);
	return 0;
}

char _license[] SEC("license") = "GPL";
