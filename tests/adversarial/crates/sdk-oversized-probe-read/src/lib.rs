//! A probe read of more than u32::MAX bytes: the helper's size would be truncated and the rest
//! of the value claimed initialised.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

fn tp(_ctx: &TracepointContext) -> u32 {
    match probe_read_kernel::<[u8; 4294967297]>(0xffff_ffff_8100_0000) {
        Some(b) => b[4294967296] as u32,
        None => 0,
    }
}

iu::tracepoint!(tp, "syscalls/sys_enter_getpid");
