//! A raw tracepoint declared with an XDP handler: the public macro builds the raw tracepoint's
//! own context, so the handler's signature does not match.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

fn evil(ctx: &mut XdpContext) -> XdpAction {
    ctx.data()[0] = 1;
    XdpAction::Pass
}

iu::raw_tracepoint!(evil, "sys_enter");
