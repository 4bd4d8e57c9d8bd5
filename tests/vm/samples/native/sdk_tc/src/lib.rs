//! sdk_tc: a tc program that rewrites IPv4/UDP packets through the skb helpers: sets the
//! TTL to 1 (`store_bytes` + `l3_csum_replace` on the IPv4 checksum), rewrites the UDP
//! destination port to 4242 (`store_bytes` + `l4_csum_replace` on the UDP checksum), reads
//! the result back with `load_bytes` into `OUT`, and for source port 1 redirects to
//! ifindex 1 (`redirect`).
#![no_std]

use iu::net::{ETH_P_IP, IPPROTO_UDP};
use iu::prelude::*;

iu::map!(OUT: Array<u32, u64>, max_entries = 4);

const IP: u32 = 14;
const UDP: u32 = 34;

fn sdk_tc(ctx: &mut TcContext) -> TcAction {
    let (old_ttl_word, old_port, sport) = {
        let Some((eth, rest)) = Eth::parse(ctx.data()) else {
            return TcAction::Ok;
        };
        if eth.ethertype() != ETH_P_IP {
            return TcAction::Ok;
        }
        let Some((ip, l4)) = Ipv4::parse(rest) else {
            return TcAction::Ok;
        };
        if ip.ver_ihl() != 0x45 || ip.protocol() != IPPROTO_UDP {
            return TcAction::Ok;
        }
        let Some((udp, _)) = Udp::parse(l4) else {
            return TcAction::Ok;
        };
        // The checksum covers 16-bit words: TTL shares one with the protocol.
        (
            u16::from_be_bytes([ip.ttl(), ip.protocol()]),
            udp.dport(),
            udp.sport(),
        )
    };
    if sport == 1 {
        return ctx.redirect(1, 0);
    }
    let new_ttl_word = u16::from_be_bytes([1, IPPROTO_UDP]);
    let ok = ctx.store_bytes(IP + 8, &[1], 0).is_ok()
        && ctx
            .l3_csum_replace(
                IP + 10,
                old_ttl_word.to_be() as u64,
                new_ttl_word.to_be() as u64,
                2,
            )
            .is_ok()
        && ctx.store_bytes(UDP + 2, &4242u16.to_be_bytes(), 0).is_ok()
        && ctx
            .l4_csum_replace(UDP + 6, old_port.to_be() as u64, 4242u16.to_be() as u64, 2)
            .is_ok();
    OUT.set(&0, ok as u64);
    let mut b = [0u8; 8];
    if ctx.load_bytes(IP + 8, &mut b).is_ok() {
        OUT.set(&1, u64::from_be_bytes(b));
    }
    TcAction::Ok
}

iu::tc!(sdk_tc);
