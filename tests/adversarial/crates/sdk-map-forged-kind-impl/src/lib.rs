//! Implementing the (safe) MapKind trait for a forged record: it is sealed.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

pub struct Evil {
    pub rest: [u64; 8],
}

impl iu::MapKind for Evil {}

fn tp(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(tp, "syscalls/sys_enter_getpid");
