//! A module-level function named like the old check's internal one, used in a field's array
//! length so that the field's type is 0 bytes in the struct but 7 in the check's scope.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

pub const fn is_pod<T>() -> usize {
    0
}

iu::pod_struct! {
    pub struct Leak {
        pub a: u8,
        pub b: [u8; is_pod::<[u8; 7]>()],
        pub c: u64,
    }
}

fn tp(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(tp, "syscalls/sys_enter_getpid");
