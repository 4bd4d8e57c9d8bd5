//! A loop that never ends (the watchdog must stop it).

use crate::{OUT, bump, byte};
use core::hint::black_box;
use iu::prelude::*;

/// Byte 0: 0 → pass, 1 → loop in program code, 2 → loop calling a helper every turn
/// (the stop then happens when the helper returns), 3 → a loop in program code that ends
/// after `u32 at bytes 4..8` × 1024 turns and returns XDP_PASS (the tests' canary: seconds
/// of work, so XDP_PASS means the watchdog could not stop code in the program's text, and
/// a kernel with that bug is not hung by the endless loops).
pub fn rt_loop(ctx: &mut XdpContext) -> XdpAction {
    bump(5);
    let mode = byte(ctx, 0);
    if mode == 0 {
        return XdpAction::Pass;
    }
    let mut x = black_box(1u64);
    if mode == 3 {
        let turns = (u32::from_le_bytes([byte(ctx, 4), byte(ctx, 5), byte(ctx, 6), byte(ctx, 7)])
            as u64)
            << 10;
        for _ in 0..turns {
            x = black_box(
                x.wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407),
            );
        }
        OUT.set(&11, x);
        return XdpAction::Pass;
    }
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
