#![no_std]

use iu::prelude::*;

#[unsafe(link_section = ".iu.progs")]
#[used]
pub static FAKE: [u8; 256] = [0; 256];

fn prog(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(prog, "syscalls/sys_enter_getpid");
