//! A shared packet slice held across store_bytes (which may reallocate the skb's data).
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

fn t(ctx: &mut TcContext) -> TcAction {
    let d = ctx.data();
    let _ = ctx.store_bytes(0, &[1, 2], 0);
    if d.first() == Some(&1) {
        TcAction::Shot
    } else {
        TcAction::Ok
    }
}

iu::tc!(t);
