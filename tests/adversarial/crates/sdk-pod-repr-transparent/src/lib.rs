//! #[repr(transparent)] next to the macro's repr(C).
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

iu::pod_struct! {
    #[repr(transparent)]
    pub struct S {
        pub a: u64,
    }
}

fn tp(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(tp, "syscalls/sys_enter_getpid");
