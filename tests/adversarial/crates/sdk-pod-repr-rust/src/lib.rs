//! #[repr(Rust)] to let the compiler reorder fields (and so place padding) behind the macro's
//! repr(C): conflicting representation hints (and the offset checks would catch a reorder).
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

iu::pod_struct! {
    #[repr(Rust)]
    pub struct S {
        pub a: u8,
        pub b: u64,
        pub c: [u8; 7],
    }
}

fn tp(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(tp, "syscalls/sys_enter_getpid");
