//! XDP programs that never return, for the time from the end of the time budget to the
//! hook getting control back (`kernel.iu_time_budget_ms`, docs/RUNTIME.md), and a bounded
//! canary that checks the watchdog works before the endless ones run. There is no eBPF
//! twin: the verifier refuses a loop it cannot bound.
#![no_std]

use iu::prelude::*;

/// One xorshift32 step (never 0 from a non-zero state).
fn step(x: u32) -> u32 {
    let x = x ^ (x << 13);
    let x = x ^ (x >> 17);
    x ^ (x << 5)
}

/// Spins in its own text, no calls: the watchdog's NMI redirects it.
fn runaway_spin(ctx: &mut XdpContext) -> XdpAction {
    let mut x = ctx.data().len() as u32 | 1;
    // Never 0, which LLVM cannot know: the loop does not end.
    while x != 0 {
        x = step(x);
    }
    XdpAction::Pass
}

/// Calls a helper in every iteration: stopped when a helper returns (the helper wrapper).
fn runaway_helper(_ctx: &mut XdpContext) -> XdpAction {
    // The clock never reads 0 after boot.
    while ktime_get_ns() != 0 {}
    XdpAction::Pass
}

/// The same two loops, bounded: byte 0 selects the loop (1 spin, 2 helper), bytes 4..8
/// the iterations (little-endian). Returns `XDP_PASS` if it ran to the end, so a run
/// that the watchdog should have stopped but did not ends anyway.
fn runaway_canary(ctx: &mut XdpContext) -> XdpAction {
    let d = ctx.data();
    if d.len() < 12 {
        return XdpAction::Drop;
    }
    let n = u32::from_le_bytes([d[4], d[5], d[6], d[7]]);
    let mut x = n | 1;
    for _ in 0..n {
        x = step(x);
        if d[0] == 2 {
            x ^= ktime_get_ns() as u32 | 1;
        }
    }
    d[8..12].copy_from_slice(&x.to_le_bytes());
    XdpAction::Pass
}

iu::xdp!(runaway_spin);
iu::xdp!(runaway_helper);
iu::xdp!(runaway_canary);
