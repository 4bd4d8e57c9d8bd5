//! update() with a whole SpinLocked value on a locked hash map: there is no update for
//! SpinLocked values (insert takes the data only).
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

iu::map!(L: Hash<u32, SpinLocked<u64>>, max_entries = 1);

fn x(ctx: &mut XdpContext) -> XdpAction {
    if let Some(g) = L.lock(ctx, &0) {
        let _ = L.update(&0, &*g, BPF_ANY);
    }
    XdpAction::Pass
}

iu::xdp!(x);
