//! A SpinLocked<T> whose T is not a multiple of 8 bytes: insert would copy the trailing
//! padding (uninitialised stack bytes) into the map.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

iu::map!(L: Hash<u32, SpinLocked<u32>>, max_entries = 1);

fn tp(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(tp, "syscalls/sys_enter_getpid");
