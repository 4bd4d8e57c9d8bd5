//! A reference to the locked data used after the guard is dropped (the lock released).
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

iu::map!(L: Array<u32, SpinLocked<u64>>, max_entries = 1);

fn x(ctx: &mut XdpContext) -> XdpAction {
    let r: &mut u64;
    {
        let mut g = L.lock(ctx, &0).unwrap();
        r = &mut *g;
    }
    *r = 1;
    XdpAction::Pass
}

iu::xdp!(x);
