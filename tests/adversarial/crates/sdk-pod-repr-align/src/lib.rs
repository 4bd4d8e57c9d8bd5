//! #[repr(align(16))] adds trailing padding to an 8-byte struct.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

iu::pod_struct! {
    #[repr(align(16))]
    pub struct Leak {
        pub a: u64,
    }
}

fn tp(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(tp, "syscalls/sys_enter_getpid");
