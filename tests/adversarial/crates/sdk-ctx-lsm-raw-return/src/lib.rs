//! An LSM program returning a raw value: the verifier bounds LSM returns to 0 or -errno
//! (a positive one would reach the hook's caller as a bogus result); the handler must
//! return LsmAction, which can only be one of those.
#![no_std]

use iu::prelude::*;

fn evil(_ctx: &LsmContext) -> i32 {
    1
}

iu::lsm!(evil, "file_open");
