//! The same through cfg_attr.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

iu::pod_struct! {
    #[cfg_attr(all(), repr(align(64)))]
    pub struct Leak {
        pub a: u64,
        pub b: u32,
        pub c: u32,
    }
}

fn tp(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(tp, "syscalls/sys_enter_getpid");
