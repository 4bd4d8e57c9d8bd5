//! A zero-sized field that needs 8-byte alignment makes padding before it.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

iu::pod_struct! {
    pub struct Leak {
        pub a: u8,
        pub z: [u64; 0],
        pub c: [u8; 7],
    }
}

fn tp(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(tp, "syscalls/sys_enter_getpid");
