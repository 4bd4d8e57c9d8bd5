//! Two XDP programs that never return, for the time from the end of the time budget to
//! the hook getting control back (`kernel.iu_time_budget_ms`, docs/RUNTIME.md). There is
//! no eBPF twin: the verifier refuses a loop it cannot bound.
#![no_std]

use iu::prelude::*;

/// Spins in its own text, no calls: the watchdog's NMI redirects it.
fn runaway_spin(ctx: &mut XdpContext) -> XdpAction {
    let d = ctx.data();
    let mut x = d.len() as u32 | 1;
    // xorshift32 never reaches 0 from a non-zero seed, which LLVM cannot know.
    while x != 0 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
    }
    XdpAction::Pass
}

/// Calls a helper in every iteration: stopped when a helper returns (the helper wrapper).
fn runaway_helper(_ctx: &mut XdpContext) -> XdpAction {
    // The clock never reads 0 after boot.
    while ktime_get_ns() != 0 {}
    XdpAction::Pass
}

iu::xdp!(runaway_spin);
iu::xdp!(runaway_helper);
