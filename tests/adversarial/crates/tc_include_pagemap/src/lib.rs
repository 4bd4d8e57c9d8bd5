//! Makes rustc read a /proc file that is hundreds of GiB long: the sandbox's address-space
//! limit (4 GiB) stops the read after a few seconds.
#![no_std]

use iu::prelude::*;

static MAP: &[u8] = include_bytes!("/proc/self/pagemap");

fn prog(_ctx: &TracepointContext) -> u32 {
    MAP[0] as u32
}

iu::tracepoint!(prog, "syscalls/sys_enter_getpid");
