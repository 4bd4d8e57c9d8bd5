//! As tc_include_key_bytes, with include_str!.
#![no_std]

use iu::prelude::*;

static KEY: &str = include_str!("/root/.config/iu/keys/signing-key.pem");

fn leak(_ctx: &TracepointContext) -> u32 {
    KEY.len() as u32
}

iu::tracepoint!(leak, "syscalls/sys_enter_getpid");
