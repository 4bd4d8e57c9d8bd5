// SPDX-License-Identifier: GPL-2.0
/* eBPF twin of samples/cpustat: idle/frequency state time per CPU from power tracepoints. */
#include "twin.h"

#define CPUS 8
#define SLOTS 8

struct since {
	__u32 state;
	__u32 pad;
	__u64 ts;
};

/* power/cpu_idle and power/cpu_frequency records: u32 state @ 8, u32 cpu_id @ 12 */
struct power_rec {
	__u64 common;
	__u32 state;
	__u32 cpu_id;
};

#define ARRAY(name, n, vt) \
	struct { \
		__uint(type, BPF_MAP_TYPE_ARRAY); \
		__uint(max_entries, n); \
		__type(key, __u32); \
		__type(value, vt); \
	} name SEC(".maps")

ARRAY(IDLE_SINCE, CPUS, struct since);
ARRAY(IDLE_NS, CPUS * SLOTS, __u64);
ARRAY(IDLE_CNT, CPUS * SLOTS, __u64);
ARRAY(FREQ_SINCE, CPUS, struct since);
ARRAY(PSTATE_NS, CPUS * SLOTS, __u64);

static __always_inline void add(void *map, __u32 key, __u64 v)
{
	__u64 *n = bpf_map_lookup_elem(map, &key);

	if (n)
		*n += v;
}

SEC("tracepoint/power/cpu_idle")
int cpu_idle(struct power_rec *ctx)
{
	__u32 state = ctx->state, cpu = ctx->cpu_id;
	struct since *s;
	__u64 now;

	if (cpu >= CPUS)
		return 0;
	s = bpf_map_lookup_elem(&IDLE_SINCE, &cpu);
	if (!s)
		return 0;
	now = bpf_ktime_get_ns();
	if (state != (__u32)-1) {
		s->state = state;
		s->ts = now;
		return 0;
	}
	if (!s->ts || s->state >= SLOTS)
		return 0;
	add(&IDLE_NS, cpu * SLOTS + s->state, now - s->ts);
	add(&IDLE_CNT, cpu * SLOTS + s->state, 1);
	s->state = 0;
	s->ts = 0;
	return 0;
}

SEC("tracepoint/power/cpu_frequency")
int cpu_frequency(struct power_rec *ctx)
{
	__u32 khz = ctx->state, cpu = ctx->cpu_id, slot;
	struct since *s;
	__u64 now;

	if (cpu >= CPUS)
		return 0;
	s = bpf_map_lookup_elem(&FREQ_SINCE, &cpu);
	if (!s)
		return 0;
	now = bpf_ktime_get_ns();
	if (s->ts) {
		slot = s->state / 500000;
		if (slot > SLOTS - 1)
			slot = SLOTS - 1;
		add(&PSTATE_NS, cpu * SLOTS + slot, now - s->ts);
	}
	s->state = khz;
	s->ts = now;
	return 0;
}

char _license[] SEC("license") = "GPL";
