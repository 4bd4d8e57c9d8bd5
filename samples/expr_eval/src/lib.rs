//! expr_eval: an XDP program that evaluates an arithmetic expression tree carried in a
//! UDP packet (to port 7777) by recursion, something eBPF cannot express: the verifier
//! refuses recursive calls outright, and the tree's shape is data-dependent.
//!
//! The payload is prefix notation, one byte per token: `+`, `-`, `*` take two operands,
//! `~` negates one, `0`..`9` are literals; e.g. `*+12-93` = (1 + 2) * (9 - 3) = 18. The
//! result (wrapping i64) goes to `RESULT[0]`, the number of nodes to `RESULT[1]`; well-
//! formed expressions pass, malformed or too deep (> 64 levels) ones are dropped.
#![no_std]

use iu::net::{ETH_P_IP, IPPROTO_UDP};
use iu::prelude::*;

iu::map!(RESULT: Array<u32, u64>, max_entries = 2);

const MAX_DEPTH: u32 = 64;

/// Evaluates the expression starting at `*pos`, advancing `*pos` past it.
fn eval(b: &[u8], pos: &mut usize, depth: u32, nodes: &mut u64) -> Option<i64> {
    if depth > MAX_DEPTH {
        return None;
    }
    let t = *b.get(*pos)?;
    *pos += 1;
    *nodes += 1;
    Some(match t {
        b'0'..=b'9' => (t - b'0') as i64,
        b'~' => eval(b, pos, depth + 1, nodes)?.wrapping_neg(),
        b'+' | b'-' | b'*' => {
            let l = eval(b, pos, depth + 1, nodes)?;
            let r = eval(b, pos, depth + 1, nodes)?;
            match t {
                b'+' => l.wrapping_add(r),
                b'-' => l.wrapping_sub(r),
                _ => l.wrapping_mul(r),
            }
        }
        _ => return None,
    })
}

fn payload(pkt: &[u8]) -> Option<&[u8]> {
    let (eth, rest) = Eth::parse(pkt)?;
    if eth.ethertype() != ETH_P_IP {
        return None;
    }
    let (ip, l4) = Ipv4::parse_ihl(rest)?;
    if ip.protocol() != IPPROTO_UDP {
        return None;
    }
    let (udp, body) = Udp::parse(l4)?;
    (udp.dport() == 7777).then_some(body)
}

fn expr_eval(ctx: &mut XdpContext) -> XdpAction {
    let Some(body) = payload(ctx.data()) else {
        return XdpAction::Pass;
    };
    let mut pos = 0;
    let mut nodes = 0;
    match eval(body, &mut pos, 0, &mut nodes) {
        Some(v) if pos == body.len() => {
            RESULT.set(&0, v as u64);
            RESULT.set(&1, nodes);
            XdpAction::Pass
        }
        _ => XdpAction::Drop,
    }
}

iu::xdp!(expr_eval);
