//! rt_faults: XDP programs for tests/vm/runtime that fault on request. The first packet
//! byte selects what the program does; 0 always means "run normally and return
//! XDP_PASS", so a test can check that the program still works after a fault.
//! The lines that panic carry a `PANIC-SITE: NAME` comment: the tests find the expected
//! `FILE:LINE` of the kernel's log line from it.
#![no_std]

use iu::prelude::*;

mod faults;
mod spin;
mod stack;

/// Counters the programs bump before they fault, so a test can tell that every run ran:
/// [0] rt_oob, [1] rt_unwrap, [2] rt_panic, [3] rt_recurse, [4] rt_bigframe, [5] rt_loop,
/// [6] rt_tc_panic, [7] rt_recurse_fn, [15] rt_recurse_dyn; [8..15) results of normal runs.
iu::map!(OUT: Array<u32, u64>, max_entries = 16);
/// rt_unwrap looks up the packet's second byte here; the test inserts key 1 only.
iu::map!(SLOTS: Hash<u32, u64>, max_entries = 4);

pub(crate) fn bump(i: u32) {
    let n = OUT.get(&i).unwrap_or(0);
    OUT.set(&i, n + 1);
}

/// The packet's byte `i`, 0 past its end.
pub(crate) fn byte(ctx: &mut XdpContext, i: usize) -> u8 {
    ctx.data().get(i).copied().unwrap_or(0)
}

iu::xdp!(rt_oob);
iu::xdp!(rt_unwrap);
iu::xdp!(rt_panic);
iu::xdp!(rt_recurse);
iu::xdp!(rt_recurse_fn);
iu::xdp!(rt_recurse_dyn);
iu::xdp!(rt_bigframe);
iu::xdp!(rt_loop);
iu::tc!(rt_tc_panic);

use faults::{rt_oob, rt_panic, rt_tc_panic, rt_unwrap};
use spin::rt_loop;
use stack::{rt_bigframe, rt_recurse, rt_recurse_dyn, rt_recurse_fn};
