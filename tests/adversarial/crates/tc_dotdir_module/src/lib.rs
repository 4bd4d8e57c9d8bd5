//! A module in a dot-directory, which the source scan does not walk, reached with
//! #[path]. The scan refuses #[path]; without the scan, the dep-info check refuses the
//! unscanned file (whose #[target_feature] rustc would accept).
#![no_std]

use iu::prelude::*;

#[path = ".hidden/evil.rs"]
mod evil;

fn prog(_ctx: &TracepointContext) -> u32 {
    evil::f()
}

iu::tracepoint!(prog, "syscalls/sys_enter_getpid");
