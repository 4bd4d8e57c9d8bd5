//! Spin lock acquire/release on a map value: increment a counter under its bpf_spin_lock.
#![no_std]

use iu::prelude::*;

iu::map!(LOCKED: Array<u32, SpinLocked<u64>>, max_entries = 1);

fn spin_lock(ctx: &mut XdpContext) -> XdpAction {
    match LOCKED.with_lock(ctx, &0, |v| *v += 1) {
        Some(()) => XdpAction::Pass,
        None => XdpAction::Drop,
    }
}

iu::xdp!(spin_lock);
