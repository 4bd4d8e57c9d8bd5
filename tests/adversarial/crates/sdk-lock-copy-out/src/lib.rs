//! Copying a SpinLocked value (lock word included) out of a guard or a reference: SpinLocked
//! is neither Copy nor Clone, and a pod_struct! cannot hold one.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

iu::pod_struct! {
    pub struct Holder {
        pub inner: SpinLocked<u64>,
    }
}

fn tp(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(tp, "syscalls/sys_enter_getpid");
