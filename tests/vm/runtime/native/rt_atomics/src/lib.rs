//! rt_atomics: one XDP program that two CPUs run at once (tests/vm/runtime/atomics.test.ts).
//! It counts each run twice in one shared (not per-CPU) array: with `fetch_add` (atomic:
//! no update may be lost) and with `get` + `set` (a read and a write: racing CPUs lose
//! updates, as `val = *p; *p = val + 1` does in eBPF).
#![no_std]

use iu::prelude::*;

/// [0] counted with fetch_add, [1] with get + set.
iu::map!(COUNTS: Array<u32, u64>, max_entries = 2);

fn rt_atomic_count(_ctx: &mut XdpContext) -> XdpAction {
    COUNTS.fetch_add(&0, 1);
    let n = COUNTS.get(&1).unwrap_or(0);
    COUNTS.set(&1, n + 1);
    XdpAction::Pass
}

iu::map!(LOCKED: Array<u32, SpinLocked<u64>>, max_entries = 1);

/// Counts under the element's bpf_spin_lock: the CPUs contend for it on every run.
fn rt_locked_count(ctx: &mut XdpContext) -> XdpAction {
    match LOCKED.with_lock(ctx, &0, |v| *v += 1) {
        Some(()) => XdpAction::Pass,
        None => XdpAction::Drop,
    }
}

iu::xdp!(rt_atomic_count);
iu::xdp!(rt_locked_count);
