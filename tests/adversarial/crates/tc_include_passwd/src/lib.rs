//! Embeds a host file outside the crate (/etc/passwd); the sandbox has no /etc.
#![no_std]

use iu::prelude::*;

static PASSWD: &str = include_str!("/etc/passwd");

fn leak(_ctx: &TracepointContext) -> u32 {
    PASSWD.len() as u32
}

iu::tracepoint!(leak, "syscalls/sys_enter_getpid");
