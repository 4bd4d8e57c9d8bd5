//! A value type of 2^32 + 8 bytes: the record's u32 value_size would be truncated to 8, the
//! kernel would create an 8-byte element, and the guard's &mut [u8; 2^32] would reach far
//! past it into kernel memory.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

iu::map!(M: Array<u32, SpinLocked<[u8; 4294967296]>>, max_entries = 1);
iu::map!(N: Hash<u32, [u8; 4294967304]>, max_entries = 1);

fn tp(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(tp, "syscalls/sys_enter_getpid");
