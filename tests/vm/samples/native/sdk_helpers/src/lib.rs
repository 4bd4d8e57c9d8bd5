//! sdk_helpers: one XDP program exercising the SDK's helpers and map kinds that XDP may
//! call, each result stored in `OUT[i]` for tests/vm/samples/sdk.test.ts to check.
#![no_std]

use iu::prelude::*;

iu::map!(OUT: Array<u32, u64>, max_entries = 32);
iu::map!(Q: Queue<u64>, max_entries = 8);
iu::map!(S: Stack<u64>, max_entries = 8);
iu::map!(LOCKED: Array<u32, SpinLocked<u64>>, max_entries = 1);
iu::map!(LRU: LruHash<u32, u64>, max_entries = 4);
iu::map!(PCH: PerCpuHash<u32, u64>, max_entries = 4);
iu::map!(EVENTS: RingBuf, max_entries = 4096);

fn out(i: u32, v: u64) {
    OUT.set(&i, v);
}

fn sdk_helpers(ctx: &mut XdpContext) -> XdpAction {
    let t0 = ktime_get_ns();
    out(0, t0);
    out(1, ktime_get_boot_ns());
    out(2, ktime_get_coarse_ns());
    out(3, prandom_u32() as u64);
    out(4, prandom_u32() as u64);
    out(5, smp_processor_id() as u64);
    for v in [11u64, 22, 33] {
        let _ = Q.push(&v, 0);
        let _ = S.push(&v, 0);
    }
    out(6, Q.peek().unwrap_or(0));
    out(7, Q.pop().unwrap_or(0));
    out(8, S.pop().unwrap_or(0));
    while Q.pop().is_some() {}
    while S.pop().is_some() {}
    out(
        9,
        LOCKED
            .with_lock(ctx, &0, |v| {
                *v += 5;
                *v
            })
            .unwrap_or(0),
    );
    out(
        10,
        csum_diff(&[0x0102_0304], &[0x0506_0708], 0).unwrap_or(0) as u64,
    );
    let _ = LRU.update(&7, &70, BPF_ANY);
    out(11, LRU.get(&7).unwrap_or(0));
    let _ = PCH.update(&1, &100, BPF_ANY);
    out(12, PCH.get(&1).unwrap_or(0));
    let before = ctx.len() as u64;
    out(
        13,
        ctx.adjust_tail(-4)
            .map_or(u64::MAX, |_| before - ctx.len() as u64),
    );
    let rec = [t0, 0xfeed];
    out(14, EVENTS.output(&rec, 0).map_or(1, |_| 0));
    XdpAction::Pass
}

iu::xdp!(sdk_helpers);
