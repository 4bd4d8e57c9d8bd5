//! iu-xdp-tx: swaps destination and source MAC addresses and returns XDP_TX; drops
//! frames shorter than an Ethernet header. Counts bounced packets in `PACKETS[0]`.
#![no_std]

use iu::prelude::*;

iu::map!(PACKETS: Array<u32, u64>, max_entries = 1);

fn iu_xdp_tx(ctx: &mut XdpContext) -> XdpAction {
    let data = ctx.data();
    if data.len() < 14 {
        return XdpAction::Drop;
    }
    for i in 0..6 {
        data.swap(i, i + 6);
    }
    let n = PACKETS.get(&0).unwrap_or(0);
    PACKETS.set(&0, n + 1);
    XdpAction::Tx
}

iu::xdp!(iu_xdp_tx);
