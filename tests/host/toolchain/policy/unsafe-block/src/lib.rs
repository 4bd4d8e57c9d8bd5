#![no_std]

use iu::prelude::*;

fn prog(_ctx: &TracepointContext) -> u32 {
    let p = 0x1000 as *const u32;
    unsafe { core::ptr::read_volatile(p) }
}

iu::tracepoint!(prog, "syscalls/sys_enter_getpid");
