//! An SDK type that is not a map kind (SpinLocked) named as the kind in map!.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

iu::map!(EVIL: SpinLocked<[u64; 7]>, max_entries = 1);

fn tp(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(tp, "syscalls/sys_enter_getpid");
