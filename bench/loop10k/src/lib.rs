//! A loop of 10,000 xorshift32 steps seeded from the payload; the result goes to bytes 0..4.
#![no_std]

use iu::prelude::*;

fn loop10k(ctx: &mut XdpContext) -> XdpAction {
    let d = ctx.data();
    if d.len() < 46 {
        return XdpAction::Aborted;
    }
    let mut x = u32::from_le_bytes([d[42], d[43], d[44], d[45]]) | 1;
    for _ in 0..10_000 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
    }
    d[..4].copy_from_slice(&x.to_le_bytes());
    XdpAction::Pass
}

iu::xdp!(loop10k);
