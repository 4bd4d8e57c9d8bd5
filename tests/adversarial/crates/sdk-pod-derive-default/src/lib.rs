//! A derive that would replace the all-zero Default (harmless, refused as a conflict).
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

iu::pod_struct! {
    #[derive(Default)]
    pub struct S {
        pub a: u64,
    }
}

fn tp(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(tp, "syscalls/sys_enter_getpid");
