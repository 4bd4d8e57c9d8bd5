//! Empty XDP program: the cost of an invocation and nothing else.
#![no_std]

use iu::prelude::*;

fn xdp_empty(_ctx: &mut XdpContext) -> XdpAction {
    XdpAction::Pass
}

iu::xdp!(xdp_empty);
