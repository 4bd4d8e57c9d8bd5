//! tc_filter: a tc classifier that drops TCP and UDP packets (IPv4 or IPv6) whose
//! destination port is `PORT[0]` and counts passed/dropped packets in `STATS[0]`/`STATS[1]`.
#![no_std]

use iu::net::{ETH_P_IP, ETH_P_IPV6, IPPROTO_TCP, IPPROTO_UDP};
use iu::prelude::*;

iu::map!(PORT: Array<u32, u32>, max_entries = 1);
iu::map!(STATS: Array<u32, u64>, max_entries = 2);

/// Destination port of a TCP/UDP packet in an Ethernet frame.
fn dest_port(pkt: &[u8]) -> Option<u16> {
    let (eth, rest) = Eth::parse(pkt)?;
    let (proto, l4) = match eth.ethertype() {
        ETH_P_IP => {
            let (ip, l4) = Ipv4::parse_ihl(rest)?;
            (ip.protocol(), l4)
        }
        ETH_P_IPV6 => {
            let (ip, l4) = Ipv6::parse(rest)?;
            (ip.next_header(), l4)
        }
        _ => return None,
    };
    match proto {
        IPPROTO_TCP => Tcp::parse(l4).map(|(t, _)| t.dport()),
        IPPROTO_UDP => Udp::parse(l4).map(|(u, _)| u.dport()),
        _ => None,
    }
}

fn bump(i: u32) {
    if let Some(n) = STATS.get(&i) {
        STATS.set(&i, n + 1);
    }
}

fn tc_filter(ctx: &mut TcContext) -> TcAction {
    let port = PORT.get(&0).unwrap_or(0);
    if port != 0 && dest_port(ctx.data()) == Some(port as u16) {
        bump(1);
        return TcAction::Shot;
    }
    bump(0);
    TcAction::Ok
}

iu::tc!(tc_filter);

#[cfg(test)]
mod tests {
    use super::*;
    use iu::host::{Json, Packet};

    /// The same packets and expectations as the VM test (tests/vm/samples/tc_filter.test.ts).
    #[test]
    fn agrees_with_the_vm_fixture() {
        let f = Json::parse(include_str!("../fixture.json"));
        PORT.update(&0, &(f.get("port").int() as u32), BPF_ANY)
            .unwrap();
        for c in f.get("cases").items() {
            let verdict = Packet::new(&c.get("packet").hex()).tc(tc_filter);
            assert_eq!(verdict as i32 as i128, c.get("retval").int(), "{c:?}");
        }
        for (k, v) in f.get("maps").get("STATS").members() {
            assert_eq!(
                STATS.get(&k.parse().unwrap()).unwrap() as i128,
                v.int(),
                "STATS[{k}]"
            );
        }
    }

    #[test]
    fn no_port_configured_passes_everything() {
        let pkt = Json::parse(include_str!("../fixture.json"))
            .get("cases")
            .items()[0]
            .get("packet")
            .hex();
        assert_eq!(Packet::new(&pkt).tc(tc_filter), TcAction::Ok);
        assert_eq!(STATS.get(&0), Some(1));
    }
}
