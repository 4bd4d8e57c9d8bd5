//! Per-CPU array increment of element 0. The SDK has no in-place update, so this is a
//! lookup (copy) and a lookup (write back).
#![no_std]

use iu::prelude::*;

iu::map!(HITS: PerCpuArray<u32, u64>, max_entries = 1);

fn percpu_inc(_ctx: &mut XdpContext) -> XdpAction {
    let n = HITS.get(&0).unwrap_or(0);
    if HITS.set(&0, n + 1) {
        XdpAction::Pass
    } else {
        XdpAction::Drop
    }
}

iu::xdp!(percpu_inc);
