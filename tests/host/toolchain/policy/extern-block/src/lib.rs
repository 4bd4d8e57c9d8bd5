#![no_std]
// Edition 2021 lets an extern block be declared without the unsafe keyword.

use iu::prelude::*;

extern "C" {
    fn bpf_probe_write_user(dst: u64, src: u64, len: u32) -> i64;
}

fn prog(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(prog, "syscalls/sys_enter_getpid");
