#![no_std]

use iu::prelude::*;

#[target_feature(enable = "avx2")]
fn fast() -> u32 {
    1
}

fn prog(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(prog, "syscalls/sys_enter_getpid");
