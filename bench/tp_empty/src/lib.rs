//! Empty tracepoint program on syscalls/sys_enter_getpid, timed through a getpid() loop.
#![no_std]

use iu::prelude::*;

fn tp_empty(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(tp_empty, "syscalls/sys_enter_getpid");
