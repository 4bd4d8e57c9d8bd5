#![no_std]

use iu::prelude::*;

#[derive(Clone, Copy)]
pub struct Evil(bool);

// Forging Pod for a type with invalid bit patterns.
unsafe impl Pod for Evil {}

fn prog(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(prog, "syscalls/sys_enter_getpid");
