//! The atomic map updates go through a trait method that takes the element's address:
//! called directly with an address of the program's choosing, it would be an arbitrary
//! kernel write. It is an unsafe fn (and an SDK-internal name), so safe code cannot call it.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

fn tp(_ctx: &TracepointContext) -> u32 {
    let target = 0xffff_ffff_8100_0000u64 as *mut core::ffi::c_void;
    <u64 as iu::AtomicValue>::__iu_rmw(target, iu::maps::AtomicOp::Add, 1) as u32
}

iu::tracepoint!(tp, "syscalls/sys_enter_getpid");
