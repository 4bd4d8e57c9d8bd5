#![no_std]

use iu::prelude::*;

include!("/tmp/iu-evil.rs");

fn prog(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(prog, "syscalls/sys_enter_getpid");
