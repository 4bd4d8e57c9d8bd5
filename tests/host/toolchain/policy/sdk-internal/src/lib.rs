#![no_std]

use iu::prelude::*;

// A name in the SDK's internal namespace: the SDK's hidden macros, modules and
// functions all start with __iu, and a program may not name (or shadow) any of them.
fn __iu_entry(_ctx: &TracepointContext) -> u32 {
    0
}

fn prog(ctx: &TracepointContext) -> u32 {
    __iu_entry(ctx)
}

iu::tracepoint!(prog, "syscalls/sys_enter_getpid");
