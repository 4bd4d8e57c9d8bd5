//! The same forged record through the hidden internal map macro, with the constructor name it
//! calls: the static's type must be one of the SDK's map kinds (MapKind, sealed).
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

use core::sync::atomic::AtomicU64;

pub struct Evil {
    pub map: Option<&'static AtomicU64>,
    pub rest: [u64; 7],
}

impl Evil {
    pub const fn __iu_new(_name: &str, _max: u32, _flags: u32) -> Self {
        Evil {
            map: None,
            rest: [0; 7],
        }
    }
}

iu::__iu_map!(pub EVIL, Evil, 1, 0);

fn tp(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(tp, "syscalls/sys_enter_getpid");
