//! Keeping a ring-buffer reservation past the invocation in a static.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

use iu::maps::RingBufEntry;

pub static KEPT: Option<RingBufEntry<'static, u64>> = None;

fn tp(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(tp, "syscalls/sys_enter_getpid");
