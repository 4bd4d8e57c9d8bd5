//! cgroup_skb: the kernel's samples/bpf `test_cgrp2_attach` idea, on an egress cgroup_skb
//! program. It counts the IPv4 packets and bytes the sockets of a cgroup send, and drops
//! their UDP datagrams to the discard port (9), counting those too; the sender sees
//! EPERM. The packet starts at its IP header, as cgroup_skb programs see it.
#![no_std]

use iu::net::{IPPROTO_UDP, Ipv4, Udp};
use iu::prelude::*;

/// 0: packets passed, 1: their bytes, 2: UDP datagrams to port 9 dropped.
iu::map!(COUNTS: Array<u32, u64>, max_entries = 3);

const DISCARD_PORT: u16 = 9;

fn to_discard(ctx: &CgroupSkbContext) -> bool {
    let Some((ip, l4)) = Ipv4::parse_ihl(ctx.data()) else {
        return false;
    };
    if ip.protocol() != IPPROTO_UDP {
        return false;
    }
    matches!(Udp::parse(l4), Some((udp, _)) if udp.dport() == DISCARD_PORT)
}

fn count_egress(ctx: &CgroupSkbContext) -> CgroupSkbAction {
    if to_discard(ctx) {
        COUNTS.fetch_add(&2, 1);
        return CgroupSkbAction::Drop;
    }
    COUNTS.fetch_add(&0, 1);
    COUNTS.fetch_add(&1, ctx.len() as u64);
    CgroupSkbAction::Pass
}

iu::cgroup_skb!(count_egress, egress);

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use iu::host::Packet;

    /// An IPv4 UDP datagram to `dport` with `payload` bytes.
    fn udp(dport: u16, payload: usize) -> std::vec::Vec<u8> {
        let mut p = std::vec![0u8; 28 + payload];
        p[0] = 0x45;
        p[9] = IPPROTO_UDP;
        p[22..24].copy_from_slice(&dport.to_be_bytes());
        p
    }

    #[test]
    fn counts_passed_packets_and_drops_discard() {
        assert_eq!(
            Packet::new(&udp(7777, 12)).cgroup_skb(count_egress),
            CgroupSkbAction::Pass
        );
        assert_eq!(
            Packet::new(&udp(9, 12)).cgroup_skb(count_egress),
            CgroupSkbAction::Drop
        );
        assert_eq!(
            Packet::new(&[0x60; 40]).cgroup_skb(count_egress),
            CgroupSkbAction::Pass
        );
        assert_eq!(COUNTS.get(&0), Some(2));
        assert_eq!(COUNTS.get(&1), Some(40 + 40));
        assert_eq!(COUNTS.get(&2), Some(1));
    }
}
