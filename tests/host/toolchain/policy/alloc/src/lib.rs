#![no_std]

use iu::prelude::*;

extern crate alloc;

fn prog(_ctx: &TracepointContext) -> u32 {
    let v: alloc::vec::Vec<u32> = alloc::vec![1, 2];
    v[0]
}

iu::tracepoint!(prog, "syscalls/sys_enter_getpid");
