//! xdp1: counts packets per IP protocol (IPv4 protocol / IPv6 next header, through up to
//! two VLAN tags) in a per-CPU array, and drops every packet, like the kernel's xdp1.
#![no_std]

use iu::net::{ETH_P_8021Q, ETH_P_IP, ETH_P_IPV6};
use iu::prelude::*;

iu::map!(RXCNT: PerCpuArray<u32, u64>, max_entries = 256);

/// The IP protocol number of an Ethernet frame, or 0 if it is not IP.
fn protocol(pkt: &[u8]) -> u32 {
    let Some((eth, mut rest)) = Eth::parse(pkt) else {
        return 0;
    };
    let mut ethertype = eth.ethertype();
    for _ in 0..2 {
        if ethertype != ETH_P_8021Q {
            break;
        }
        // 802.1Q tag: TCI (2 bytes), then the encapsulated ethertype.
        let Some((tag, r)) = rest.split_first_chunk::<4>() else {
            return 0;
        };
        ethertype = u16::from_be_bytes([tag[2], tag[3]]);
        rest = r;
    }
    match ethertype {
        ETH_P_IP => Ipv4::parse(rest).map_or(0, |(ip, _)| ip.protocol() as u32),
        ETH_P_IPV6 => Ipv6::parse(rest).map_or(0, |(ip, _)| ip.next_header() as u32),
        _ => 0,
    }
}

fn xdp1(ctx: &mut XdpContext) -> XdpAction {
    let proto = protocol(ctx.data());
    if let Some(n) = RXCNT.get(&proto) {
        RXCNT.set(&proto, n + 1);
    }
    XdpAction::Drop
}

iu::xdp!(xdp1);

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use iu::host::Packet;
    use std::vec;

    /// Ethernet + IPv4 header with the given protocol (rest zero).
    fn ipv4(proto: u8) -> std::vec::Vec<u8> {
        let mut p = vec![0u8; 14 + 20 + 8];
        p[12..14].copy_from_slice(&ETH_P_IP.to_be_bytes());
        p[14] = 0x45;
        p[14 + 9] = proto;
        p
    }

    #[test]
    fn counts_per_protocol_and_drops() {
        let mut pkt = Packet::new(&ipv4(17));
        assert_eq!(pkt.xdp(xdp1), XdpAction::Drop);
        iu::host::set_cpu(1);
        assert_eq!(Packet::new(&ipv4(17)).xdp(xdp1), XdpAction::Drop);
        assert_eq!(Packet::new(&ipv4(6)).xdp(xdp1), XdpAction::Drop);
        assert_eq!(RXCNT.host_values(&17), vec![1, 1]);
        assert_eq!(RXCNT.host_values(&6), vec![0, 1]);
    }

    /// The same packets and expectations as the VM test (tests/vm/samples/xdp1.test.ts).
    #[test]
    fn agrees_with_the_vm_fixture() {
        let f = iu::host::Json::parse(include_str!("../fixture.json"));
        for c in f.get("cases").items() {
            for _ in 0..f.get("repeat").int() {
                let verdict = Packet::new(&c.get("packet").hex()).xdp(xdp1);
                assert_eq!(verdict as i128, c.get("retval").int());
            }
        }
        let expected = f.get("maps").get("RXCNT").members();
        for k in 0..256u32 {
            let sum: u64 = RXCNT.host_values(&k).iter().sum();
            let want = expected.iter().find(|(n, _)| *n == std::format!("{k}"));
            assert_eq!(sum as i128, want.map_or(0, |(_, v)| v.int()), "RXCNT[{k}]");
        }
    }
}
