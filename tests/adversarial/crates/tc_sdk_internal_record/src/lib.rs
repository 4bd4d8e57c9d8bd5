//! A program record built by hand from the SDK's private module: refused by name.
#![no_std]

use iu::__iu_private::ProgDef;
use iu::prelude::*;

fn prog(_ctx: &TracepointContext) -> u32 {
    0
}

const _: Option<ProgDef> = None;

iu::tracepoint!(prog, "syscalls/sys_enter_getpid");
