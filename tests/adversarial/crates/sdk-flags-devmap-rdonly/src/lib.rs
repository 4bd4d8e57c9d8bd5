//! DevMap only redirects: BPF_F_RDONLY_PROG is what the kernel sets on it anyway, so it builds
//! and the record carries the flag.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

iu::map!(DM: DevMap, max_entries = 4, flags = iu::maps::BPF_F_RDONLY_PROG);

fn x(ctx: &mut XdpContext) -> XdpAction {
    DM.redirect(ctx, 0, XdpAction::Pass)
}

iu::xdp!(x);
