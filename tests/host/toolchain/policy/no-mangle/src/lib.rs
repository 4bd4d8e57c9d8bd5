#![no_std]

use iu::prelude::*;

#[unsafe(no_mangle)]
pub extern "C" fn bpf_trace_printk() -> u32 {
    0
}

fn prog(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(prog, "syscalls/sys_enter_getpid");
