//! Embeds a file the sandbox does show (the SDK's source) but that lies outside the
//! crate: only the dep-info check after the compile stops it.
#![no_std]

use iu::prelude::*;

static SDK: &str = include_str!("../../../../../sdk/src/lib.rs");

fn leak(_ctx: &TracepointContext) -> u32 {
    SDK.len() as u32
}

iu::tracepoint!(leak, "syscalls/sys_enter_getpid");
