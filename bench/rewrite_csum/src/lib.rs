//! Rewrite and checksum: swap the MAC addresses, set the IPv4 destination to 10.0.0.2,
//! recompute the IPv4 header checksum and update the UDP checksum incrementally (RFC 1624).
#![no_std]

use iu::prelude::*;

const NEW_DADDR: [u8; 4] = [10, 0, 0, 2];

fn fold(mut s: u32) -> u16 {
    s = (s & 0xffff) + (s >> 16);
    s = (s & 0xffff) + (s >> 16);
    s as u16
}

fn be16(d: &[u8], off: usize) -> u32 {
    u16::from_be_bytes([d[off], d[off + 1]]) as u32
}

fn rewrite_csum(ctx: &mut XdpContext) -> XdpAction {
    let d = ctx.data();
    if d.len() < 42 || d[12] != 0x08 || d[13] != 0 || d[14] != 0x45 || d[23] != 17 {
        return XdpAction::Pass;
    }
    for i in 0..6 {
        d.swap(i, i + 6);
    }
    let old_hi = be16(d, 30);
    let old_lo = be16(d, 32);
    d[30..34].copy_from_slice(&NEW_DADDR);
    d[24] = 0;
    d[25] = 0;
    let mut s = 0u32;
    for i in 0..10 {
        s += be16(d, 14 + 2 * i);
    }
    let c = !fold(s);
    d[24..26].copy_from_slice(&c.to_be_bytes());
    let uc = be16(d, 40);
    if uc != 0 {
        let s =
            (!uc & 0xffff) + (!old_hi & 0xffff) + (!old_lo & 0xffff) + be16(d, 30) + be16(d, 32);
        let mut n = !fold(s);
        if n == 0 {
            n = 0xffff;
        }
        d[40..42].copy_from_slice(&n.to_be_bytes());
    }
    XdpAction::Tx
}

iu::xdp!(rewrite_csum);
