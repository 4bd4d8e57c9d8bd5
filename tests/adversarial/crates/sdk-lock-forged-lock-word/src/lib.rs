//! Building a SpinLocked value with the lock word set: its fields are private and there is no
//! constructor.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

pub fn forged() -> SpinLocked<u64> {
    SpinLocked {
        lock: 1,
        pad: 0,
        value: 0,
    }
}

fn tp(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(tp, "syscalls/sys_enter_getpid");
