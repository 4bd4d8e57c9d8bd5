#![no_std]

use iu::prelude::*;

#[path = "/tmp/iu-evil.rs"]
mod evil;

fn prog(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(prog, "syscalls/sys_enter_getpid");
