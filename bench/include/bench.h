/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few definitions the eBPF twins of the benchmarks need. No libbpf headers are
 * installed here, so they are spelled out (as in tests/fixtures/bpf). Twins are built
 * with `clang -O2 -g -target bpf -c` and loaded with `bpftool prog load`.
 */
#ifndef IU_BENCH_H
#define IU_BENCH_H

#include <linux/bpf.h>

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
#undef __always_inline
#define __always_inline inline __attribute__((always_inline))

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)BPF_FUNC_map_lookup_elem;
static long (*bpf_map_update_elem)(void *map, const void *key, const void *value,
				   __u64 flags) = (void *)BPF_FUNC_map_update_elem;
static long (*bpf_tail_call)(void *ctx, void *map, __u32 index) = (void *)BPF_FUNC_tail_call;

/* Packet layout of every XDP benchmark: Ethernet (14) + IPv4 (20) + UDP (8) + payload. */
#define PAYLOAD_OFF 42
#define PAYLOAD_LEN 1500

#endif
