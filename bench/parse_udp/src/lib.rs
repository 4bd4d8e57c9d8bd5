//! Parse Ethernet / IPv4 / UDP and count packets by UDP destination port in a hash map.
#![no_std]

use iu::prelude::*;

iu::map!(PORTS: Hash<u32, u64>, max_entries = 1024, flags = iu::maps::BPF_F_ZERO_SEED);

fn be16(d: &[u8], off: usize) -> u16 {
    u16::from_be_bytes([d[off], d[off + 1]])
}

fn parse_udp(ctx: &mut XdpContext) -> XdpAction {
    let d = ctx.data();
    if d.len() < 34 || be16(d, 12) != 0x0800 {
        return XdpAction::Pass;
    }
    let ip = &d[14..];
    if ip[0] >> 4 != 4 || ip[9] != 17 {
        return XdpAction::Pass;
    }
    let l4 = 14 + ((ip[0] & 0x0f) as usize) * 4;
    if d.len() < l4 + 8 {
        return XdpAction::Pass;
    }
    let port = be16(d, l4 + 2) as u32;
    // one lookup when the port is known, as the eBPF twin's `(*n)++`
    if !PORTS.modify(&port, |n| n + 1) {
        let _ = PORTS.update(&port, &1, iu::maps::BPF_NOEXIST);
    }
    XdpAction::Pass
}

iu::xdp!(parse_udp);
