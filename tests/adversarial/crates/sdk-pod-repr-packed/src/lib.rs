//! #[repr(packed)]: no padding at all, so it is harmless (the fields are unaligned, which
//! safe code cannot take references to); it builds and the value is 9 bytes.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

iu::pod_struct! {
    #[repr(packed)]
    #[derive(PartialEq, Eq)]
    pub struct Packed {
        pub a: u8,
        pub b: u64,
    }
}

iu::map!(M: Hash<u32, Packed>, max_entries = 4);

fn tp(_ctx: &TracepointContext) -> u32 {
    let v = M.get(&0).unwrap_or_default();
    let _ = M.update(&1, &v, BPF_ANY);
    0
}

iu::tracepoint!(tp, "syscalls/sys_enter_getpid");
