//! A known hang: get() copies the lock word while the guard holds it, set() writes it
//! back. SpinLocked values have no get/set/update (they are not Pod).
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

iu::map!(L: Array<u32, SpinLocked<u64>>, max_entries = 1);

fn x(ctx: &mut XdpContext) -> XdpAction {
    let g = L.lock(ctx, &0);
    let copy = L.get(&0);
    drop(g);
    if let Some(v) = copy {
        L.set(&0, v);
    }
    XdpAction::Pass
}

iu::xdp!(x);
