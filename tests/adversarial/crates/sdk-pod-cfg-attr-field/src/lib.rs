//! The same through cfg_attr.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

iu::pod_struct! {
    pub struct Leak {
        pub a: u8,
        #[cfg_attr(all(), cfg(any()))]
        pub pad: [u8; 7],
        pub b: u64,
    }
}

fn tp(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(tp, "syscalls/sys_enter_getpid");
