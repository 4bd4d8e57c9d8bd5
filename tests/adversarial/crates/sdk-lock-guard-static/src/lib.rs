//! Keeping a lock guard past the invocation in a static: guards are neither Send nor Sync.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

use iu::maps::SpinGuard;

pub static KEPT: Option<SpinGuard<'static, u64>> = None;

fn tp(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(tp, "syscalls/sys_enter_getpid");
