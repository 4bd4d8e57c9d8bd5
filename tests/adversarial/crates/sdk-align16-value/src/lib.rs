//! A u128 value (16-byte alignment): get/set read it in place from an 8-byte aligned element.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

iu::map!(M: Hash<u32, u128>, max_entries = 4);

fn tp(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(tp, "syscalls/sys_enter_getpid");
