//! Embeds the toolchain's signing key (its default path when run as root; the test
//! substitutes the real path) in a signed image. The build sandbox does not show the
//! key, so rustc cannot read it; the toolchain reports that as a policy error.
#![no_std]

use iu::prelude::*;

static KEY: &[u8] = include_bytes!("/root/.config/iu/keys/signing-key.pem");

fn leak(_ctx: &TracepointContext) -> u32 {
    KEY[0] as u32
}

iu::tracepoint!(leak, "syscalls/sys_enter_getpid");
