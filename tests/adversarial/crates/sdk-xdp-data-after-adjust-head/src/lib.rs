//! A packet slice used after adjust_head moved the packet's start (stale bounds).
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

fn x(ctx: &mut XdpContext) -> XdpAction {
    let d = ctx.data();
    let _ = ctx.adjust_head(64);
    d[0] = 1;
    XdpAction::Pass
}

iu::xdp!(x);
