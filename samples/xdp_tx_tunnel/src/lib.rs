//! xdp_tx_tunnel: IPv4 TCP/UDP packets to the configured service (`CONFIG[0]`: address
//! and port) are encapsulated in an outer IPv4 header (IP-in-IP, protocol 4) addressed to
//! the configured tunnel endpoint, given new MAC addresses, and sent back out of the same
//! interface with XDP_TX. Everything else passes. Counts tunnelled bytes per protocol.
#![no_std]

use iu::net::{ETH_P_IP, IPPROTO_IPIP, IPPROTO_TCP, IPPROTO_UDP};
use iu::prelude::*;

iu::pod_struct! {
    /// The service to tunnel and where to (addresses as host-order integers of the
    /// network bytes, e.g. 10.0.0.2 = 0x0a000002).
    pub struct Config {
        pub vip: u32,
        pub port: u16,
        pub pad: u16,
        pub tnl_saddr: u32,
        pub tnl_daddr: u32,
        pub dmac: [u8; 6],
        pub smac: [u8; 6],
    }
}

iu::map!(CONFIG: Array<u32, Config>, max_entries = 1);
iu::map!(TXBYTES: PerCpuArray<u32, u64>, max_entries = 256);

/// The inner packet's protocol and total length if it is for the service.
fn matches(pkt: &[u8], c: &Config) -> Option<(u8, u16)> {
    let (eth, rest) = Eth::parse(pkt)?;
    if eth.ethertype() != ETH_P_IP {
        return None;
    }
    let (ip, l4) = Ipv4::parse_ihl(rest)?;
    if ip.daddr() != c.vip {
        return None;
    }
    let dport = match ip.protocol() {
        IPPROTO_TCP => Tcp::parse(l4)?.0.dport(),
        IPPROTO_UDP => Udp::parse(l4)?.0.dport(),
        _ => return None,
    };
    (dport == c.port).then_some((ip.protocol(), ip.tot_len()))
}

fn xdp_tx_tunnel(ctx: &mut XdpContext) -> XdpAction {
    let Some(c) = CONFIG.get(&0) else {
        return XdpAction::Pass;
    };
    let Some((proto, inner_len)) = matches(ctx.data(), &c) else {
        return XdpAction::Pass;
    };
    // Room for the outer IPv4 header in front of the inner one.
    if ctx.adjust_head(-(Ipv4::LEN as i32)).is_err() {
        return XdpAction::Drop;
    }
    let data = ctx.data();
    let Some((mut eth, rest)) = EthMut::parse(data) else {
        return XdpAction::Drop;
    };
    eth.set_dst(c.dmac);
    eth.set_src(c.smac);
    eth.set_ethertype(ETH_P_IP);
    let Some((mut ip, _)) = Ipv4Mut::parse(rest) else {
        return XdpAction::Drop;
    };
    ip.set_ver_ihl(0x45);
    ip.set_tos(0);
    ip.set_tot_len(inner_len.wrapping_add(Ipv4::LEN as u16));
    ip.set_id(0);
    ip.set_frag_off(0);
    ip.set_ttl(8);
    ip.set_protocol(IPPROTO_IPIP);
    ip.set_saddr(c.tnl_saddr);
    ip.set_daddr(c.tnl_daddr);
    ip.update_checksum();
    let key = proto as u32;
    if let Some(n) = TXBYTES.get(&key) {
        TXBYTES.set(&key, n + inner_len as u64);
    }
    XdpAction::Tx
}

iu::xdp!(xdp_tx_tunnel);

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use iu::host::{Json, Packet, pod_from_bytes, to_hex};

    /// The same packets as the VM test (tests/vm/samples/xdp_tx_tunnel.test.ts): verdicts,
    /// output packets byte for byte, tunnelled bytes per protocol.
    #[test]
    fn agrees_with_the_vm_fixture() {
        let f = Json::parse(include_str!("../fixture.json"));
        let config: Config = pod_from_bytes(&f.get("config").hex());
        CONFIG.update(&0, &config, BPF_ANY).unwrap();
        for c in f.get("cases").items() {
            let mut pkt = Packet::new(&c.get("packet").hex());
            let verdict = pkt.xdp(xdp_tx_tunnel);
            if std::env::var_os("IU_FIXTURE_PRINT").is_some() {
                // Regenerating the fixture: print, do not compare.
                std::println!("out {}", to_hex(pkt.data()));
                continue;
            }
            assert_eq!(verdict as i128, c.get("retval").int());
            assert_eq!(to_hex(pkt.data()), c.get("out").str());
        }
        for (k, v) in f.get("maps").get("TXBYTES").members() {
            if std::env::var_os("IU_FIXTURE_PRINT").is_some() {
                break;
            }
            let sum: u64 = TXBYTES.host_values(&k.parse().unwrap()).iter().sum();
            assert_eq!(sum as i128, v.int(), "TXBYTES[{k}]");
        }
    }
}
