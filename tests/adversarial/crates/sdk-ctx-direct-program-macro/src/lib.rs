//! The internal program macro called directly with XdpContext and a raw tracepoint's attach
//! string: it compiles, but the program type comes from the context type, so the image
//! declares an XDP program (the attach string is then an interface name nobody has).
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

fn evil(ctx: &mut XdpContext) -> XdpAction {
    ctx.data()[0] = 1;
    XdpAction::Pass
}

iu::__iu_program!(evil, "sys_enter", iu::ctx::XdpContext, |c| {
    evil(&mut c) as u32
});
