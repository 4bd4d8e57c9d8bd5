//! Hash map update: key = first payload byte, value = the next 8 payload bytes.
#![no_std]

use iu::prelude::*;

iu::map!(SLOTS: Hash<u32, u64>, max_entries = 256, flags = iu::maps::BPF_F_ZERO_SEED);

fn hash_update(ctx: &mut XdpContext) -> XdpAction {
    let d = ctx.data();
    if d.len() < 51 {
        return XdpAction::Aborted;
    }
    let mut v = [0u8; 8];
    v.copy_from_slice(&d[43..51]);
    match SLOTS.update(&(d[42] as u32), &u64::from_le_bytes(v), iu::maps::BPF_ANY) {
        Ok(()) => XdpAction::Pass,
        Err(_) => XdpAction::Drop,
    }
}

iu::xdp!(hash_update);
