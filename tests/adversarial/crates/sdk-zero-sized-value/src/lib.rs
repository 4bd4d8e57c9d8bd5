//! A zero-sized array value.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

iu::map!(M: Array<u32, [u64; 0]>, max_entries = 4);

fn tp(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(tp, "syscalls/sys_enter_getpid");
