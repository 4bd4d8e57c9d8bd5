//! A spin lock in a per-CPU map (the kernel supports bpf_spin_lock only in hash and array
//! maps): per-CPU and LRU maps hold Pod values only.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

iu::map!(L: PerCpuArray<u32, SpinLocked<u64>>, max_entries = 1);
iu::map!(M: LruHash<u32, SpinLocked<u64>>, max_entries = 1);

fn tp(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(tp, "syscalls/sys_enter_getpid");
