//! FNV-1a (32-bit) over the 1,500-byte payload, byte by byte; the hash goes to bytes 0..4.
#![no_std]

use iu::prelude::*;

fn fnv1a(ctx: &mut XdpContext) -> XdpAction {
    let d = ctx.data();
    let Some(payload) = d.get(42..42 + 1500) else {
        return XdpAction::Aborted;
    };
    let mut h: u32 = 0x811c_9dc5;
    for &b in payload {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    d[..4].copy_from_slice(&h.to_le_bytes());
    XdpAction::Pass
}

iu::xdp!(fnv1a);
