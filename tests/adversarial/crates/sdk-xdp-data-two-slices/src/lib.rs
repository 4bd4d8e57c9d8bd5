//! Two live `&mut [u8]` over the same packet from two data() calls.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

fn x(ctx: &mut XdpContext) -> XdpAction {
    let a = ctx.data();
    let b = ctx.data();
    a[0] = b[0];
    XdpAction::Pass
}

iu::xdp!(x);
