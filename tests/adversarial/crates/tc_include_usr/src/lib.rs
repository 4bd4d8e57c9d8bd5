//! Embeds a file under /usr (visible in the sandbox, outside the crate): refused by the
//! dep-info check.
#![no_std]

use iu::prelude::*;

static CORE: &[u8] = include_bytes!("/usr/lib/rustlib/src/rust/library/core/src/lib.rs");

fn leak(_ctx: &TracepointContext) -> u32 {
    CORE[0] as u32
}

iu::tracepoint!(leak, "syscalls/sys_enter_getpid");
