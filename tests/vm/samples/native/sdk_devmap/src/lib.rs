//! sdk_devmap: XDP redirect through a device map. The first packet byte picks the key:
//! 1 redirects through `DEVS[0]`, 2 tries the absent `DEVS[3]` (fallback `XDP_DROP`).
#![no_std]

use iu::prelude::*;

iu::map!(DEVS: DevMap, max_entries = 4);

fn sdk_devmap(ctx: &mut XdpContext) -> XdpAction {
    match ctx.data().first().copied() {
        Some(1) => DEVS.redirect(ctx, 0, XdpAction::Pass),
        Some(2) => DEVS.redirect(ctx, 3, XdpAction::Drop),
        _ => XdpAction::Pass,
    }
}

iu::xdp!(sdk_devmap);
