//! A UTF-8 file the compiler read could have been compiled as a module, so it is scanned
//! like source: text holding `unsafe` is refused even when embedded as data.
#![no_std]

use iu::prelude::*;

static NOTES: &str = include_str!("../notes.txt");

fn prog(_ctx: &TracepointContext) -> u32 {
    NOTES.len() as u32
}

iu::tracepoint!(prog, "syscalls/sys_enter_getpid");
