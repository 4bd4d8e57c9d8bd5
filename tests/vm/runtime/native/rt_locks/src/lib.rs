//! rt_locks: XDP programs for tests/vm/runtime/locks.test.ts that fault while holding a
//! `bpf_spin_lock` or a ring-buffer reservation. The runtime must release what an
//! invocation still holds when it ends (return, panic, watchdog stop), so the next
//! invocation takes the same lock / reserves again and completes.
//! Packet byte 0 selects the mode (0: normal), byte 1 the map (0: array, 1: hash), bytes
//! 4..8 a sequence number for ring-buffer records.
#![no_std]

use core::hint::black_box;
use iu::prelude::*;

iu::pod_struct! {
    /// The data behind each lock.
    pub struct Counter {
        pub n: u64,
        pub last: u64,
    }
    /// One ring-buffer record.
    pub struct Rec {
        pub seq: u32,
        pub mode: u32,
        pub magic: u64,
    }
}

iu::map!(ALOCK: Array<u32, SpinLocked<Counter>>, max_entries = 1);
iu::map!(HLOCK: Hash<u32, SpinLocked<Counter>>, max_entries = 2);
/// One page: 170 records of 24 bytes (8-byte header) fill it if nothing is consumed.
iu::map!(EVENTS: RingBuf, max_entries = 4096);
/// [0] rt_lock runs, [1] rt_ringbuf runs, [2] failed reservations.
iu::map!(STATS: Array<u32, u64>, max_entries = 4);

fn bump(i: u32) {
    let n = STATS.get(&i).unwrap_or(0);
    STATS.set(&i, n + 1);
}

fn byte(ctx: &mut XdpContext, i: usize) -> u8 {
    ctx.data().get(i).copied().unwrap_or(0)
}

/// Spins until the watchdog stops the program (the exit is never taken); with `helper`,
/// calls a helper every turn (the stop then happens when the helper returns, which does
/// not need the watchdog's NMI to interrupt program code).
fn forever(seed: u64, helper: bool) -> u64 {
    let mut x = black_box(seed);
    loop {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        if helper {
            x ^= ktime_get_ns();
        }
        if black_box(x) == 0 && black_box(seed) == 0xdead {
            return x;
        }
    }
}

/// Modes: 0 → `n += 1` under the lock, XDP_PASS; 1 → panic inside `with_lock`;
/// 2 → loop forever inside `with_lock`; 3 → `lock()`, `n += 1`, `mem::forget` the guard,
/// return XDP_PASS normally; 4 → `lock()`, forget, panic; 5 → a second lock (the other
/// map) while one is held; 6 → loop forever holding a `lock()` guard; 7 and 8 → as 2 and
/// 6, calling a helper every turn (a panic: no helper may run under a spin lock).
/// Returns XDP_DROP when the element is missing.
fn rt_lock(ctx: &mut XdpContext) -> XdpAction {
    bump(0);
    let mode = byte(ctx, 0);
    let hash = byte(ctx, 1) == 1;
    let done = match mode {
        0 => with(ctx, hash, |c| {
            c.n += 1;
            c.last = 0;
        }),
        1 => with(ctx, hash, |c| {
            c.last = 1;
            panic!("panic holding the lock"); // PANIC-SITE: lock-panic
        }),
        2 | 7 => with(ctx, hash, |c| {
            c.last = forever(c.n, mode == 7);
        }),
        3 => {
            let g = if hash {
                HLOCK.lock(ctx, &0)
            } else {
                ALOCK.lock(ctx, &0)
            };
            match g {
                Some(mut g) => {
                    g.n += 1;
                    g.last = 3;
                    core::mem::forget(g);
                    true
                }
                None => false,
            }
        }
        4 => {
            let g = if hash {
                HLOCK.lock(ctx, &0)
            } else {
                ALOCK.lock(ctx, &0)
            };
            if let Some(g) = g {
                core::mem::forget(g);
                panic!("panic after forgetting the guard"); // PANIC-SITE: forget-panic
            }
            false
        }
        5 => {
            let a = ALOCK.lock(ctx, &0);
            let h = HLOCK.lock(ctx, &0); // the runtime refuses this: a panic
            a.is_some() && h.is_some()
        }
        _ => {
            let g = if hash {
                HLOCK.lock(ctx, &0)
            } else {
                ALOCK.lock(ctx, &0)
            };
            match g {
                Some(mut g) => {
                    g.last = forever(g.n, mode == 8);
                    true
                }
                None => false,
            }
        }
    };
    if done {
        XdpAction::Pass
    } else {
        XdpAction::Drop
    }
}

fn with(ctx: &XdpContext, hash: bool, f: impl FnOnce(&mut Counter)) -> bool {
    if hash {
        HLOCK.with_lock(ctx, &0, f).is_some()
    } else {
        ALOCK.with_lock(ctx, &0, f).is_some()
    }
}

/// Modes: 0 → reserve, write, submit (XDP_PASS; XDP_DROP if the reservation fails);
/// 1 → reserve, write, panic; 2 → reserve, write, `mem::forget`, return normally;
/// 3 → reserve, write, loop forever; 4 → the same calling a helper every turn.
fn rt_ringbuf(ctx: &mut XdpContext) -> XdpAction {
    bump(1);
    let mode = byte(ctx, 0);
    let seq = u32::from_le_bytes([byte(ctx, 4), byte(ctx, 5), byte(ctx, 6), byte(ctx, 7)]);
    let Some(mut r) = EVENTS.reserve::<Rec>() else {
        bump(2);
        return XdpAction::Drop;
    };
    r.seq = seq;
    r.mode = mode as u32;
    r.magic = 0x005e_ed00_f00d;
    match mode {
        0 => r.submit(0),
        1 => panic!("panic holding a ring-buffer record {}", seq), // PANIC-SITE: ringbuf-panic
        2 => core::mem::forget(r),
        _ => {
            r.magic = forever(seq as u64, mode == 4);
        }
    }
    XdpAction::Pass
}

iu::xdp!(rt_lock);
iu::xdp!(rt_ringbuf);
