//! Helper-heavy: eight helper calls per run (six clock reads, the CPU number, a random
//! number); the packet gets whether the clock never went back and the CPU number.
#![no_std]

use iu::prelude::*;

fn helper_calls(ctx: &mut XdpContext) -> XdpAction {
    let d = ctx.data();
    if d.len() < 8 {
        return XdpAction::Aborted;
    }
    let mut t = ktime_get_ns();
    let mut monotonic = 1u8;
    for _ in 0..5 {
        let n = ktime_get_ns();
        if n < t {
            monotonic = 0;
        }
        t = n;
    }
    let cpu = smp_processor_id();
    let r = prandom_u32();
    d[0] = monotonic;
    d[1] = cpu as u8;
    d[2] = (r & 0) as u8;
    XdpAction::Pass
}

iu::xdp!(helper_calls);
