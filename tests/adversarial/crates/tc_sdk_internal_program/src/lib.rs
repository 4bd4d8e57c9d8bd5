//! The SDK's internal program macro called directly, pairing a raw-tracepoint hook with
//! an XDP context (the context-confusion hole): names starting with __iu are refused.
#![no_std]

use iu::prelude::*;

fn confused(ctx: &mut XdpContext) -> XdpAction {
    let d = ctx.data();
    if !d.is_empty() {
        d[0] = 0;
    }
    XdpAction::Pass
}

iu::__iu_program!(confused, "sys_enter", XdpContext, |c| confused(&mut c)
    as u32);
