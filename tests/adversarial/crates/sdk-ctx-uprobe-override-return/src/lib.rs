//! Overriding a return value from a uprobe: the kernel refuses such a program at a uprobe
//! (kprobe_override), and UprobeContext has no override_return to call.
#![no_std]

use iu::prelude::*;

fn evil(ctx: &UprobeContext) -> u32 {
    let _ = ctx.override_return(0);
    0
}

iu::uprobe!(evil, "/usr/bin/true:main");
