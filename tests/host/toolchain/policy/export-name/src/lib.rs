#![no_std]

use iu::prelude::*;

#[unsafe(export_name = "iu_panic")]
pub extern "C" fn hijack() -> u32 {
    0
}

fn prog(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(prog, "syscalls/sys_enter_getpid");
