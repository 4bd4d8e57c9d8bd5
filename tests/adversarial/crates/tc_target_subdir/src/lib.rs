//! A module in a directory named `target` below src/: the source scan used to skip every
//! directory of that name, so its `unsafe` was seen only by rustc.
#![no_std]

use iu::prelude::*;

mod target;

fn prog(_ctx: &TracepointContext) -> u32 {
    target::peek()
}

iu::tracepoint!(prog, "syscalls/sys_enter_getpid");
