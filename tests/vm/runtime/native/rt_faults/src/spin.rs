//! A loop that never ends (the watchdog must stop it).

use crate::{OUT, bump, byte};
use core::hint::black_box;
use iu::prelude::*;

/// Byte 0: 0 → pass, 1 → loop in program code, 2 → loop calling a helper every turn
/// (the stop then happens when the helper returns).
pub fn rt_loop(ctx: &mut XdpContext) -> XdpAction {
    bump(5);
    let mode = byte(ctx, 0);
    if mode == 0 {
        return XdpAction::Pass;
    }
    let mut x = black_box(1u64);
    loop {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        if mode == 2 {
            x ^= ktime_get_ns();
        }
        // Never true for the modes the tests send; opaque to the compiler.
        if black_box(x) == 0 && mode == 0xee {
            break;
        }
    }
    OUT.set(&11, x);
    XdpAction::Pass
}
