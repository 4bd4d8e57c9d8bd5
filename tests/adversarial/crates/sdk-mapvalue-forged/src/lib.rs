//! Implementing the (safe) MapValue trait for a type with a reference in it: it is sealed.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

#[derive(Clone, Copy)]
pub struct Evil(pub &'static u64);

impl iu::MapValue for Evil {
    const IU_FLAGS: u32 = 0;
}

fn tp(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(tp, "syscalls/sys_enter_getpid");
