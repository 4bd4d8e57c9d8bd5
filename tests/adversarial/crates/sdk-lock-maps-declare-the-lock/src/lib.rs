//! Locked and plain maps side by side: exactly the SpinLocked maps carry IU_MAP_F_SPIN_LOCK
//! in iu_flags, their value is the data after an 8-byte lock word, and insert/delete/lock
//! build for XDP and tc.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

iu::pod_struct! {
    pub struct Counter {
        pub n: u64,
        pub bytes: u64,
    }
}

iu::map!(HL: Hash<u32, SpinLocked<Counter>>, max_entries = 4);
iu::map!(AL: Array<u32, SpinLocked<u64>>, max_entries = 4);
iu::map!(AP: Array<u32, u64>, max_entries = 4);
iu::map!(HP: Hash<u32, Counter>, max_entries = 4);

fn x(ctx: &mut XdpContext) -> XdpAction {
    let _ = HL.insert(&1, Counter::default(), BPF_NOEXIST);
    if let Some(mut g) = HL.lock(ctx, &1) {
        g.n += 1;
    }
    let _ = AL.with_lock(ctx, &0, |v| *v += 1);
    let _ = HL.delete(&2);
    let n = AP.get(&0).unwrap_or(0);
    AP.set(&0, n + 1);
    XdpAction::Pass
}

fn t(ctx: &mut TcContext) -> TcAction {
    let _ = AL.with_lock(ctx, &1, |v| *v += 1);
    let _ = HP.update(&0, &Counter::default(), BPF_ANY);
    TcAction::Ok
}

iu::xdp!(x);
iu::tc!(t);
