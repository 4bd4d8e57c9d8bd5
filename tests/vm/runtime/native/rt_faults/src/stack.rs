//! Stack overflows: unbounded recursion, and single frames too big for the program stack.

use crate::{OUT, bump, byte};
use core::hint::black_box;
use iu::prelude::*;

/// Recursion that is not a tail call (the sum comes after the call) with a 256-byte frame.
#[inline(never)]
fn descend(n: u64, limit: u64) -> u64 {
    let mut pad = [0u64; 32];
    pad[(n % 32) as usize] = n;
    let pad = black_box(pad);
    if n >= limit {
        return pad[(n % 32) as usize];
    }
    descend(n + 1, limit).wrapping_add(pad[(n % 7) as usize])
}

/// Byte 0: 0 → depth 16 (fine), else no limit.
pub fn rt_recurse(ctx: &mut XdpContext) -> XdpAction {
    bump(3);
    let limit = if byte(ctx, 0) == 0 { 16 } else { u64::MAX };
    OUT.set(&10, descend(0, black_box(limit)));
    XdpAction::Pass
}

/// A frame of `N` bytes that is written and read in full (`black_box` keeps the array).
#[inline(never)]
fn frame<const N: usize>(seed: u8) -> u64 {
    let mut a = [0u8; N];
    for (i, b) in a.iter_mut().enumerate() {
        *b = (i as u8) ^ seed;
    }
    let a = black_box(&mut a);
    a.iter().map(|&x| x as u64).sum()
}

/// Byte 0: 0 → a 4 KiB frame (fine), 1 → 64 KiB (past the whole 32 KiB stack: the guard
/// page), 2 → 28 KiB (ends inside the stack's 8 KiB reserve: the entry check).
pub fn rt_bigframe(ctx: &mut XdpContext) -> XdpAction {
    bump(4);
    let seed = byte(ctx, 1);
    let s = match byte(ctx, 0) {
        0 => frame::<4096>(seed),
        1 => frame::<65536>(seed),
        _ => frame::<28672>(seed),
    };
    OUT.set(&12, s);
    XdpAction::Pass
}

/// A step of recursion the call graph cannot see: the next call goes through a pointer.
#[inline(never)]
fn step_fn(n: u64, limit: u64, next: fn(u64, u64, u64) -> u64) -> u64 {
    let pad = black_box([n; 16]);
    if n >= limit {
        return pad[(n % 16) as usize];
    }
    black_box(next)(n + 1, limit, 0).wrapping_add(pad[(n % 5) as usize])
}

fn via_fn(n: u64, limit: u64, _: u64) -> u64 {
    step_fn(n, limit, via_fn)
}

trait Step {
    fn step(&self, n: u64, limit: u64) -> u64;
}

struct Down;

impl Step for Down {
    #[inline(never)]
    fn step(&self, n: u64, limit: u64) -> u64 {
        let pad = black_box([n; 16]);
        if n >= limit {
            return pad[(n % 16) as usize];
        }
        let next: &dyn Step = black_box(self);
        next.step(n + 1, limit).wrapping_add(pad[(n % 3) as usize])
    }
}

/// Byte 0: 0 → depth 16 (fine), else no limit; recursion through a function pointer.
pub fn rt_recurse_fn(ctx: &mut XdpContext) -> XdpAction {
    bump(7);
    let limit = if byte(ctx, 0) == 0 { 16 } else { u64::MAX };
    OUT.set(&13, via_fn(0, black_box(limit), 0));
    XdpAction::Pass
}

/// The same through a `&dyn` trait object.
pub fn rt_recurse_dyn(ctx: &mut XdpContext) -> XdpAction {
    bump(15);
    let limit = if byte(ctx, 0) == 0 { 16 } else { u64::MAX };
    let d: &dyn Step = black_box(&Down);
    OUT.set(&14, d.step(0, black_box(limit)));
    XdpAction::Pass
}
