//! A key type whose size does not fit the record's u32.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

iu::map!(M: Hash<[u8; 4294967300], u64>, max_entries = 1);

fn tp(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(tp, "syscalls/sys_enter_getpid");
