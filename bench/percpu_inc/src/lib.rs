//! Per-CPU array increment of element 0: one lookup and an update in place, as the eBPF
//! twin's `*v += 1`.
#![no_std]

use iu::prelude::*;

iu::map!(HITS: PerCpuArray<u32, u64>, max_entries = 1);

fn percpu_inc(_ctx: &mut XdpContext) -> XdpAction {
    if HITS.modify(&0, |n| n + 1) {
        XdpAction::Pass
    } else {
        XdpAction::Drop
    }
}

iu::xdp!(percpu_inc);
