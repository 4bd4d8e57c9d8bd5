#![no_std]

use iu::prelude::*;

unsafe fn danger() -> u32 {
    7
}

fn prog(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(prog, "syscalls/sys_enter_getpid");
