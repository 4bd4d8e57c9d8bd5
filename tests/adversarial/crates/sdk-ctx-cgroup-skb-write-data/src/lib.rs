//! Writing a cgroup_skb packet: the verifier gives cgroup_skb programs read-only packet
//! access, and data() is a shared slice.
#![no_std]

use iu::prelude::*;

fn evil(ctx: &CgroupSkbContext) -> CgroupSkbAction {
    let data = ctx.data();
    if let Some(b) = data.get_mut(0) {
        *b = 0;
    }
    CgroupSkbAction::Pass
}

iu::cgroup_skb!(evil, egress);
