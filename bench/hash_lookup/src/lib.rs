//! Hash map lookup: the key is the first payload byte, the value goes to bytes 0..8.
#![no_std]

use iu::prelude::*;

iu::map!(VALUES: Hash<u32, u64>, max_entries = 256, flags = iu::maps::BPF_F_ZERO_SEED);

fn hash_lookup(ctx: &mut XdpContext) -> XdpAction {
    let d = ctx.data();
    if d.len() < 43 {
        return XdpAction::Aborted;
    }
    match VALUES.get(&(d[42] as u32)) {
        Some(v) => {
            d[..8].copy_from_slice(&v.to_le_bytes());
            XdpAction::Pass
        }
        None => XdpAction::Drop,
    }
}

iu::xdp!(hash_lookup);
