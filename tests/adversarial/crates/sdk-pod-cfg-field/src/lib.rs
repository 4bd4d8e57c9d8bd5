//! A known leak: #[cfg(any())] removes a field after its size was counted, so a struct
//! with 7 bytes of padding passed the sum check. Each field's offset is checked now.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

iu::pod_struct! {
    pub struct Leak {
        pub a: u8,
        #[cfg(any())]
        pub pad: [u8; 7],
        pub b: u64,
    }
}

iu::map!(M: Hash<u32, Leak>, max_entries = 4);

fn tp(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(tp, "syscalls/sys_enter_getpid");
