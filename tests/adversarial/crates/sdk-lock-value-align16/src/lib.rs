//! A SpinLocked<T> whose T needs 16-byte alignment: the kernel's elements are 8-byte aligned.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

iu::map!(L: Array<u32, SpinLocked<u128>>, max_entries = 1);

fn tp(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(tp, "syscalls/sys_enter_getpid");
