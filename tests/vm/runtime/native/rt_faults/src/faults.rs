//! Panics: an out-of-bounds index, `unwrap()` on `None`, an explicit `panic!`.

use crate::{OUT, SLOTS, bump, byte};
use iu::prelude::*;

/// Byte 0: 0 → index 1 (fine), else index byte 1 of a 4-element table.
pub fn rt_oob(ctx: &mut XdpContext) -> XdpAction {
    bump(0);
    let table = [10u64, 20, 30, 40];
    let i = if byte(ctx, 0) == 0 {
        1
    } else {
        byte(ctx, 1) as usize
    };
    let v = table[core::hint::black_box(i)]; // PANIC-SITE: oob
    OUT.set(&8, v);
    XdpAction::Pass
}

/// Byte 0: 0 → look up key 1 (present), else key byte 1 (absent unless 1).
pub fn rt_unwrap(ctx: &mut XdpContext) -> XdpAction {
    bump(1);
    let key = if byte(ctx, 0) == 0 {
        1
    } else {
        byte(ctx, 1) as u32
    };
    let v = SLOTS.get(&key).unwrap(); // PANIC-SITE: unwrap
    OUT.set(&9, v);
    XdpAction::Pass
}

/// Byte 0: 0 → pass, else `panic!` with byte 1 in the message.
pub fn rt_panic(ctx: &mut XdpContext) -> XdpAction {
    bump(2);
    let arg = byte(ctx, 1);
    if byte(ctx, 0) != 0 {
        panic!("explicit panic, arg {}", arg); // PANIC-SITE: panic
    }
    XdpAction::Pass
}

/// tc: byte 0 of the frame: 0 → TC_ACT_OK, else panic (the default is TC_ACT_SHOT).
pub fn rt_tc_panic(ctx: &mut TcContext) -> TcAction {
    bump(6);
    let mut b = [0u8; 1];
    let _ = ctx.load_bytes(0, &mut b);
    if b[0] != 0 {
        panic!("tc panic"); // PANIC-SITE: tc
    }
    TcAction::Ok
}
