//! Empty kprobe program on __x64_sys_getpid, timed through a getpid() loop.
#![no_std]

use iu::prelude::*;

fn kprobe_empty(_ctx: &KprobeContext) -> u32 {
    0
}

iu::kprobe!(kprobe_empty, "__x64_sys_getpid");
