//! sockfilter: libbpf-bootstrap's `sockfilter` example. A socket filter on a packet
//! socket keeps the IPv4 packets it sees, and sends each one's protocol, addresses and
//! ports to user space through a ring buffer; everything else (IPv6, ARP) is dropped.
//! As the original, fragments are skipped and GRE packets have no addresses. The
//! original also reports `skb->pkt_type` and `skb->ifindex`, which the SDK's socket
//! filter context does not offer yet; the event leaves them out.
#![no_std]

use iu::prelude::*;

iu::pod_struct! {
    /// One packet as user space reads it (16 bytes): the addresses and ports in network
    /// byte order, as the original's `struct so_event`.
    pub struct SoEvent {
        pub src_addr: u32,
        pub dst_addr: u32,
        /// Source and destination port (the first 4 bytes after the IP header).
        pub ports: u32,
        pub ip_proto: u32,
    }
}

iu::map!(RB: RingBuf, max_entries = 256 * 1024);

const ETH_HLEN: u32 = 14;
const ETH_P_IP: [u8; 2] = [0x08, 0x00];
const IPPROTO_GRE: u8 = 47;
const IP_MF: u16 = 0x2000;
const IP_OFFSET: u16 = 0x1fff;

fn load<const N: usize>(ctx: &SocketFilterContext, off: u32) -> Option<[u8; N]> {
    let mut b = [0u8; N];
    ctx.load_bytes(off, &mut b).ok()?;
    Some(b)
}

fn socket_handler(ctx: &SocketFilterContext) -> u32 {
    if load::<2>(ctx, 12) != Some(ETH_P_IP) {
        return 0;
    }
    let Some(frag) = load::<2>(ctx, ETH_HLEN + 6) else {
        return 0;
    };
    if u16::from_be_bytes(frag) & (IP_MF | IP_OFFSET) != 0 {
        return 0;
    }
    let Some(mut e) = RB.reserve::<SoEvent>() else {
        return 0;
    };
    let nh = ETH_HLEN;
    let proto = load::<1>(ctx, nh + 9).map_or(0, |b| b[0]);
    e.ip_proto = proto as u32;
    if proto != IPPROTO_GRE {
        e.src_addr = load::<4>(ctx, nh + 12).map_or(0, u32::from_ne_bytes);
        e.dst_addr = load::<4>(ctx, nh + 16).map_or(0, u32::from_ne_bytes);
    }
    let verlen = load::<1>(ctx, nh).map_or(0, |b| b[0]);
    e.ports = load::<4>(ctx, nh + ((verlen as u32 & 0xf) << 2)).map_or(0, u32::from_ne_bytes);
    e.submit(0);
    ctx.len()
}

iu::socket_filter!(socket_handler);

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use iu::host::Packet;

    #[test]
    fn keeps_ipv4_and_drops_the_rest() {
        let mut v4 = std::vec![0u8; 14 + 28];
        v4[12..14].copy_from_slice(&ETH_P_IP);
        v4[14] = 0x45;
        v4[14 + 9] = 17;
        v4[14 + 12..14 + 16].copy_from_slice(&[127, 0, 0, 1]);
        v4[14 + 16..14 + 20].copy_from_slice(&[127, 0, 0, 2]);
        v4[14 + 20..14 + 24].copy_from_slice(&[0x30, 0x39, 0x1e, 0x61]);
        assert_eq!(Packet::new(&v4).socket_filter(socket_handler), 42);
        let mut v6 = std::vec![0u8; 14 + 48];
        v6[12..14].copy_from_slice(&[0x86, 0xdd]);
        assert_eq!(Packet::new(&v6).socket_filter(socket_handler), 0);
        let mut frag = v4.clone();
        frag[14 + 6] = 0x20;
        assert_eq!(Packet::new(&frag).socket_filter(socket_handler), 0);
    }
}
