//! A spin lock in a queue's value: queue and stack values are Pod only.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

iu::map!(Q: Queue<SpinLocked<u64>>, max_entries = 1);

fn tp(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(tp, "syscalls/sys_enter_getpid");
