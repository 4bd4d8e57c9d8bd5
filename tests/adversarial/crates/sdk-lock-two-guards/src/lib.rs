//! Two guards on one element (or any two locks): the type system cannot refuse it (maps are
//! shared statics and lock takes &self), so it builds; the runtime refuses the second
//! bpf_spin_lock as a panic before it spins (kernel: tests/vm/runtime/native/rt_locks mode 5;
//! host backend: tests/host/usertest/backend a_second_spin_lock_is_a_panic), so the two
//! `&mut u64` never coexist.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

iu::map!(L: Array<u32, SpinLocked<u64>>, max_entries = 1);

fn x(ctx: &mut XdpContext) -> XdpAction {
    let a = L.lock(ctx, &0);
    let b = L.lock(ctx, &0);
    if let (Some(mut a), Some(mut b)) = (a, b) {
        *a += 1;
        *b += 1;
    }
    XdpAction::Pass
}

iu::xdp!(x);
