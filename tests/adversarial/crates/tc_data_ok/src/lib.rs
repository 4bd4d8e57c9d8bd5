//! Data inside the crate may be embedded: include_bytes! of a binary file of the crate.
#![no_std]

use iu::prelude::*;

static TABLE: &[u8] = include_bytes!("../table.bin");

fn prog(_ctx: &TracepointContext) -> u32 {
    TABLE[1] as u32
}

iu::tracepoint!(prog, "syscalls/sys_enter_getpid");
