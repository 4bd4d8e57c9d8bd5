//! Direct packet access in a socket filter: the verifier allows none there, so the
//! context has no data() (only load_bytes).
#![no_std]

use iu::prelude::*;

fn evil(ctx: &SocketFilterContext) -> u32 {
    ctx.data().len() as u32
}

iu::socket_filter!(evil);
