//! A handler that asks for XdpContext<'static> (to keep something from the run): the entry
//! passes a context whose lifetime is the handler call's own.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

fn evil(ctx: &mut XdpContext<'static>) -> XdpAction {
    let _ = ctx.len();
    XdpAction::Pass
}

iu::xdp!(evil);
