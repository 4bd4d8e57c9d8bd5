//! Recursion to depth N (N = first payload byte, at most 32): one call per level, the
//! result of each level passed through `black_box` so it stays a real call. Compared with
//! the eBPF twin, which needs a chain of tail calls for the same depth.
#![no_std]

use iu::prelude::*;

fn rec(left: u32, acc: u32) -> u32 {
    if left == 0 {
        return acc;
    }
    core::hint::black_box(rec(left - 1, acc.wrapping_mul(31).wrapping_add(left)))
}

fn recursion(ctx: &mut XdpContext) -> XdpAction {
    let d = ctx.data();
    if d.len() < 43 || d[42] > 32 {
        return XdpAction::Aborted;
    }
    let r = rec(d[42] as u32, 0x1234);
    d[..4].copy_from_slice(&r.to_le_bytes());
    XdpAction::Pass
}

iu::xdp!(recursion);
