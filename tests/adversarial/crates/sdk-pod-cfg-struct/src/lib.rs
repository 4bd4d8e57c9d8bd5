//! #[cfg] on the struct itself: the checks and the Pod impl name a type that is gone.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

iu::pod_struct! {
    #[cfg(any())]
    pub struct S {
        pub a: u8,
        pub b: u64,
    }
}

fn tp(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(tp, "syscalls/sys_enter_getpid");
