//! The flag as a plain number mixed with another flag (BPF_F_NO_PREALLOC | 0x80).
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

iu::map!(H: Hash<u32, u64>, max_entries = 4, flags = 1 | 0x80);

fn tp(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(tp, "syscalls/sys_enter_getpid");
