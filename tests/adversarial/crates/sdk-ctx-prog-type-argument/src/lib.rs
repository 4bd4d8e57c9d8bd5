//! A known exploit: the internal program macro called with the program type and the
//! context type as separate arguments (a raw tracepoint whose context is XdpContext). The
//! macro no longer takes a program type at all.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

fn evil(ctx: &mut XdpContext) -> XdpAction {
    ctx.data()[0] = 1;
    XdpAction::Pass
}

iu::__iu_program!(
    evil,
    iu::decl::prog_type::RAW_TRACEPOINT,
    "sys_enter",
    iu::ctx::XdpContext,
    |c| { evil(&mut c) as u32 }
);

fn tp(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(tp, "syscalls/sys_enter_getpid");
