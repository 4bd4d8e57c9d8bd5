//! A ring-buffer record that needs 16-byte alignment: reservations are 8-byte aligned and the
//! entry derefs to &mut T.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

iu::map!(RB: RingBuf, max_entries = 4096);

fn x(_ctx: &mut XdpContext) -> XdpAction {
    if let Some(mut r) = RB.reserve::<u128>() {
        *r = 1;
        r.submit(0);
    }
    XdpAction::Pass
}

iu::xdp!(x);
