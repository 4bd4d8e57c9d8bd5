//! rt_arrays: the array fast path (element addresses computed in the program from what
//! the kernel published at load) at and past its bounds (tests/vm/runtime/arrays.test.ts).
//! Packet: byte 0 the mode, bytes 1..5 the index (little endian). The program writes
//! the value found to bytes 8..16 and returns XDP_PASS, or XDP_DROP if there is none.
#![no_std]

use iu::prelude::*;

/// 5 elements: the index mask is 7, so 5..=7 are inside the mask but past the bounds.
iu::map!(VALUES: Array<u32, u64>, max_entries = 5);
iu::map!(PERCPU: PerCpuArray<u32, u64>, max_entries = 5);
/// A 12-byte value: elements 16 bytes apart.
iu::map!(WIDE: Array<u32, [u32; 3]>, max_entries = 3);

fn rt_array(ctx: &mut XdpContext) -> XdpAction {
    let d = ctx.data();
    if d.len() < 16 {
        return XdpAction::Aborted;
    }
    let index = u32::from_le_bytes([d[1], d[2], d[3], d[4]]);
    let found = match d[0] {
        0 => VALUES.get(&index),
        1 => PERCPU.get(&index),
        2 => WIDE.get(&index).map(|w| w[0] as u64 | (w[2] as u64) << 32),
        3 => VALUES.modify(&index, |v| v + 1).then_some(0),
        4 => PERCPU.modify(&index, |v| v + 1).then_some(0),
        // runaway: lookups in a loop that never ends, for the watchdog
        5 => loop {
            if VALUES.get(&index) == Some(u64::MAX) {
                break Some(0);
            }
        },
        _ => None,
    };
    match found {
        Some(v) => {
            d[8..16].copy_from_slice(&v.to_le_bytes());
            XdpAction::Pass
        }
        None => XdpAction::Drop,
    }
}

iu::xdp!(rt_array);
