//! A known exploit: a type of the program's own with a matching `const fn new`, placed
//! in .iu.maps through the map macro's internal arm, so that the kernel's `struct bpf_map *`
//! becomes a safe `&'static AtomicU64`. The public macro has no internal arm any more.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

use core::sync::atomic::AtomicU64;

pub struct Evil {
    pub map: Option<&'static AtomicU64>,
    pub rest: [u64; 7],
}

impl Evil {
    pub const fn new(_name: &str, _max: u32, _flags: u32) -> Self {
        Evil {
            map: None,
            rest: [0; 7],
        }
    }
}

iu::map!(@def pub EVIL, Evil, 1, 0);

fn tp(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(tp, "syscalls/sys_enter_getpid");
