//! iu-count: counts getpid() calls into `COUNTS[0]` (an array map of the same shape as
//! the eBPF twin's `counts` in tests/fixtures/bpf/shared_count.c, so the two can share it).
#![no_std]

use iu::prelude::*;

iu::map!(COUNTS: Array<u32, u64>, max_entries = 1);

fn iu_count(_ctx: &KprobeContext) -> u32 {
    let n = COUNTS.get(&0).unwrap_or(0);
    COUNTS.set(&0, n + 1);
    0
}

iu::kprobe!(iu_count, "__x64_sys_getpid");
