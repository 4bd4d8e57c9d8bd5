//! rt_nested: a native kprobe program that runs nested inside a native XDP program
//! (tests/vm/runtime/nested.test.ts). `rt_outer` (XDP, level 0: the entry stub's own path)
//! calls `bpf_get_prandom_u32` once per run; `rt_inner`, a kprobe on the helper's
//! function, then runs at level 1 (the dispatcher's slow path). CTL[0] picks what the
//! inner program does: 0 count; 1 loop forever (the watchdog stops it, the outer run goes
//! on); 2 reserve a ring-buffer record and forget it (the runtime discards it); 3 reserve
//! and submit one; 4 print a line, whose raw tracepoint `bpf_trace_printk` runs `rt_deep` at
//! level 2, which then loops forever (the watchdog stops it, both levels below go on);
//! 5 a 64 KiB frame (past its level's stack, into the guard page); 6 unbounded recursion;
//! 7 print a line, whose `rt_deep` at level 2 then has the 64 KiB frame.
//! `rt_locker` (XDP) holds a `bpf_spin_lock` until a timer interrupt has run `rt_tick`
//! (on irq/softirq_raise, which the tick hits; it calls a helper) inside its critical section.
#![no_std]

use core::hint::black_box;
use iu::prelude::*;

/// [0] runs of rt_outer, [1] runs of rt_inner, [2] outer runs that saw the inner run,
/// [3] runs of rt_tick, [4] rt_locker runs that saw rt_tick run while holding the lock,
/// [5] runs of rt_deep in mode 4 or 7, [6] what an overflowing program would have stored.
iu::map!(COUNTS: Array<u32, u64>, max_entries = 7);
iu::map!(LOCKED: Array<u32, SpinLocked<u64>>, max_entries = 1);
iu::map!(CTL: Array<u32, u64>, max_entries = 1);
iu::map!(EVENTS: RingBuf, max_entries = 4096);

fn rt_outer(_ctx: &mut XdpContext) -> XdpAction {
    COUNTS.fetch_add(&0, 1);
    let before = COUNTS.get(&1);
    let _ = prandom_u32();
    if COUNTS.get(&1) != before {
        COUNTS.fetch_add(&2, 1);
    }
    XdpAction::Pass
}

fn rt_inner(_ctx: &KprobeContext) -> u32 {
    COUNTS.fetch_add(&1, 1);
    match CTL.get(&0) {
        Some(1) => spin_forever(),
        Some(2) => {
            if let Some(r) = EVENTS.reserve::<u64>() {
                core::mem::forget(r);
            }
        }
        Some(3) => {
            if let Some(mut r) = EVENTS.reserve::<u64>() {
                *r = 0x5eed;
                r.submit(0);
            }
        }
        Some(4) | Some(7) => {
            iu::trace_printk!("rt_inner: to level 2\n");
        }
        Some(5) => {
            COUNTS.set(&6, big_frame());
        }
        Some(6) => {
            COUNTS.set(&6, descend(0));
        }
        _ => {}
    }
    0
}

/// Iterations rt_locker waits for a timer tick with the lock held (the watchdog budget
/// is far longer than a tick).
const TICK_WAIT: u64 = 200_000_000;

fn rt_locker(ctx: &mut XdpContext) -> XdpAction {
    let seen = LOCKED.with_lock(ctx, &0, |v| {
        *v += 1;
        let before = COUNTS.get(&3);
        let mut i = 0;
        while i < TICK_WAIT {
            if black_box(COUNTS.get(&3)) != before {
                return true;
            }
            i += 1;
        }
        false
    });
    if seen == Some(true) {
        COUNTS.fetch_add(&4, 1);
        XdpAction::Pass
    } else {
        XdpAction::Drop
    }
}

fn rt_tick(_ctx: &TracepointContext) -> u32 {
    // a helper (not the one rt_inner probes): allowed here, though the program this
    // interrupted holds a lock
    let _ = ktime_get_ns();
    COUNTS.fetch_add(&3, 1);
    0
}

fn rt_deep(_ctx: &RawTracepointContext) -> u32 {
    let m = CTL.get(&0);
    if m != Some(4) && m != Some(7) {
        return 0;
    }
    COUNTS.fetch_add(&5, 1);
    if m == Some(7) {
        COUNTS.set(&6, big_frame());
    } else {
        spin_forever();
    }
    0
}

/// A 64 KiB frame, written and read in full: past the whole 32 KiB stack of the level.
#[inline(never)]
fn big_frame() -> u64 {
    let mut a = [0u8; 65536];
    for (i, b) in a.iter_mut().enumerate() {
        *b = i as u8;
    }
    black_box(&mut a).iter().map(|&x| x as u64).sum()
}

/// Recursion with no end that is not a tail call.
#[inline(never)]
fn descend(n: u64) -> u64 {
    let pad = black_box([n; 16]);
    descend(n + 1).wrapping_add(pad[(n % 5) as usize])
}

fn spin_forever() {
    let mut x = black_box(7u64);
    loop {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        if black_box(x) == 0 && black_box(x) == 1 {
            break;
        }
    }
}

iu::xdp!(rt_outer);
iu::raw_tracepoint!(rt_deep, "bpf_trace_printk");
iu::xdp!(rt_locker);
iu::tracepoint!(rt_tick, "irq/softirq_raise");
iu::kprobe!(rt_inner, "bpf_user_rnd_u32");
